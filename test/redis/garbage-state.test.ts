/**
 * A state value mfakit did not write fails closed. mfakit writes `<version>\n<value>` with a
 * version of `max(previous + 1, server time in µs, 10^15)`: a decimal integer of at least 16
 * digits. A hand-written `-5\n{}` or `123\n{}` in a user's key must make `verify`,
 * `startChallenge` and `getStatus` reject with `store_failed`, never read as an empty record
 * (no code, counters zero); and the compare-and-set script refuses to write over one.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores } from '../../src/adapters/redis/index.js';
import { createMfa, type Mfa } from 'mfakit';
import { outboxSender, type OutboxSender } from '../../src/testing/outbox.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { PHONE, SECRET } from '../helpers/setup.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the garbage-state tests');

/** Values mfakit never writes, each with an empty-looking record after the newline. */
const GARBAGE = [
  '-5\n{}',
  '123\n{}',
  '0\n{}',
  '999999999999999\n{}', // 15 digits: below 10^15
  '01760000000000000\n{}', // leading zero
  '+1760000000000000\n{}',
  ' 1760000000000000\n{}',
  '1760000000000000 \n{}',
  '1.76e15\n{}',
  '0x63C2F8A1B2C00\n{}',
  '17600000000000000000\n{}', // not a safe integer
  '\n{}',
  '{}',
];

describe.skipIf(url === null)('a user key mfakit did not write', () => {
  let redis: Redis | undefined;
  let mfa: Mfa | undefined;
  let outbox: OutboxSender | undefined;
  const prefix = `mfakit-garbage:${process.pid}:`;
  const r = (): Redis => {
    if (redis === undefined) throw new Error('not connected');
    return redis;
  };
  const m = (): Mfa => {
    if (mfa === undefined) throw new Error('no mfa');
    return mfa;
  };

  beforeAll(async () => {
    redis = new Redis(url ?? '', { maxRetriesPerRequest: 1 });
    outbox = outboxSender();
    mfa = createMfa({ stores: redisStores(redis, { keyPrefix: prefix }), senders: { sms: outbox }, secret: SECRET, appName: 'Acme' });
    // An enrolled user, so startChallenge has a factor to send to.
    expect(await m().enrollSms('u1', PHONE)).toMatchObject({ ok: true });
    expect(await m().confirmEnrollment('u1', outbox.last()?.code ?? '')).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    const keys = await r().keys(`${prefix}*`);
    if (keys.length > 0) await r().del(...keys);
    await r().quit();
  });

  it('what mfakit writes passes: a 16-digit version', async () => {
    expect(await m().startChallenge('u1')).toMatchObject({ ok: true });
    const right = outbox?.last()?.code ?? '';
    expect(await m().verify('u1', right === '000000' ? '111111' : '000000')).toMatchObject({ error: 'code_mismatch' });
    const raw = (await r().get(`${prefix}{user:u1}`)) ?? '';
    expect(raw).toMatch(/^[1-9]\d{15}\n\{/);
    expect(await m().getStatus('u1')).toMatchObject({ failures: 1 });
  });

  for (const value of GARBAGE) {
    it(`${JSON.stringify(value)}: verify, startChallenge and getStatus fail closed`, async () => {
      await r().set(`${prefix}{user:u1}`, value);
      const sent = outbox?.messages.length;
      await expect(m().verify('u1', '123456')).rejects.toMatchObject({ code: 'store_failed' });
      await expect(m().startChallenge('u1')).rejects.toMatchObject({ code: 'store_failed' });
      await expect(m().getStatus('u1')).rejects.toMatchObject({ code: 'store_failed' });
      await expect(m().resend('u1')).rejects.toMatchObject({ code: 'store_failed' });
      expect(outbox?.messages.length).toBe(sent); // no SMS
      expect(await r().get(`${prefix}{user:u1}`)).toBe(value); // nothing written over it
    });
  }

  it('the compare-and-set script refuses to write over such a value, whatever version is expected', async () => {
    const { state } = redisStores(r(), { keyPrefix: prefix });
    for (const value of ['-5\n{}', '123\n{}', '0001760000000000\n{}']) {
      await r().set(`${prefix}{user:cas}`, value);
      for (const expected of [null, -5, 123, 1_760_000_000_000_000]) {
        await expect(state.write('user:cas', '{"F":1}', expected, 60_000)).rejects.toMatchObject({ code: 'store_failed' });
      }
      expect(await r().get(`${prefix}{user:cas}`)).toBe(value);
    }
  });
});
