import { describe, expect, it } from 'vitest';
import { enrolled, setup } from './helpers/setup.js';

/** An object whose `key` answers `first` on the first read and `later` on every read after. */
function twoFaced<T extends object>(base: T, key: string, first: unknown, later: unknown): T {
  let reads = 0;
  return Object.defineProperty({ ...base }, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  });
}

// Issue "What a new user hits", item 6: every input field is read once.
describe('input objects are read once', () => {
  it('exceptions.add: an expiresAt getter that answers a valid time, then "never", stores the valid time', async () => {
    const { mfa, clock } = setup({ isAdmin: () => false });
    const expiresAt = clock.now() + 60_000;
    const entry = twoFaced({ by: 'admin', reason: 'kiosk' }, 'expiresAt', expiresAt, 'never');
    const res = await mfa.exceptions.add('u1', entry as { by: string; reason: string; expiresAt: number });
    expect(res).toMatchObject({ ok: true, entry: { expiresAt } });
    clock.advance(60_000);
    expect(await mfa.exceptions.has('u1')).toBe(false);
  });

  it('exceptions.add: a reason getter cannot swap in a 10 000-char reason after the check', async () => {
    const { mfa } = setup({ isAdmin: () => false });
    const entry = twoFaced({ by: 'admin' }, 'reason', 'kiosk', 'x'.repeat(10_000));
    const res = await mfa.exceptions.add('u1', entry as { by: string; reason: string });
    expect(res).toMatchObject({ ok: true, entry: { reason: 'kiosk' } });
  });

  it('startChallenge: a factorId getter is read once (the checked id is the one used)', async () => {
    const { mfa, factorId } = await enrolled();
    const opts = twoFaced({}, 'factorId', factorId, 'f_someone-elses');
    expect(await mfa.startChallenge('u1', opts)).toMatchObject({ ok: true, factorId });
  });

  it('resend: a purpose getter that answers enroll, then something else, resends the enrollment code', async () => {
    const { mfa, clock } = setup();
    expect((await mfa.enrollSms('u1', '+1 415 555 2671')).ok).toBe(true);
    clock.advance(30_000);
    const opts = twoFaced({}, 'purpose', 'enroll', 'sign_in');
    expect(await mfa.resend('u1', opts as { purpose: 'enroll' })).toMatchObject({ ok: true, purpose: 'enroll' });
  });
});
