import { describe, expect, it } from 'vitest';
import { createMfa } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { fakeClock, outboxSender } from '../src/testing/index.js';
import { voiceRecorder } from './helpers/senders.js';
import { SECRET, wrong } from './helpers/setup.js';

function setup() {
  const clock = fakeClock();
  const voice = voiceRecorder();
  const sms = outboxSender();
  const mfa = createMfa({ stores: memoryStores({ clock }), senders: { voice, sms }, secret: SECRET, appName: 'Acme', clock });
  return { mfa, clock, voice, sms };
}

describe('voice factor', () => {
  it('enrolls a number by a call that says the code digit by digit, twice', async () => {
    const env = setup();
    const sent = await env.mfa.enrollVoice('u1', '(415) 555-2671', { country: 'US' });
    expect(sent).toMatchObject({ ok: true, channel: 'voice', purpose: 'enroll', maskedTo: '+1 ••• ••• 2671', maskedPhone: '+1 ••• ••• 2671' });
    const call = env.voice.messages[0];
    const code = env.voice.lastCode();
    const spoken = [...code].join(', ');
    expect(call?.to).toBe('+14155552671');
    expect(call?.text).toBe(`This is Acme. Your code to confirm this phone number is ${spoken}. Again, your code is ${spoken}.`);
    expect(await env.mfa.confirmEnrollment('u1', code)).toMatchObject({ ok: true, channel: 'voice' });
    expect((await env.mfa.listFactors('u1')).factors).toMatchObject([{ channel: 'voice', status: 'active', maskedPhone: '+1 ••• ••• 2671' }]);
  });

  it('the same number may be enrolled for SMS and for voice: the user chooses per factor', async () => {
    const env = setup();
    await env.mfa.enrollVoice('u1', '+1 415 555 2671');
    const voice = await env.mfa.confirmEnrollment('u1', env.voice.lastCode());
    env.clock.advance(30_000);
    await env.mfa.enrollSms('u1', '+1 415 555 2671');
    const sms = await env.mfa.confirmEnrollment('u1', env.sms.last()?.code ?? '');
    if (!voice.ok || !sms.ok) throw new Error('enrollment failed');
    expect((await env.mfa.listFactors('u1')).factors.map((f) => f.channel).sort()).toEqual(['sms', 'voice']);
    env.clock.advance(30_000);
    expect(await env.mfa.startChallenge('u1', { factorId: voice.factorId })).toMatchObject({ ok: true, channel: 'voice' });
    expect(await env.mfa.verify('u1', env.voice.lastCode())).toMatchObject({ ok: true, channel: 'voice', factorId: voice.factorId });
  });

  it('a STOP reply invalidates the SMS factor of the number, not the voice one; sign-in then calls', async () => {
    const env = setup();
    await env.mfa.enrollSms('u1', '+1 415 555 2671');
    const sms = await env.mfa.confirmEnrollment('u1', env.sms.last()?.code ?? '');
    env.clock.advance(30_000);
    await env.mfa.enrollVoice('u1', '+1 415 555 2671');
    await env.mfa.confirmEnrollment('u1', env.voice.lastCode());
    if (!sms.ok) throw new Error(sms.error);
    await env.mfa.setPreferred('u1', sms.factorId);
    expect(await env.mfa.handleOptOut('+14155552671')).toEqual({ ok: true, invalidated: 1 });
    const channels = (await env.mfa.listFactors('u1')).factors.map((f) => [f.channel, f.status]);
    expect(channels.sort()).toEqual([['sms', 'invalid'], ['voice', 'active']]);
    env.clock.advance(30_000);
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true, channel: 'voice' });
  });

  it('same rules: 4 tries per code, in French when asked', async () => {
    const env = setup();
    await env.mfa.enrollVoice('u1', '+1 415 555 2671', { locale: 'fr' });
    expect(env.voice.messages[0]?.text).toMatch(/^Ici Acme\. Votre code pour confirmer ce numéro est \d(, \d){5}\. Je répète/);
    expect(env.voice.messages[0]?.locale).toBe('fr');
    const code = env.voice.lastCode();
    for (let i = 0; i < 3; i++) await env.mfa.confirmEnrollment('u1', wrong(code));
    expect(await env.mfa.confirmEnrollment('u1', wrong(code))).toMatchObject({ error: 'code_exhausted', attemptsLeft: 0 });
    expect(await env.mfa.confirmEnrollment('u1', code)).toMatchObject({ error: 'code_exhausted' });
  });
});
