/**
 * Issue "What a new user hits", item 3: results narrow without `!` or `??`. This file is
 * type-checked by `tsc --noEmit -p .` (CI runs it before the tests): a field that is not
 * there after narrowing, or an error a method cannot return, fails the build. The runtime
 * assertions check the same shapes for real.
 */
import { describe, expect, it } from 'vitest';
import type { ChallengeError, EnrollError, Failure, ResendError, VerifyError } from 'mfakit';
import { enrolled, setup, wrong } from './helpers/setup.js';

describe('failures are a discriminated union per code', () => {
  it('after code_mismatch, attemptsLeft and failuresLeft are numbers', async () => {
    const { mfa, outbox } = await enrolled();
    await mfa.startChallenge('u1');
    const res = await mfa.verify('u1', wrong(outbox.last()?.code ?? ''));
    if (res.ok || res.error !== 'code_mismatch') throw new Error(`expected code_mismatch, got ${JSON.stringify(res)}`);
    const left: number = res.attemptsLeft;
    const beforeLock: number = res.failuresLeft;
    expect([left, beforeLock]).toEqual([3, 7]);
  });

  it('after locked_out, lockedUntil passes on as number | null, and retryAfterMs is there when it is a number', async () => {
    const { mfa, outbox, clock } = await enrolled({ lockout: { maxFailures: 1 } });
    await mfa.startChallenge('u1');
    const res = await mfa.verify('u1', wrong(outbox.last()?.code ?? ''));
    if (res.ok || res.error !== 'locked_out') throw new Error('expected locked_out');
    const show = (until: number | null): string => (until === null ? 'admin' : `until ${until}`);
    expect(show(res.lockedUntil)).toBe(`until ${clock.now() + 20 * 60_000}`);
    if (res.lockedUntil !== null) {
      const wait: number = res.retryAfterMs;
      expect(wait).toBe(20 * 60_000);
    }
  });

  it('after resend_cooldown and send_limit_reached, retryAfterMs is a number', async () => {
    const { mfa } = await enrolled();
    await mfa.startChallenge('u1');
    const res = await mfa.startChallenge('u1');
    if (res.ok) throw new Error('expected a refusal');
    if (res.error === 'resend_cooldown' || res.error === 'send_limit_reached') {
      const wait: number = res.retryAfterMs;
      expect(wait).toBe(30_000);
    } else {
      throw new Error(`expected resend_cooldown, got ${res.error}`);
    }
  });

  it('each method can return only its own errors', async () => {
    const { mfa } = setup();
    const v = await mfa.verify('u1', '123456');
    const s = await mfa.startChallenge('u1');
    const r = await mfa.resend('u1');
    const e = await mfa.enrollSms('u1', 'not a number');
    // Each error is one of the method's own union.
    const verifyErrors: VerifyError | undefined = v.ok ? undefined : v.error;
    const startErrors: ChallengeError | undefined = s.ok ? undefined : s.error;
    const resendErrors: ResendError | undefined = r.ok ? undefined : r.error;
    const enrollErrors: EnrollError | undefined = e.ok ? undefined : e.error;
    // @ts-expect-error verify never answers a phone-number error
    if (!v.ok && v.error === 'invalid_phone_number') throw new Error('unreachable');
    // @ts-expect-error startChallenge never answers a code error
    if (!s.ok && s.error === 'code_mismatch') throw new Error('unreachable');
    // @ts-expect-error enrollSms never answers no_usable_factor
    if (!e.ok && e.error === 'no_usable_factor') throw new Error('unreachable');
    expect([verifyErrors, startErrors, resendErrors, enrollErrors]).toEqual(['no_pending_code', 'no_usable_factor', 'no_pending_code', 'invalid_phone_number']);
  });

  it('a Failure of one code has exactly its fields', () => {
    const f: Failure<'channel_disabled'> = { ok: false, error: 'channel_disabled', channel: 'sms' };
    // @ts-expect-error channel_disabled carries its channel
    const missing: Failure<'channel_disabled'> = { ok: false, error: 'channel_disabled' };
    expect([f.channel, missing.error]).toEqual(['sms', 'channel_disabled']);
  });
});
