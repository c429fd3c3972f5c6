import { describe, expect, it } from 'vitest';
import { createMfa } from '../src/index.js';
import { voiceRecorder } from './helpers/senders.js';
import { enrolled, SECRET } from './helpers/setup.js';

async function twoFactors() {
  const env = await enrolled();
  await env.mfa.enrollSms('u1', '+14155550100');
  const second = await env.mfa.confirmEnrollment('u1', env.outbox.last()!.code!);
  if (!second.ok) throw new Error('second enrollment failed');
  env.clock.advance(30_000);
  return { ...env, first: env.factorId, second: second.factorId };
}

describe('factors, preferred method and fallback', () => {
  it('uses the preferred factor', async () => {
    const { mfa, outbox, second } = await twoFactors();
    expect(await mfa.setPreferred('u1', second)).toEqual({ ok: true, factorId: second });
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true, factorId: second });
    expect(outbox.last()!.to).toBe('+14155550100');
    expect((await mfa.listFactors('u1')).factors.find((f) => f.id === second)?.preferred).toBe(true);
  });

  it('without a preferred factor, uses the last used one', async () => {
    const { mfa, outbox, clock, second } = await twoFactors();
    await mfa.startChallenge('u1', { factorId: second });
    await mfa.verify('u1', outbox.last()!.code!);
    clock.advance(1000);
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true, factorId: second });
  });

  it('falls back when the preferred factor is invalid (STOP)', async () => {
    const { mfa, first, second } = await twoFactors();
    await mfa.setPreferred('u1', second);
    expect(await mfa.handleOptOut('+1 415 555 0100')).toEqual({ ok: true, invalidated: 1 });
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true, factorId: first });
    expect(await mfa.startChallenge('u1', { factorId: second })).toEqual({ ok: false, error: 'factor_invalid' });
  });

  it('a named factor must exist and be active', async () => {
    const { mfa } = await twoFactors();
    expect(await mfa.startChallenge('u1', { factorId: 'f_nope' })).toEqual({ ok: false, error: 'factor_not_found' });
    expect(await mfa.setPreferred('u1', 'f_nope')).toEqual({ ok: false, error: 'factor_not_found' });
  });

  it('a switched-off channel is not used; switching it on again restores it', async () => {
    const { mfa, outbox } = await twoFactors();
    const seen: unknown[] = [];
    mfa.on('channel.changed', (e) => seen.push(e));
    await mfa.setChannelEnabled('sms', false);
    expect((await mfa.getSettings()).channels.sms.enabled).toBe(false);
    const before = outbox.messages.length;
    expect(await mfa.startChallenge('u1')).toEqual({ ok: false, error: 'channel_disabled', channel: 'sms' });
    expect(outbox.messages).toHaveLength(before);
    await mfa.setChannelEnabled('sms', true);
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true });
    expect(seen).toEqual([
      { channel: 'sms', enabled: false, at: expect.any(Number) },
      { channel: 'sms', enabled: true, at: expect.any(Number) },
    ]);
  });

  it('no factor at all: no_usable_factor, and the same for an unknown user', async () => {
    const { mfa } = await enrolled();
    expect(await mfa.startChallenge('nobody')).toEqual({ ok: false, error: 'no_usable_factor' });
  });

  it('removing a factor drops the code sent to it and clears the preference', async () => {
    const { mfa, outbox, second } = await twoFactors();
    await mfa.setPreferred('u1', second);
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    expect(await mfa.removeFactor('u1', second)).toEqual({ ok: true, factorId: second });
    expect(await mfa.verify('u1', code)).toEqual({ ok: false, error: 'no_pending_code' });
    expect(await mfa.resend('u1')).toEqual({ ok: false, error: 'no_pending_code' });
    expect((await mfa.listFactors('u1')).factors.map((f) => f.preferred)).toEqual([false]);
    expect(await mfa.removeFactor('u1', second)).toEqual({ ok: false, error: 'factor_not_found' });
  });

  it('STOP makes every factor on the number invalid, never offered, with an event; MFA stays required', async () => {
    const { mfa, outbox, stores } = await enrolled();
    const events: unknown[] = [];
    mfa.on('factor.invalidated', (e) => events.push(e));
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    expect(await mfa.handleOptOut('+14155552671')).toEqual({ ok: true, invalidated: 1 });
    expect(events).toEqual([expect.objectContaining({ userId: 'u1', reason: 'opt_out', maskedPhone: '+1 ••• ••• 2671' })]);
    expect((await stores.factors.listFactors('u1'))[0]?.status).toBe('invalid');
    expect(await mfa.verify('u1', code)).toMatchObject({ ok: false });
    expect(await mfa.requiresMfa('u1')).toEqual({ ok: true, required: true });
    expect(await mfa.startChallenge('u1')).toEqual({ ok: false, error: 'no_usable_factor' });
    expect(await mfa.handleOptOut('+14155552671')).toEqual({ ok: true, invalidated: 0 });
    expect(await mfa.handleOptOut('garbage')).toEqual({ ok: false, error: 'invalid_phone_number' });
  });

  it('resend with a purpose never resends the other kind of code', async () => {
    const { mfa, clock } = await enrolled();
    await mfa.enrollSms('u1', '+14155550100');
    clock.advance(30_000);
    expect(await mfa.resend('u1', { purpose: 'sign_in' })).toEqual({ ok: false, error: 'no_pending_code' });
    expect(await mfa.resend('u1', { purpose: 'enroll' })).toMatchObject({ ok: true, purpose: 'enroll' });
    await expect(mfa.resend('u1', { purpose: 'other' as 'enroll' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('exposes the rules in force', async () => {
    const { mfa } = await enrolled({ code: { maxTries: 3 } });
    expect(mfa.rules).toMatchObject({ maxTries: 3, maxFailures: 8, cooldownMs: 30_000, codeTtlMs: 600_000 });
  });

  it('getStatus reports the pending code, next send and budget', async () => {
    const { mfa, clock } = await enrolled();
    const sent = await mfa.startChallenge('u1');
    expect(await mfa.getStatus('u1')).toMatchObject({
      ok: true, locked: false, failures: 0, failuresLeft: 8, sendsLeft: 8,
      pending: { purpose: 'sign_in', attemptsLeft: 4, expiresAt: sent.ok && sent.sent ? sent.expiresAt : 0, state: 'live' },
      nextSendAt: clock.now() + 30_000,
    });
  });
});

describe('listFactors says whether each factor is usable now, and why not', () => {
  it('pending, active, SMS switched off, STOP, and a channel without a sender', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await mfa.enrollSms('u1', '+1 202 555 0147');
    const view = async () => (await mfa.listFactors('u1')).factors.map((f) => [f.maskedPhone, f.status, f.usable, f.unusableReason]);
    expect(await view()).toEqual([
      ['+1 ••• ••• 2671', 'active', true, undefined],
      ['+1 ••• ••• 0147', 'pending', false, 'pending'],
    ]);
    await mfa.setChannelEnabled('sms', false);
    expect((await view())[0]).toEqual(['+1 ••• ••• 2671', 'active', false, 'channel_disabled']);
    await mfa.setChannelEnabled('sms', true);
    await mfa.handleOptOut('+14155552671');
    expect((await view())[0]).toEqual(['+1 ••• ••• 2671', 'invalid', false, 'invalid']);
  });

  it('a factor whose channel has no sender on this instance: no_sender', async () => {
    const { mfa, stores, clock } = await enrolled();
    const voice = voiceRecorder();
    const withVoice = createMfa({ stores, senders: { voice }, secret: SECRET, clock });
    await withVoice.enrollVoice('u1', '+1 202 555 0147');
    expect((await withVoice.confirmEnrollment('u1', voice.lastCode())).ok).toBe(true);
    const views = (await mfa.listFactors('u1')).factors;
    expect(views.map((f) => [f.channel, f.usable, f.unusableReason])).toEqual([['sms', true, undefined], ['voice', false, 'no_sender']]);
    expect((await withVoice.listFactors('u1')).factors.map((f) => f.usable)).toEqual([false, true]);
  });
});
