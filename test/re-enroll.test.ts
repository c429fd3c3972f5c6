/**
 * Re-enrollment and number changes: `enrollSms(userId)` enrolls the last confirmed number
 * again (Okta); `{ replaces }` makes an enrollment a number change: the old factor keeps
 * working until the new number is confirmed, then it is gone, with any code sent to it.
 */
import { describe, expect, it } from 'vitest';
import type { MfaEventMap } from '../src/index.js';
import { outboxSender } from '../src/testing/index.js';
import { voiceRecorder } from './helpers/senders.js';
import { enrolled, must, PHONE, setup, wrong } from './helpers/setup.js';

const NEW = '+14155550100';

describe('re-enrollment without a number', () => {
  it('no confirmed number → no_verified_number, nothing sent or stored', async () => {
    const env = setup();
    expect(await env.mfa.enrollSms('u1')).toEqual({ ok: false, error: 'no_verified_number' });
    expect(await env.mfa.enrollVoice('u1')).toEqual({ ok: false, error: 'no_verified_number' });
    expect(env.outbox.messages).toHaveLength(0);
    expect((await env.mfa.listFactors('u1')).factors).toEqual([]);
  });

  it('enrolls the most recently confirmed number again; confirmed, it takes the old factor\'s place', async () => {
    const env = await enrolled();
    env.clock.advance(1_000);
    must(await env.mfa.addVerifiedFactor('u1', { phone: NEW }, { by: 'hr', reason: 'work phone' }));
    must(await env.mfa.setPreferred('u1', env.factorId));
    const again = must(await env.mfa.enrollSms('u1'));
    expect(again.maskedTo).toBe('+1 ••• ••• 0100'); // the last confirmed one
    expect(env.outbox.last()?.to).toBe(NEW);
    must(await env.mfa.confirmEnrollment('u1', env.outbox.last()?.code ?? ''));
    const factors = (await env.mfa.listFactors('u1')).factors;
    expect(factors.map((f) => f.maskedPhone)).toEqual(['+1 ••• ••• 2671', '+1 ••• ••• 0100']);
    expect(factors.find((f) => f.preferred)?.id).toBe(env.factorId);
  });

  it('a number that replied STOP can be enrolled again (the provider delivers again after START)', async () => {
    const env = await enrolled();
    must(await env.mfa.handleOptOut(PHONE));
    expect(must(await env.mfa.enrollSms('u1')).maskedTo).toBe('+1 ••• ••• 2671');
    must(await env.mfa.confirmEnrollment('u1', env.outbox.last()?.code ?? ''));
    expect((await env.mfa.listFactors('u1')).factors).toMatchObject([{ status: 'active', usable: true, maskedPhone: '+1 ••• ••• 2671' }]);
  });

  it('still a factor change: step-up applies', async () => {
    const env = await enrolled();
    env.clock.advance(11 * 60_000);
    expect(await env.mfa.enrollSms('u1')).toEqual({ ok: false, error: 'step_up_required' });
  });
});

describe('a number change: enrollSms(userId, phone, { replaces })', () => {
  it('the old number\'s live code dies; until the new number is confirmed the old factor works; then it is gone and the new one is preferred', async () => {
    const env = await enrolled();
    must(await env.mfa.setPreferred('u1', env.factorId));
    const removed: MfaEventMap['factor.removed'][] = [];
    env.mfa.on('factor.removed', (e) => removed.push(e));
    // A sign-in code is live on the old number when the change starts.
    must(await env.mfa.startChallenge('u1'));
    const oldCode = env.outbox.last()?.code ?? '';
    env.clock.advance(30_000);
    must(await env.mfa.enrollSms('u1', NEW, { replaces: env.factorId }));
    const enrollCode = env.outbox.last()?.code ?? '';
    expect(env.outbox.last()?.to).toBe(NEW);
    expect((await env.mfa.verify('u1', oldCode)).ok).toBe(false);

    // Not confirmed yet: the old factor is the one sign-in uses.
    expect((await env.mfa.listFactors('u1')).factors.filter((f) => f.status === 'active').map((f) => f.id)).toEqual([env.factorId]);
    expect((await env.mfa.confirmEnrollment('u1', wrong(enrollCode))).ok).toBe(false);
    const confirmed = must(await env.mfa.confirmEnrollment('u1', enrollCode));
    const factors = (await env.mfa.listFactors('u1')).factors;
    expect(factors).toMatchObject([{ id: confirmed.factorId, status: 'active', preferred: true, maskedPhone: '+1 ••• ••• 0100' }]);
    expect(removed).toEqual([{ userId: 'u1', factorId: env.factorId, channel: 'sms', at: env.clock.now(), replacedBy: confirmed.factorId }]);
    env.clock.advance(30_000);
    must(await env.mfa.startChallenge('u1'));
    expect(env.outbox.last()?.to).toBe(NEW);
    // The stored factor carries no leftover of the change.
    expect(await env.stores.factors.getFactor('u1', confirmed.factorId)).not.toHaveProperty('replaces');
  });

  it('texts to calls on the same number: enrollVoice(userId, undefined, { replaces }) calls the replaced factor\'s number', async () => {
    const sms = outboxSender();
    const voice = voiceRecorder();
    const env = setup({ senders: { sms, voice } });
    must(await env.mfa.enrollSms('u1', PHONE));
    const { factorId } = must(await env.mfa.confirmEnrollment('u1', sms.last()?.code ?? ''));
    env.clock.advance(30_000);
    const started = must(await env.mfa.enrollVoice('u1', undefined, { replaces: factorId }));
    expect(started).toMatchObject({ channel: 'voice', maskedTo: '+1 ••• ••• 2671' });
    expect(voice.messages[0]?.to).toBe(PHONE);
    must(await env.mfa.confirmEnrollment('u1', voice.lastCode()));
    expect((await env.mfa.listFactors('u1')).factors).toMatchObject([{ channel: 'voice', maskedPhone: '+1 ••• ••• 2671' }]);
  });

  it('replaces must name a confirmed factor of the user: else factor_not_found, nothing sent', async () => {
    const env = await enrolled();
    const sent = env.outbox.messages.length;
    expect(await env.mfa.enrollSms('u1', NEW, { replaces: 'f_nope' })).toEqual({ ok: false, error: 'factor_not_found' });
    const other = await enrolled({}, 'u2');
    expect(await other.mfa.enrollSms('u2', NEW, { replaces: env.factorId })).toEqual({ ok: false, error: 'factor_not_found' });
    await expect(env.mfa.enrollSms('u1', NEW, { replaces: 7 as unknown as string })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(env.outbox.messages.length).toBe(sent);
  });
});
