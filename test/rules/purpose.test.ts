import { describe, expect, it } from 'vitest';
import { enrolled, setup } from '../helpers/setup.js';

describe('purpose binding', () => {
  it('an enrollment code cannot complete a sign-in', async () => {
    const { mfa, outbox } = setup();
    await mfa.enrollSms('u1', '+14155552671');
    const code = outbox.last()!.code!;
    expect(await mfa.verify('u1', code)).toEqual({ ok: false, error: 'no_pending_code' });
    expect(await mfa.confirmEnrollment('u1', code)).toMatchObject({ ok: true, purpose: 'enroll' });
  });

  it('a sign-in code cannot confirm an enrollment', async () => {
    const { mfa, outbox } = await enrolled();
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    expect(await mfa.confirmEnrollment('u1', code)).toEqual({ ok: false, error: 'no_pending_code' });
    expect(await mfa.verify('u1', code)).toMatchObject({ ok: true, purpose: 'sign_in' });
  });

  it('a code is bound to its user', async () => {
    const a = await enrolled();
    await a.mfa.enrollSms('u2', '+14155550100');
    await a.mfa.confirmEnrollment('u2', a.outbox.last()!.code!);
    a.clock.advance(30_000);
    await a.mfa.startChallenge('u1');
    const code = a.outbox.last('+14155552671')!.code!;
    await a.mfa.startChallenge('u2');
    const other = a.outbox.last('+14155550100')!.code!;
    if (code !== other) expect(await a.mfa.verify('u2', code)).toMatchObject({ error: 'code_mismatch' });
  });
});
