/** Per-channel country allowlists: checked at enrollment and again at every send. */
import { describe, expect, it } from 'vitest';
import { createMfa } from '../../src/index.js';
import { outboxSender } from '../../src/testing/index.js';
import { voiceRecorder } from '../helpers/senders.js';
import { SECRET, setup } from '../helpers/setup.js';

const US = '+14155552671';
const CA = '+16135550123'; // Ottawa: FIXED_LINE_OR_MOBILE, counts as mobile
const GB = '+447400123456';

describe('per-channel country allowlists', () => {
  it('at enrollment: voice allowed to fewer countries than SMS; both lists must pass', async () => {
    const voice = voiceRecorder();
    const { mfa } = setup({
      senders: { sms: outboxSender(), voice },
      phone: { allowedCountries: ['US', 'CA', 'GB'], channels: { voice: { allowedCountries: ['US'] }, sms: { allowedCountries: ['US', 'CA'] } } },
    });
    expect(await mfa.enrollVoice('a', CA)).toEqual({ ok: false, error: 'country_not_allowed' });
    expect(await mfa.enrollSms('a', CA)).toMatchObject({ ok: true });
    expect(await mfa.enrollVoice('b', US)).toMatchObject({ ok: true });
    expect(await mfa.enrollSms('c', GB)).toEqual({ ok: false, error: 'country_not_allowed' }); // in the global list, not in SMS's
    expect(await mfa.addVerifiedFactor('d', { phone: CA, channel: 'voice' }, { by: 'admin', reason: 'test' })).toEqual({ ok: false, error: 'country_not_allowed' });
    expect(await mfa.addVerifiedFactor('d', { phone: CA, channel: 'sms' }, { by: 'admin', reason: 'test' })).toMatchObject({ ok: true });
  });

  it('at send time: a factor whose country its channel no longer allows is passed over (fallback), refused when named, and refused when it is the only one', async () => {
    const sms = outboxSender();
    const voice = voiceRecorder();
    const env = setup({ senders: { sms, voice } });
    const f = env.stores.factors;
    await f.putFactor({ id: 'f_voice_ca', userId: 'u', channel: 'voice', status: 'active', phone: CA, createdAt: 1, lastUsedAt: 5 });
    await f.putFactor({ id: 'f_sms_ca', userId: 'u', channel: 'sms', status: 'active', phone: CA, createdAt: 2 });
    await f.setPreferred('u', 'f_voice_ca');
    await f.putFactor({ id: 'f_only', userId: 'solo', channel: 'voice', status: 'active', phone: CA, createdAt: 1 });
    // Later the host narrows voice to the US: a new instance on the same stores.
    const mfa = createMfa({ stores: env.stores, senders: { sms, voice }, secret: SECRET, clock: env.clock, phone: { channels: { voice: { allowedCountries: ['US'] } } } });
    expect(await mfa.startChallenge('u')).toMatchObject({ ok: true, channel: 'sms', factorId: 'f_sms_ca' });
    env.clock.advance(30_000);
    expect(await mfa.startChallenge('u', { factorId: 'f_voice_ca' })).toEqual({ ok: false, error: 'country_not_allowed' });
    expect(await mfa.startChallenge('solo')).toEqual({ ok: false, error: 'country_not_allowed' });
    expect(voice.messages).toHaveLength(0);
    // A resend to that factor is refused too (the code was sent while the list allowed it).
    const before = createMfa({ stores: env.stores, senders: { sms, voice }, secret: SECRET, clock: env.clock });
    expect(await before.startChallenge('solo')).toMatchObject({ ok: true, channel: 'voice' });
    env.clock.advance(30_000);
    expect(await mfa.resend('solo')).toEqual({ ok: false, error: 'country_not_allowed' });
  });

  it('bad lists are invalid options', () => {
    expect(() => setup({ phone: { channels: { voice: { allowedCountries: ['usa'] } } } })).toThrow(/phone\.channels\.voice\.allowedCountries/);
    expect(() => setup({ phone: { channels: { email: {} } as never } })).toThrow(/phone\.channels\.email/);
  });
});
