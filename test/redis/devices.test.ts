/**
 * What trusted devices cost on Redis, counted at the client: a verify that trusts the
 * device reads the factors once more (the token is bound to them); a verify that does not
 * is unchanged (GET + EVALSHA); `requiresMfa` with a token reads the user's record and
 * factors in one more script call. Also: many parallel trusting verifies from two instances
 * on one Redis give one success and one token.
 */
import { describe, expect, inject, it } from 'vitest';
import { fakeClock } from '../../src/testing/clock.js';
import { outboxSender } from '../../src/testing/outbox.js';
import { countingRedis } from '../helpers/counting-redis.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { must, PHONE } from '../helpers/setup.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the trusted-device command counts');

describe.skipIf(url === null)('trusted devices on Redis: commands and races', () => {
  const { server, count } = countingRedis(`mfakit-devices-cmds:${process.pid}:`);

  it('a trusting verify costs one factor read more; a plain one is unchanged; requiresMfa with a token one script call more', async () => {
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const mfa = server(clock, outbox);
    must(await mfa.enrollSms('d1', PHONE));
    must(await mfa.confirmEnrollment('d1', outbox.last()?.code ?? ''));
    clock.advance(30_000);
    await mfa.startChallenge('warm-up');
    must(await mfa.startChallenge('d1'));
    const plain = await count(async () => must(await mfa.verify('d1', outbox.last()?.code ?? '', { trustDevice: false })));
    expect(plain).toEqual(['EVALSHA']); // from the copy this process wrote at the start

    clock.advance(30_000);
    must(await mfa.startChallenge('d1'));
    let token = '';
    const trusting = await count(async () => {
      token = must(await mfa.verify('d1', outbox.last()?.code ?? '', { trustDevice: true })).deviceToken ?? '';
    });
    expect(trusting.slice(1)).toEqual(['EVALSHA']);
    expect(trusting).toHaveLength(2); // the factors (the token is bound to them), then the commit

    const without = await count(() => mfa.requiresMfa('d1'));
    const withToken = await count(async () => expect(await mfa.requiresMfa('d1', { deviceToken: token })).toMatchObject({ required: false, reason: 'trusted_device' }));
    expect(withToken).toEqual([...without, 'EVALSHA']);
    // A token that does not parse costs nothing more.
    expect(await count(() => mfa.requiresMfa('d1', { deviceToken: 'garbage' }))).toEqual(without);
  });

  it('40 parallel trusting verifies of one code from two instances: one success, one token, and it is trusted by both', async () => {
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const a = server(clock, outbox);
    const b = server(clock, outbox);
    must(await a.enrollSms('d2', '+14155550142'));
    must(await a.confirmEnrollment('d2', outbox.last()?.code ?? ''));
    clock.advance(30_000);
    must(await b.startChallenge('d2'));
    const code = outbox.last()?.code ?? '';
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).verify('d2', code, { trustDevice: true })));
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(1);
    const token = ok[0]?.ok ? ok[0].deviceToken ?? '' : '';
    for (const mfa of [a, b]) expect(await mfa.requiresMfa('d2', { deviceToken: token })).toMatchObject({ required: false, reason: 'trusted_device' });
    expect(results.filter((r) => !r.ok && 'deviceToken' in r)).toHaveLength(0);
  });
});
