import { describe, expect, it } from 'vitest';
import { createMfa, type MfaEventMap, type MfaOptions } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { fakeClock, outboxSender } from '../src/testing/index.js';
import { serialize } from './helpers/leak-spy.js';
import { emailRecorder } from './helpers/senders.js';
import { SECRET, wrong } from './helpers/setup.js';

function setup(extra: Partial<MfaOptions> = {}) {
  const clock = fakeClock();
  const mail = emailRecorder();
  const sms = outboxSender();
  const mfa = createMfa({ stores: memoryStores({ clock }), senders: { email: mail, sms }, secret: SECRET, appName: 'Acme <Corp>', clock, ...extra });
  return { mfa, clock, mail, sms };
}

async function enrolledEmail(env = setup(), userId = 'u1', address = 'Ada.Lovelace@Example.COM') {
  const sent = await env.mfa.enrollEmail(userId, address);
  if (!sent.ok) throw new Error(sent.error);
  const confirmed = await env.mfa.confirmEnrollment(userId, env.mail.lastCode());
  if (!confirmed.ok) throw new Error(confirmed.error);
  env.clock.advance(30_000);
  return { ...env, factorId: confirmed.factorId };
}

describe('email factor', () => {
  it('enrolls: the domain is lower-cased, the address masked everywhere, the code in the body and never in the subject', async () => {
    const env = setup();
    const events: unknown[] = [];
    env.mfa.on('code.sent', (e) => events.push(e));
    env.mfa.on('factor.enrolled', (e) => events.push(e));
    const sent = await env.mfa.enrollEmail('u1', '  Ada.Lovelace@Example.COM ');
    expect(sent).toMatchObject({ ok: true, channel: 'email', purpose: 'enroll', maskedTo: 'A•••@example.com', maskedEmail: 'A•••@example.com' });
    const mail = env.mail.messages[0];
    const code = env.mail.lastCode();
    expect(mail?.to).toBe('Ada.Lovelace@example.com');
    expect(mail?.subject).toBe('Confirm your email address for Acme <Corp>');
    expect(mail?.subject).not.toMatch(/\d{6}/);
    expect(mail?.text).toContain(`${code} is your Acme <Corp> code to confirm this email address.`);
    expect(mail?.html).toContain(`<strong>${code}</strong> is your Acme &#60;Corp&#62; code`);
    const confirmed = await env.mfa.confirmEnrollment('u1', code);
    expect(confirmed).toMatchObject({ ok: true, channel: 'email', purpose: 'enroll' });
    const { factors } = await env.mfa.listFactors('u1');
    expect(factors).toMatchObject([{ channel: 'email', status: 'active', maskedEmail: 'A•••@example.com' }]);
    expect(serialize([sent, confirmed, factors, events])).not.toMatch(/lovelace|Ada\.|\b\d{6}\b/i);
  });

  it.each(['not an address', 'a@', '@example.com', 'a b@example.com', `${'a'.repeat(250)}@example.com`, ''])('refuses %j with invalid_email and sends nothing', async (address) => {
    const env = setup();
    expect(await env.mfa.enrollEmail('u1', address)).toEqual({ ok: false, error: 'invalid_email' });
    expect(env.mail.messages).toHaveLength(0);
    expect((await env.mfa.listFactors('u1')).factors).toEqual([]);
  });

  it('signs in by email with the same rules: 4 tries per code, the code expires at 10 minutes', async () => {
    const env = await enrolledEmail();
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true, channel: 'email', purpose: 'sign_in', maskedTo: 'A•••@example.com' });
    expect(env.mail.messages[1]?.subject).toBe('Your Acme <Corp> sign-in code');
    const code = env.mail.lastCode();
    for (let i = 1; i <= 3; i++) expect(await env.mfa.verify('u1', wrong(code))).toMatchObject({ error: 'code_mismatch', attemptsLeft: 4 - i });
    expect(await env.mfa.verify('u1', wrong(code))).toMatchObject({ error: 'code_exhausted', attemptsLeft: 0 });
    env.clock.advance(30_000);
    await env.mfa.startChallenge('u1');
    env.clock.advance(599_999);
    expect(await env.mfa.verify('u1', env.mail.lastCode())).toMatchObject({ ok: true, channel: 'email' });
    env.clock.advance(30_000);
    await env.mfa.startChallenge('u1');
    env.clock.advance(600_000);
    expect(await env.mfa.verify('u1', env.mail.lastCode())).toEqual({ ok: false, error: 'code_expired' });
  });

  it('the lockout is shared across kinds: 4 wrong by SMS and 4 wrong by email lock the user for 20 minutes', async () => {
    const env = await enrolledEmail();
    expect((await env.mfa.enrollSms('u1', '+1 415 555 2671')).ok).toBe(true);
    const sms = await env.mfa.confirmEnrollment('u1', env.sms.last()?.code ?? '');
    if (!sms.ok) throw new Error(sms.error);
    env.clock.advance(30_000);
    await env.mfa.startChallenge('u1', { factorId: sms.factorId });
    for (let i = 0; i < 4; i++) await env.mfa.verify('u1', wrong(env.sms.last()?.code ?? ''));
    env.clock.advance(30_000);
    await env.mfa.startChallenge('u1', { factorId: env.factorId });
    for (let i = 0; i < 3; i++) await env.mfa.verify('u1', wrong(env.mail.lastCode()));
    expect(await env.mfa.verify('u1', wrong(env.mail.lastCode()))).toMatchObject({ error: 'locked_out', retryAfterMs: 20 * 60_000 });
    expect(await env.mfa.startChallenge('u1', { factorId: env.factorId })).toMatchObject({ error: 'locked_out' });
  });

  it('the per-address budget: 10 sends to one address per hour across users', async () => {
    const env = setup();
    for (let i = 0; i < 10; i++) expect((await env.mfa.enrollEmail(`u${i}`, 'shared@example.com')).ok).toBe(true);
    expect(await env.mfa.enrollEmail('u10', 'SHARED@example.com')).toMatchObject({ ok: false, error: 'send_limit_reached', scope: 'destination' });
    expect((await env.mfa.enrollEmail('u10', 'other@example.com')).ok).toBe(true);
  });

  it('with SMS switched off, sign-in falls back to email', async () => {
    const env = await enrolledEmail();
    await env.mfa.enrollSms('u1', '+1 415 555 2671');
    const sms = await env.mfa.confirmEnrollment('u1', env.sms.last()?.code ?? '');
    if (!sms.ok) throw new Error(sms.error);
    await env.mfa.setPreferred('u1', sms.factorId);
    env.clock.advance(30_000);
    await env.mfa.setChannelEnabled('sms', false);
    const sent = await env.mfa.startChallenge('u1');
    expect(sent).toMatchObject({ ok: true, channel: 'email', factorId: env.factorId });
    expect(await env.mfa.verify('u1', env.mail.lastCode())).toMatchObject({ ok: true, channel: 'email' });
  });

  it('verify with a factorId: a code sent to another factor is not pending for it', async () => {
    const env = await enrolledEmail();
    await env.mfa.startChallenge('u1');
    expect(await env.mfa.verify('u1', env.mail.lastCode(), { factorId: 'f_other' })).toEqual({ ok: false, error: 'no_pending_code' });
    expect(await env.mfa.verify('u1', env.mail.lastCode(), { factorId: env.factorId })).toMatchObject({ ok: true });
  });

  it('French is shipped; a host template overrides it; a subject with {code} is refused', async () => {
    const env = setup();
    await env.mfa.enrollEmail('u1', 'ada@example.com', { locale: 'fr-CA' });
    expect(env.mail.messages[0]?.subject).toBe('Confirmez votre adresse e-mail pour Acme <Corp>');
    const custom = setup({
      messages: { emailTemplates: { en: { sign_in: { subject: '{appName} login', text: 'Code: {code}' }, enroll: { subject: 'Welcome', text: 'Confirm with {code}' } } } },
    });
    await custom.mfa.enrollEmail('u1', 'ada@example.com');
    expect([custom.mail.messages[0]?.subject, custom.mail.messages[0]?.text, custom.mail.messages[0]?.html]).toEqual([
      'Welcome', `Confirm with ${custom.mail.lastCode()}`, undefined,
    ]);
    expect(() => setup({ messages: { emailTemplates: { en: { sign_in: { subject: 'Code {code}', text: '{code}' } } } } })).toThrow(/emailTemplates\.en\.sign_in\.subject: must not contain \{code\}/);
  });

  it('a failed email gives the cooldown back and leaves no pending factor', async () => {
    const env = setup();
    const failed: MfaEventMap['delivery.failed'][] = [];
    env.mfa.on('delivery.failed', (e) => failed.push(e));
    env.mail.failNext = true;
    expect(await env.mfa.enrollEmail('u1', 'ada@example.com')).toEqual({ ok: false, error: 'delivery_failed' });
    expect(failed).toMatchObject([{ channel: 'email', maskedTo: 'a•••@example.com', maskedEmail: 'a•••@example.com', reason: 'sender_error', sender: 'mail' }]);
    expect((await env.mfa.listFactors('u1')).factors).toEqual([]);
    expect((await env.mfa.enrollEmail('u1', 'ada@example.com')).ok).toBe(true);
  });

  it('without an email sender, enrollEmail throws sender_missing and stores nothing', async () => {
    const clock = fakeClock();
    const mfa = createMfa({ stores: memoryStores({ clock }), senders: { sms: outboxSender() }, secret: SECRET, clock });
    await expect(mfa.enrollEmail('u1', 'ada@example.com')).rejects.toMatchObject({ code: 'sender_missing' });
    expect((await mfa.listFactors('u1')).factors).toEqual([]);
  });
});
