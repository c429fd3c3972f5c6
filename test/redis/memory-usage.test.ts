/**
 * Size of one user's state key in Redis after a realistic flow, as `MEMORY USAGE`
 * reports it (printed; target ≤ 512 bytes). Deterministic: it depends on the encoding,
 * not on timing.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores } from '../../src/adapters/redis/index.js';
import { createMfa } from 'mfakit';
import { fakeClock } from '../../src/testing/clock.js';
import { outboxSender } from '../../src/testing/outbox.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { PHONE, SECRET, wrong } from '../helpers/setup.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the MEMORY USAGE test');

describe.skipIf(url === null)('MEMORY USAGE of a user state key', () => {
  let io: Redis | undefined;
  const prefix = `mfakit-mem:${process.pid}:`;
  beforeAll(() => {
    io = new Redis(url ?? '', { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    if (io) {
      const keys = await io.keys(`${prefix}*`);
      if (keys.length > 0) await io.del(...keys);
      await io.quit().catch(() => undefined);
    }
  });

  it('≤ 512 bytes with a live code, 4 sends and 3 failures (a realistic flow)', async () => {
    if (io === undefined) throw new Error('not connected');
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const mfa = createMfa({ stores: redisStores(io, { keyPrefix: prefix }), senders: { sms: outbox }, secret: SECRET, appName: 'Acme', clock });
    const user = '4f1d2c9a-7b3e-4c55-9a1e-2f6b8d0c1e7a'; // a UUID, as most hosts use
    expect((await mfa.enrollSms(user, PHONE)).ok).toBe(true);
    expect((await mfa.confirmEnrollment(user, outbox.last()?.code ?? '')).ok).toBe(true);
    clock.advance(30_000);
    expect((await mfa.startChallenge(user)).ok).toBe(true);
    await mfa.verify(user, wrong(outbox.last()?.code ?? ''));
    await mfa.verify(user, wrong(outbox.last()?.code ?? ''));
    clock.advance(30_000);
    expect((await mfa.resend(user)).ok).toBe(true);
    clock.advance(45_000);
    expect((await mfa.resend(user)).ok).toBe(true);
    await mfa.verify(user, wrong(outbox.last()?.code ?? ''));
    const status = await mfa.getStatus(user);
    expect([status.failures, status.sendsLeft, status.pending?.attemptsLeft]).toEqual([3, 6, 3]);

    const key = `${prefix}{user:${user}}`;
    const value = (await io.get(key)) ?? '';
    const bytes = Number(await io.call('MEMORY', 'USAGE', key));
    console.log(`MEMORY USAGE ${key}: ${bytes} bytes (value ${Buffer.byteLength(value)} bytes, PTTL ${await io.pttl(key)} ms)`);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(512);

    // For scale: the per-number budget key and the durable factor hash of the same user.
    const dest = (await io.keys(`${prefix}{dest:*}`))[0] ?? '';
    const extra = await Promise.all([dest, `${prefix}{user:${user}}:factors`].map(async (k) => `${k}: ${String(await io?.call('MEMORY', 'USAGE', k))} bytes`));
    console.log(extra.join('\n'));
  });

  it('bounded at the send budget (10 sends in the window), locked, with a dead code', async () => {
    if (io === undefined) throw new Error('not connected');
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const mfa = createMfa({ stores: redisStores(io, { keyPrefix: prefix }), senders: { sms: outbox }, secret: SECRET, appName: 'Acme', clock });
    const user = '9b2e7c1d-0a4f-4e8b-b5c6-d7e8f9a0b1c2';
    expect((await mfa.enrollSms(user, '+14155552673')).ok).toBe(true);
    expect((await mfa.confirmEnrollment(user, outbox.last()?.code ?? '')).ok).toBe(true);
    for (let i = 0; i < 9; i += 1) {
      clock.advance(30_000);
      expect((await mfa.startChallenge(user)).ok).toBe(true);
      // 4 wrong entries on the 5th code and 4 on the 9th: the 8th locks.
      if (i === 4 || i === 8) for (let j = 0; j < 4; j += 1) await mfa.verify(user, wrong(outbox.last()?.code ?? ''));
    }
    const status = await mfa.getStatus(user);
    expect([status.sendsLeft, status.locked, status.consecutiveFailures]).toEqual([0, true, 8]);
    const key = `${prefix}{user:${user}}`;
    const value = (await io.get(key)) ?? '';
    const bytes = Number(await io.call('MEMORY', 'USAGE', key));
    console.log(`MEMORY USAGE ${key} (10 sends, 8 consecutive failures, locked): ${bytes} bytes (value ${Buffer.byteLength(value)} bytes)`);
    // The fullest record a user can have (the send budget caps the send times it holds)
    // still meets the 512-byte target: times are stored relative to one base.
    expect(bytes).toBeLessThanOrEqual(512);
  });
});
