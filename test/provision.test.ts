import { describe, expect, it } from 'vitest';
import { outboxSender } from '../src/testing/index.js';
import { enrolled, must, setup } from './helpers/setup.js';

const AUDIT = { by: 'hr-sync', reason: 'work phone from the HR system' };

describe('addVerifiedFactor: a destination the host already verified', () => {
  it('binds a number as an active SMS factor with no code sent; audited; the next sign-in uses it', async () => {
    const env = setup();
    const seen: unknown[] = [];
    env.mfa.on('factor.enrolled', (e) => seen.push(e));
    const added = must(await env.mfa.addVerifiedFactor('u1', { phone: '+1 415 555 2671' }, AUDIT));
    expect(added).toEqual({ ok: true, factorId: expect.stringMatching(/^f_/), channel: 'sms' });
    expect(env.outbox.messages).toHaveLength(0);
    expect(seen).toEqual([{ userId: 'u1', factorId: added.factorId, channel: 'sms', maskedPhone: '+1 ••• ••• 2671', by: 'hr-sync', at: env.clock.now(), reason: 'work phone from the HR system' }]);
    expect((await env.mfa.listFactors('u1')).factors).toMatchObject([{ id: added.factorId, status: 'active', usable: true }]);
    expect(await env.mfa.requiresMfa('u1')).toEqual({ ok: true, required: true });
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true, sent: true, factorId: added.factorId });
  });

  it('is refused like an enrollment: a landline, an invalid number, a country not allowed; nothing is stored', async () => {
    const env = setup({ phone: { allowedCountries: ['AU', 'US'] } });
    expect(await env.mfa.addVerifiedFactor('u1', { phone: '+61 2 9374 4000' }, AUDIT)).toEqual({ ok: false, error: 'not_mobile_number' });
    expect(await env.mfa.addVerifiedFactor('u1', { phone: '12345' }, AUDIT)).toMatchObject({ ok: false, error: 'invalid_phone_number' });
    expect(await env.mfa.addVerifiedFactor('u1', { phone: '+44 7400 123456' }, AUDIT)).toEqual({ ok: false, error: 'country_not_allowed' });
    expect((await env.mfa.listFactors('u1')).factors).toEqual([]);
  });

  it('binds an email address, or a number for voice calls (each needs its sender)', async () => {
    const email = outboxSender();
    const voice = outboxSender();
    const env = setup({ senders: { sms: outboxSender(), email: { name: 'mail', send: async (m) => email.send({ to: m.to, body: m.text, purpose: m.purpose, locale: m.locale }) }, voice: { name: 'call', send: async (m) => voice.send({ to: m.to, body: m.text, purpose: m.purpose, locale: m.locale }) } } });
    expect(await env.mfa.addVerifiedFactor('u1', { email: 'not an address' }, AUDIT)).toEqual({ ok: false, error: 'invalid_email' });
    expect(await env.mfa.addVerifiedFactor('u1', { email: 'ada@Example.COM' }, AUDIT)).toMatchObject({ ok: true, channel: 'email' });
    expect(await env.mfa.addVerifiedFactor('u1', { phone: '+14155552671', channel: 'voice' }, AUDIT)).toMatchObject({ ok: true, channel: 'voice' });
    expect((await env.mfa.listFactors('u1')).factors.map((f) => f.maskedEmail ?? f.maskedPhone)).toEqual(['a•••@example.com', '+1 ••• ••• 2671']);
    const smsOnly = setup();
    await expect(smsOnly.mfa.addVerifiedFactor('u1', { email: 'ada@example.com' }, AUDIT)).rejects.toMatchObject({ code: 'sender_missing' });
  });

  it('needs no step-up (the host vouches), and replaces the same number invalidated by a STOP reply', async () => {
    const env = await enrolled();
    env.clock.advance(60 * 60_000);
    await env.mfa.handleOptOut('+14155552671');
    const added = must(await env.mfa.addVerifiedFactor('u1', { phone: '+14155552671' }, AUDIT));
    expect((await env.mfa.listFactors('u1')).factors.map((f) => [f.id, f.status])).toEqual([[added.factorId, 'active']]);
  });

  it('refuses bad arguments with invalid_argument', async () => {
    const { mfa } = setup();
    const bad = [
      () => mfa.addVerifiedFactor('u1', { phone: '+14155552671', email: 'a@b.co' } as never, AUDIT),
      () => mfa.addVerifiedFactor('u1', {} as never, AUDIT),
      () => mfa.addVerifiedFactor('u1', { phone: '+14155552671', channel: 'fax' as 'sms' }, AUDIT),
      () => mfa.addVerifiedFactor('u1', { phone: '+14155552671' }, { by: '', reason: 'x' }),
      () => mfa.addVerifiedFactor('u1', { phone: '+14155552671' }, { by: 'x' } as never),
    ];
    for (const call of bad) await expect(call()).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await mfa.listFactors('u1')).factors).toEqual([]);
  });
});
