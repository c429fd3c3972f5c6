import { describe, expect, it } from 'vitest';
import { enrolled, setup, wrong } from './helpers/setup.js';

describe('SMS enrollment', () => {
  it('parses common formats to E.164, sends an enroll code, and activates on confirmation', async () => {
    const { mfa, outbox } = setup({ phone: { defaultCountry: 'US' } });
    const res = await mfa.enrollSms('u1', '(415) 555-2671');
    expect(res).toMatchObject({ ok: true, purpose: 'enroll', maskedPhone: '+1 ••• ••• 2671' });
    expect(outbox.last()).toMatchObject({ to: '+14155552671', purpose: 'enroll' });
    expect((await mfa.listFactors('u1')).factors).toEqual([expect.objectContaining({ status: 'pending' })]);
    expect(await mfa.requiresMfa('u1')).toEqual({ ok: true, required: true, reason: 'must_enroll' });
    const done = await mfa.confirmEnrollment('u1', outbox.last()!.code!);
    expect(done).toMatchObject({ ok: true, channel: 'sms', purpose: 'enroll' });
    expect((await mfa.listFactors('u1')).factors).toEqual([expect.objectContaining({ status: 'active', maskedPhone: '+1 ••• ••• 2671' })]);
    expect(await mfa.requiresMfa('u1')).toEqual({ ok: true, required: true });
  });

  it.each([
    ['+61 412 345 678', '+61412345678'],
    ['0412 345 678', '+61412345678', 'AU'],
    ['+81 90-1234-5678', '+819012345678'],
    ['+1 613 555 0123', '+16135550123'],
    ['+1.415.555.2671', '+14155552671'],
  ] as const)('accepts %s', async (input, e164, country?: 'AU') => {
    const { mfa, outbox } = setup({ phone: { allowedCountries: ['AU', 'CA', 'JP', 'US'] } });
    expect(await mfa.enrollSms('u1', input, country ? { country } : {})).toMatchObject({ ok: true });
    expect(outbox.last()!.to).toBe(e164);
  });

  it.each([
    ['+61 2 9374 4000', 'not_mobile_number'],
    ['+81 3-1234-5678', 'not_mobile_number'],
    ['+44 7400 123456', 'country_not_allowed'],
    ['12345', 'invalid_phone_number'],
    ['not a number', 'invalid_phone_number'],
    ['+1 415 555 267', 'invalid_phone_number'],
  ] as const)('refuses %s with %s and sends nothing', async (input, error) => {
    const { mfa, outbox, stores } = setup({ phone: { allowedCountries: ['AU', 'CA', 'JP', 'US'] } });
    expect(await mfa.enrollSms('u1', input)).toEqual({ ok: false, error });
    expect(outbox.messages).toHaveLength(0);
    expect(await stores.factors.listFactors('u1')).toEqual([]);
  });

  it('lets the host reject a number, with its reason', async () => {
    const seen: string[] = [];
    const { mfa, outbox } = setup({
      phone: { check: (e164) => { seen.push(e164); return e164.endsWith('2671') ? 'company numbers are not allowed' : true; } },
    });
    expect(await mfa.enrollSms('u1', '+1 415 555 2671')).toEqual({ ok: false, error: 'phone_rejected', reason: 'company numbers are not allowed' });
    expect(await mfa.enrollSms('u1', '+1 415 555 0100')).toMatchObject({ ok: true });
    expect(seen).toEqual(['+14155552671', '+14155550100']);
    expect(outbox.messages).toHaveLength(1);
  });

  it('re-enrolling replaces a pending enrollment', async () => {
    const { mfa, outbox, clock } = setup();
    await mfa.enrollSms('u1', '+14155552671');
    const first = outbox.last()!.code!;
    clock.advance(30_000);
    await mfa.enrollSms('u1', '+14155550100');
    const factors = (await mfa.listFactors('u1')).factors;
    expect(factors).toHaveLength(1);
    expect(factors[0]).toMatchObject({ status: 'pending', maskedPhone: '+1 ••• ••• 0100' });
    if (first !== outbox.last()!.code) expect(await mfa.confirmEnrollment('u1', first)).toMatchObject({ error: 'code_mismatch' });
    expect(await mfa.confirmEnrollment('u1', outbox.last()!.code!)).toMatchObject({ ok: true });
  });

  it('a new number is a new factor; the old one stays until removed', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await mfa.enrollSms('u1', '+14155550100');
    await mfa.confirmEnrollment('u1', outbox.last()!.code!);
    clock.advance(30_000);
    const factors = (await mfa.listFactors('u1')).factors;
    expect(factors.map((f) => [f.maskedPhone, f.status])).toEqual([['+1 ••• ••• 2671', 'active'], ['+1 ••• ••• 0100', 'active']]);
  });

  it('enrolling the same number again replaces the old factor and keeps it preferred', async () => {
    const { mfa, outbox, factorId, clock } = await enrolled();
    await mfa.setPreferred('u1', factorId);
    await mfa.handleOptOut('+14155552671');
    await mfa.enrollSms('u1', '+14155552671');
    const res = await mfa.confirmEnrollment('u1', outbox.last()!.code!);
    clock.advance(30_000);
    const factors = (await mfa.listFactors('u1')).factors;
    expect(factors).toHaveLength(1);
    expect(factors[0]).toMatchObject({ status: 'active', preferred: true, id: res.ok ? res.factorId : '' });
  });

  it('confirmation follows the same try and expiry rules', async () => {
    const { mfa, outbox, clock } = setup();
    await mfa.enrollSms('u1', '+14155552671');
    const code = outbox.last()!.code!;
    expect(await mfa.confirmEnrollment('u1', code === '000000' ? '111111' : '000000')).toMatchObject({ error: 'code_mismatch', attemptsLeft: 3 });
    clock.advance(600_000);
    expect(await mfa.confirmEnrollment('u1', code)).toEqual({ ok: false, error: 'code_expired' });
  });
});

// Issue "MFA policy…": a confirmed enrollment is not a sign-in success.
describe('enrollment and the sign-in failure counts', () => {
  it('confirming a new factor does not reset the wrong sign-in entries: the next wrong one still locks', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await mfa.startChallenge('u1');
    const right = outbox.last()!.code!;
    for (let i = 0; i < 3; i++) await mfa.verify('u1', wrong(right));
    clock.advance(30_000);
    await mfa.resend('u1');
    for (let i = 0; i < 4; i++) await mfa.verify('u1', wrong(outbox.last()!.code!));
    expect((await mfa.getStatus('u1')).failures).toBe(7);
    clock.advance(30_000);
    expect(await mfa.enrollSms('u1', '+14155550123')).toMatchObject({ ok: true });
    expect(await mfa.confirmEnrollment('u1', outbox.last()!.code!)).toMatchObject({ ok: true, purpose: 'enroll' });
    expect((await mfa.getStatus('u1')).failures).toBe(7);
    clock.advance(30_000);
    await mfa.startChallenge('u1');
    expect(await mfa.verify('u1', wrong(outbox.last()!.code!))).toMatchObject({ ok: false, error: 'locked_out' });
  });
});
