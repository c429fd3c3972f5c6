import { describe, expect, it } from 'vitest';
import { enrolled } from '../helpers/setup.js';

// Issue "What a new user hits", item 2: an enrolled user adds a second number (an
// enrollment code goes out), then signs in within 30 s.
describe('a sign-in is never held back or answered by an enrollment code', () => {
  async function secondNumberPending() {
    const env = await enrolled();
    const added = await env.mfa.enrollSms('u1', '+1 202 555 0147');
    expect(added).toMatchObject({ ok: true, purpose: 'enroll' });
    env.clock.advance(5_000);
    return env;
  }

  it('startChallenge sends a sign-in code at once, to the active number, and that code signs in', async () => {
    const { mfa, outbox } = await secondNumberPending();
    const started = await mfa.startChallenge('u1');
    expect(started).toMatchObject({ ok: true, purpose: 'sign_in', maskedPhone: '+1 ••• ••• 2671' });
    const sent = outbox.last();
    expect(sent?.purpose).toBe('sign_in');
    expect(await mfa.verify('u1', sent?.code ?? '')).toMatchObject({ ok: true, purpose: 'sign_in' });
  });

  it('resend(userId) never sends the enrollment code: it means a sign-in code', async () => {
    const { mfa, outbox } = await secondNumberPending();
    const before = outbox.messages.length;
    expect(await mfa.resend('u1')).toEqual({ ok: false, error: 'no_pending_code' });
    expect(outbox.messages).toHaveLength(before);
  });

  it('the enrollment page still resends its own code, with its cooldown', async () => {
    const { mfa, clock } = await secondNumberPending();
    expect(await mfa.resend('u1', { purpose: 'enroll' })).toEqual({ ok: false, error: 'resend_cooldown', retryAfterMs: 25_000 });
    clock.advance(25_000);
    expect(await mfa.resend('u1', { purpose: 'enroll' })).toMatchObject({ ok: true, purpose: 'enroll', maskedPhone: '+1 ••• ••• 0147' });
  });

  it('a sign-in code within the cooldown of another sign-in code is still refused', async () => {
    const { mfa, clock } = await secondNumberPending();
    expect((await mfa.startChallenge('u1')).ok).toBe(true);
    clock.advance(1_000);
    expect(await mfa.startChallenge('u1')).toEqual({ ok: false, error: 'resend_cooldown', retryAfterMs: 29_000 });
    expect(await mfa.resend('u1')).toEqual({ ok: false, error: 'resend_cooldown', retryAfterMs: 29_000 });
  });

  it('the budgets are shared by both purposes', async () => {
    const { mfa, clock } = await enrolled({ sending: { perUser: 3 } });
    // enroll (1) + confirm; now a second number (2) and a sign-in (3) use the budget up.
    expect((await mfa.enrollSms('u1', '+1 202 555 0147')).ok).toBe(true);
    expect((await mfa.startChallenge('u1')).ok).toBe(true);
    clock.advance(30_000);
    expect(await mfa.resend('u1')).toMatchObject({ ok: false, error: 'send_limit_reached', scope: 'user' });
  });
});
