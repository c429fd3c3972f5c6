import { describe, expect, it } from 'vitest';
import { enrolled } from './helpers/setup.js';

// Issue "What a new user hits", item 11: what a code page shows, without rewriting it by hand.
describe('getStatus for a code page', () => {
  it('says where the pending code went, and when the next may be sent, absolute and relative', async () => {
    const { mfa, clock } = await enrolled();
    await mfa.startChallenge('u1');
    clock.advance(12_000);
    const s = await mfa.getStatus('u1');
    expect(s.pending).toMatchObject({ purpose: 'sign_in', maskedTo: '+1 ••• ••• 2671', state: 'live', attemptsLeft: 4 });
    expect([s.nextSendAt, s.nextSendInMs]).toEqual([clock.now() + 18_000, 18_000]);
    clock.advance(18_000);
    const later = await mfa.getStatus('u1');
    expect([later.nextSendAt, later.nextSendInMs]).toEqual([undefined, 0]);
  });

  it('with { purpose }, the countdown is for that purpose: an enrollment code does not hold back sign-in', async () => {
    const { mfa, clock } = await enrolled();
    await mfa.enrollSms('u1', '+1 202 555 0147');
    clock.advance(5_000);
    expect((await mfa.getStatus('u1', { purpose: 'sign_in' })).nextSendInMs).toBe(0);
    expect((await mfa.getStatus('u1', { purpose: 'enroll' })).nextSendInMs).toBe(25_000);
    const own = await mfa.getStatus('u1');
    expect([own.pending?.purpose, own.pending?.maskedTo, own.nextSendInMs]).toEqual(['enroll', '+1 ••• ••• 0147', 25_000]);
  });

  it('names the factor a sign-in would use: the preferred one, else the fallback; none when SMS is off', async () => {
    const { mfa, outbox, factorId, clock } = await enrolled();
    expect((await mfa.getStatus('u1')).signInFactorId).toBe(factorId);
    await mfa.enrollSms('u1', '+1 202 555 0147');
    const second = await mfa.confirmEnrollment('u1', outbox.last()?.code ?? '');
    if (!second.ok) throw new Error(second.error);
    await mfa.setPreferred('u1', second.factorId);
    clock.advance(30_000);
    expect((await mfa.getStatus('u1')).signInFactorId).toBe(second.factorId);
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true, factorId: second.factorId });
    await mfa.setChannelEnabled('sms', false);
    expect((await mfa.getStatus('u1')).signInFactorId).toBeUndefined();
  });

  it('refuses a purpose that is not one', async () => {
    const { mfa } = await enrolled();
    await expect(mfa.getStatus('u1', { purpose: 'login' as 'sign_in' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
