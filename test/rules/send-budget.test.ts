import { describe, expect, it } from 'vitest';
import { createMfa } from '../../src/index.js';
import { enrolled, SECRET, setup } from '../helpers/setup.js';

describe('send budgets (10 per user and 10 per number per hour)', () => {
  it('refuses the 11th send to a user within the hour, with retryAfterMs, and allows it when the oldest leaves the window', async () => {
    const { mfa, clock } = await enrolled();
    // enrollment already used one send, 30 s ago
    for (let i = 0; i < 9; i++) {
      expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true });
      clock.advance(30_000);
    }
    const res = await mfa.startChallenge('u1');
    expect(res).toEqual({ ok: false, error: 'send_limit_reached', scope: 'user', retryAfterMs: 3_600_000 - 10 * 30_000 });
    clock.advance(3_600_000 - 10 * 30_000);
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true });
  });

  it('refuses the 11th send to one number across users', async () => {
    const { mfa, clock, outbox } = setup();
    for (let i = 0; i < 10; i++) expect(await mfa.enrollSms(`user${i}`, '+14155552671')).toMatchObject({ ok: true });
    expect(await mfa.enrollSms('user10', '+14155552671')).toMatchObject({
      ok: false, error: 'send_limit_reached', scope: 'destination', retryAfterMs: 3_600_000,
    });
    expect(outbox.messages).toHaveLength(10);
    // The refused user was not put into cooldown: another number works at once.
    expect(await mfa.enrollSms('user10', '+14155550100')).toMatchObject({ ok: true });
    clock.advance(3_600_000);
    expect(await mfa.enrollSms('user11', '+14155552671')).toMatchObject({ ok: true });
  });

  it('budgets follow configuration', async () => {
    const { mfa, clock } = await enrolled({ sending: { perUser: 2 } });
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true });
    clock.advance(30_000);
    expect(await mfa.startChallenge('u1')).toMatchObject({ error: 'send_limit_reached', scope: 'user' });
  });

  it('the destination budget is shared by instances on the same stores', async () => {
    const env = setup({ sending: { perDestination: 1 } });
    const other = createMfa({ stores: env.stores, senders: { sms: env.outbox }, secret: SECRET, clock: env.clock, sending: { perDestination: 1 } });
    expect(await env.mfa.enrollSms('a', '+14155552671')).toMatchObject({ ok: true });
    expect(await other.enrollSms('b', '+14155552671')).toMatchObject({ error: 'send_limit_reached', scope: 'destination' });
  });
});
