import { describe, expect, it } from 'vitest';
import type { Mfa } from '../../src/index.js';
import type { FakeClock, OutboxSender } from '../../src/testing/index.js';
import { enrolled, wrong } from '../helpers/setup.js';

/** Makes `n` wrong entries, requesting new codes as they die. Returns the last result. */
async function fail(mfa: Mfa, outbox: OutboxSender, clock: FakeClock, n: number) {
  let last: unknown;
  let left = 0;
  for (let i = 0; i < n; i++) {
    if (left === 0) {
      clock.advance(30_000);
      const sent = await mfa.startChallenge('u1');
      if (!sent.ok) throw new Error(`could not start: ${sent.error}`);
      left = 4;
    }
    last = await mfa.verify('u1', wrong(outbox.last()!.code!));
    left--;
  }
  return last;
}

describe('lockout (8 wrong entries → 20 minutes)', () => {
  it('locks on the 8th wrong entry, across codes', async () => {
    const { mfa, outbox, clock } = await enrolled();
    expect(await fail(mfa, outbox, clock, 7)).toMatchObject({ error: 'code_mismatch', failuresLeft: 1 });
    const res = await fail(mfa, outbox, clock, 1);
    expect(res).toEqual({ ok: false, error: 'locked_out', lockedUntil: clock.now() + 1_200_000, retryAfterMs: 1_200_000 });
  });

  it('refuses verify and every send while locked, with retryAfterMs', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await fail(mfa, outbox, clock, 8);
    const lockedAt = clock.now();
    clock.advance(60_000);
    const expected = { ok: false, error: 'locked_out', lockedUntil: lockedAt + 1_200_000, retryAfterMs: 1_140_000 };
    expect(await mfa.verify('u1', '123456')).toEqual(expected);
    expect(await mfa.startChallenge('u1')).toEqual(expected);
    expect(await mfa.resend('u1')).toEqual(expected);
    expect(await mfa.enrollSms('u1', '+1 415 555 0199')).toEqual(expected);
    expect((await mfa.getStatus('u1')).locked).toBe(true);
  });

  it('ends at 20 minutes: still locked 1 ms before, free at 20 min + 1 ms, with 8 entries again', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await fail(mfa, outbox, clock, 8);
    clock.advance(1_200_000 - 1);
    expect(await mfa.startChallenge('u1')).toMatchObject({ error: 'locked_out', retryAfterMs: 1 });
    clock.advance(2);
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true });
    expect(await mfa.verify('u1', wrong(outbox.last()!.code!))).toMatchObject({ error: 'code_mismatch', failuresLeft: 7 });
  });

  it('a success resets the count', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await fail(mfa, outbox, clock, 6);
    clock.advance(30_000);
    await mfa.startChallenge('u1');
    expect(await mfa.verify('u1', outbox.last()!.code!)).toMatchObject({ ok: true });
    expect((await mfa.getStatus('u1')).failures).toBe(0);
    expect(await fail(mfa, outbox, clock, 7)).toMatchObject({ error: 'code_mismatch', failuresLeft: 1 });
  });

  it('admin unlock clears the lock and the counters', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await fail(mfa, outbox, clock, 8);
    expect(await mfa.unlock('u1')).toEqual({ ok: true, wasLocked: true });
    expect(await mfa.getStatus('u1')).toMatchObject({ locked: false, failures: 0, consecutiveFailures: 0 });
    expect(await mfa.unlock('u1')).toEqual({ ok: true, wasLocked: false });
    clock.advance(30_000); // the cooldown of the last send still applies
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true });
    expect(await mfa.verify('u1', wrong(outbox.last()!.code!))).toMatchObject({ failuresLeft: 7 });
  });

  it('hard ceiling: 100 consecutive failures lock until an admin unlocks', async () => {
    const { mfa, outbox, clock } = await enrolled();
    let res: unknown;
    for (let done = 0; done < 100; ) {
      const batch = Math.min(8, 100 - done);
      res = await fail(mfa, outbox, clock, batch);
      done += batch;
      if (done % 8 === 0 && done < 100) clock.advance(1_200_000);
    }
    expect(res).toEqual({ ok: false, error: 'locked_out', lockedUntil: null });
    clock.advance(48 * 60 * 60_000);
    expect(await mfa.startChallenge('u1')).toEqual({ ok: false, error: 'locked_out', lockedUntil: null });
    expect(await mfa.getStatus('u1')).toMatchObject({ locked: true, lockedUntil: null, consecutiveFailures: 100 });
    await mfa.unlock('u1');
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true });
  });

  it('the consecutive count survives timed locks and resets only on success', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await fail(mfa, outbox, clock, 8);
    clock.advance(1_200_000);
    await fail(mfa, outbox, clock, 3);
    expect((await mfa.getStatus('u1')).consecutiveFailures).toBe(11);
    clock.advance(30_000);
    await mfa.startChallenge('u1');
    await mfa.verify('u1', outbox.last()!.code!);
    expect((await mfa.getStatus('u1')).consecutiveFailures).toBe(0);
  });
});
