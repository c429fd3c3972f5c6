/** The host's riskCheck hook: called before each send with what it needs; allow, refuse, throw. */
import { describe, expect, it } from 'vitest';
import type { MfaOptions, RiskContext } from '../../src/index.js';
import { enrolled, PHONE, setup } from '../helpers/setup.js';

function recorded(overrides: Partial<MfaOptions>) {
  const env = setup(overrides);
  const failed: unknown[] = [];
  env.mfa.on('delivery.failed', (e) => failed.push(e));
  return { ...env, failed };
}

describe('riskCheck', () => {
  it('allow: the code goes out; the hook is told the user, factor, channel, purpose, E.164 number, country and ip (never the code)', async () => {
    const seen: RiskContext[] = [];
    const { mfa, outbox } = setup({ riskCheck: (c) => (seen.push(c), { allow: true }) });
    expect(await mfa.enrollSms('u1', '(415) 555-2671', { country: 'US', ip: '203.0.113.7' } as never)).toMatchObject({ ok: true });
    expect(seen).toEqual([{ userId: 'u1', factorId: expect.stringMatching(/^f_/), channel: 'sms', purpose: 'enroll', phone: PHONE, countryCode: 'US', ip: '203.0.113.7' }]);
    expect(JSON.stringify(seen)).not.toContain(outbox.last()?.code ?? 'none');
  });

  it('refuse: send_refused with the reason, a delivery.failed event without the number, nothing sent and nothing charged', async () => {
    let allow = true;
    const env = await enrolled({ riskCheck: async () => (allow ? { allow: true } : { allow: false, reason: 'sim_swap' }) });
    allow = false;
    const failed: unknown[] = [];
    env.mfa.on('delivery.failed', (e) => failed.push(e));
    const sentBefore = env.outbox.messages.length;
    const before = await env.mfa.getStatus('u1');
    expect(await env.mfa.startChallenge('u1')).toEqual({ ok: false, error: 'send_refused', reason: 'sim_swap' });
    expect(env.outbox.messages).toHaveLength(sentBefore);
    expect(failed).toEqual([expect.objectContaining({ reason: 'risk_refused', riskReason: 'sim_swap', channel: 'sms', purpose: 'sign_in', maskedPhone: '+1 ••• ••• 2671' })]);
    expect(JSON.stringify(failed)).not.toContain('4155552671');
    // Not charged: same budget as before, no cooldown: allowed at once when the hook allows.
    expect((await env.mfa.getStatus('u1')).sendsLeft).toBe(before.sendsLeft);
    allow = true;
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true });
  });

  it.each([
    ['throws', () => { throw new Error('lookup for +14155552671 timed out'); }, 'Error'],
    ['rejects', async () => { throw new TypeError('bad'); }, 'TypeError'],
    ['answers nothing', () => undefined, undefined],
    ['answers { allow: "yes" }', () => ({ allow: 'yes' }), undefined],
    ['answers true', () => true, undefined],
  ])('a hook that %s fails closed: send_refused risk_check_failed, no code sent, no error text passed on', async (_name, hook, errorName) => {
    const { mfa, outbox, failed } = recorded({ riskCheck: hook as never });
    const res = await mfa.enrollSms('u1', PHONE);
    expect(res).toEqual({ ok: false, error: 'send_refused', reason: 'risk_check_failed' });
    expect(outbox.messages).toHaveLength(0);
    expect((await mfa.listFactors('u1')).factors).toEqual([]);
    expect(failed).toEqual([expect.objectContaining({ reason: 'risk_refused', riskReason: 'risk_check_failed', ...(errorName ? { errorName } : {}) })]);
    expect(JSON.stringify(failed)).not.toContain('4155552671');
  });

  it('a reason that is not short printable text is dropped', async () => {
    const { mfa } = setup({ riskCheck: () => ({ allow: false, reason: 'x'.repeat(500) }) });
    expect(await mfa.enrollSms('u1', PHONE)).toEqual({ ok: false, error: 'send_refused' });
  });

  it('is called after the rules and the prefix, IP and per-number budgets: a send refused by the cooldown never reaches it; the global cap is counted after it', async () => {
    let calls = 0;
    const env = await enrolled({ riskCheck: () => (calls++, { allow: true }), sending: { globalCap: 2 } });
    expect(calls).toBe(1); // the enrollment
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true });
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ error: 'resend_cooldown' });
    expect(calls).toBe(2);
    env.clock.advance(30_000);
    expect(await env.mfa.resend('u1')).toMatchObject({ error: 'send_limit_reached', scope: 'global' });
    // The global cap is counted after the hook: the hook was asked, the refusal is the cap's.
    expect(calls).toBe(3);
  });

  it('must be a function', () => {
    expect(() => setup({ riskCheck: 'yes' as never })).toThrow(/riskCheck/);
  });
});
