import { describe, expect, it } from 'vitest';
import { createMfa, DEFAULTS } from '../src/index.js';
import { enrolled, must, PHONE, SECRET, setup, wrong } from './helpers/setup.js';

const WINDOW = DEFAULTS.stepUpMs;

/** A user enrolled long ago (their confirmation's proof has run out), with nothing sent since. */
async function longAgo(overrides = {}) {
  const env = await enrolled(overrides);
  env.clock.advance(WINDOW);
  return env;
}

/** A sign-in verify: the proof step-up asks for. */
async function signIn(env: Awaited<ReturnType<typeof enrolled>>) {
  env.clock.advance(30_000);
  must(await env.mfa.startChallenge('u1'));
  must(await env.mfa.verify('u1', env.outbox.last()?.code ?? ''));
}

describe('step-up for factor changes', () => {
  it('every change needs a recent sign-in verify once the user has a confirmed factor; nothing is sent or stored when refused', async () => {
    const env = await longAgo();
    const sent = env.outbox.messages.length;
    const refused = { ok: false, error: 'step_up_required' };
    expect(await env.mfa.enrollSms('u1', '+14155550123')).toEqual(refused);
    expect(await env.mfa.enrollVoice('u1', '+14155550123')).toEqual(refused);
    expect(await env.mfa.enrollEmail('u1', 'ada@example.com')).toEqual(refused);
    expect(await env.mfa.enrollTotp('u1')).toEqual(refused);
    expect(await env.mfa.generateBackupCodes('u1')).toEqual(refused);
    expect(await env.mfa.removeFactor('u1', env.factorId)).toEqual(refused);
    expect(env.outbox.messages).toHaveLength(sent);
    expect((await env.mfa.listFactors('u1')).factors.map((f) => [f.id, f.status])).toEqual([[env.factorId, 'active']]);
  });

  it('allowed within the window after a sign-in verify, refused again once it has passed', async () => {
    const env = await longAgo();
    await signIn(env);
    expect((await env.mfa.getStatus('u1')).stepUpUntil).toBe(env.clock.now() + WINDOW);
    env.clock.advance(WINDOW - 1);
    expect(must(await env.mfa.generateBackupCodes('u1')).codes).toHaveLength(10);
    env.clock.advance(1);
    expect(await env.mfa.generateBackupCodes('u1')).toEqual({ ok: false, error: 'step_up_required' });
    expect((await env.mfa.getStatus('u1')).stepUpUntil).toBeUndefined();
  });

  it('a wrong code proves nothing, and neither does a stolen session that only knows the password', async () => {
    const env = await longAgo();
    env.clock.advance(30_000);
    must(await env.mfa.startChallenge('u1'));
    expect(await env.mfa.verify('u1', wrong(env.outbox.last()?.code ?? ''))).toMatchObject({ ok: false });
    expect(await env.mfa.enrollSms('u1', '+14155550123')).toEqual({ ok: false, error: 'step_up_required' });
  });

  it('a user’s first factor needs none, and its confirmation lets the next change go ahead at once', async () => {
    const env = setup();
    must(await env.mfa.enrollSms('u1', PHONE));
    must(await env.mfa.confirmEnrollment('u1', env.outbox.last()?.code ?? ''));
    env.clock.advance(30_000);
    expect(await env.mfa.enrollSms('u1', '+14155550123')).toMatchObject({ ok: true });
    expect(must(await env.mfa.generateBackupCodes('u1')).codes).toHaveLength(10);
  });

  it('confirming a second factor does not extend the window (its possession proves nothing about the account)', async () => {
    const env = await longAgo();
    await signIn(env);
    env.clock.advance(60_000);
    must(await env.mfa.enrollSms('u1', '+14155550123'));
    must(await env.mfa.confirmEnrollment('u1', env.outbox.last()?.code ?? ''));
    env.clock.advance(WINDOW - 60_000); // the sign-in's window ends; the confirmation was later
    expect(await env.mfa.enrollTotp('u1')).toEqual({ ok: false, error: 'step_up_required' });
  });

  it('backup codes as a first factor count as the proof, like a first enrollment', async () => {
    const env = setup();
    expect(must(await env.mfa.generateBackupCodes('u1')).codes).toHaveLength(10);
    expect(await env.mfa.enrollSms('u1', PHONE)).toMatchObject({ ok: true });
  });

  it('dropping an unconfirmed enrollment needs none; an admin removal needs none and says who and why', async () => {
    const env = await longAgo();
    const seen: unknown[] = [];
    env.mfa.on('factor.removed', (e) => seen.push(e));
    await env.stores.factors.putFactor({ id: 'f_pending', userId: 'u1', channel: 'sms', status: 'pending', phone: '+14155550123', createdAt: env.clock.now() });
    expect(await env.mfa.removeFactor('u1', 'f_pending')).toEqual({ ok: true, factorId: 'f_pending' });
    expect(await env.mfa.removeFactor('u1', env.factorId, { by: 'support-7', reason: 'lost phone, ticket #4521' })).toEqual({ ok: true, factorId: env.factorId });
    expect(seen).toEqual([
      { userId: 'u1', factorId: 'f_pending', channel: 'sms', at: env.clock.now() },
      { userId: 'u1', factorId: env.factorId, channel: 'sms', by: 'support-7', at: env.clock.now(), reason: 'lost phone, ticket #4521' },
    ]);
    await expect(env.mfa.removeFactor('u1', 'f_x', { reason: 'no by' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(env.mfa.removeFactor('u1', 'f_x', { by: '' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('the proof lives in the shared state: another instance on the same store sees it', async () => {
    const env = await longAgo();
    await signIn(env);
    const other = createMfa({ stores: env.stores, senders: { sms: env.outbox }, secret: SECRET, clock: env.clock });
    expect(must(await other.generateBackupCodes('u1')).codes).toHaveLength(10);
  });

  it('stepUp.windowMs sets the window; 0 switches step-up off', async () => {
    const short = await enrolled({ stepUp: { windowMs: 60_000 } });
    short.clock.advance(60_000);
    expect(await short.mfa.enrollTotp('u1')).toEqual({ ok: false, error: 'step_up_required' });
    const off = await longAgo({ stepUp: { windowMs: 0 } });
    expect(await off.mfa.enrollTotp('u1')).toMatchObject({ ok: true });
    expect(await off.mfa.removeFactor('u1', off.factorId)).toMatchObject({ ok: true });
    expect(() => setup({ stepUp: { windowMs: -1 } })).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });
});
