/** destinations.unique (one number, one user) and known shared numbers. */
import { describe, expect, it } from 'vitest';
import { setup } from '../helpers/setup.js';

const N = '+14155552671';
const DESK = '+14155550100';

describe('destinations.unique', () => {
  it('refuses a number that is an active factor of another user (enroll and addVerifiedFactor); the same user, a pending or invalid factor do not count', async () => {
    const { mfa, stores, outbox } = setup({ destinations: { unique: true } });
    await stores.factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: N, createdAt: 1 });
    expect(await mfa.enrollSms('u2', N)).toEqual({ ok: false, error: 'destination_in_use' });
    expect(await mfa.enrollVoice('u2', '+1 (415) 555-2671')).toEqual({ ok: false, error: 'destination_in_use' });
    expect(await mfa.addVerifiedFactor('u2', { phone: N }, { by: 'admin', reason: 'test' })).toEqual({ ok: false, error: 'destination_in_use' });
    expect(outbox.messages).toHaveLength(0);
    // The owner may enroll it again (e.g. for voice).
    await stores.factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'invalid', phone: N, createdAt: 1 });
    expect(await mfa.enrollSms('u2', N)).toMatchObject({ ok: true });
    // u2's enrollment is pending: it does not block u3.
    expect(await mfa.enrollSms('u3', N)).toMatchObject({ ok: true });
  });

  it('off by default: two users may share a number', async () => {
    const { mfa, stores } = setup();
    await stores.factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: N, createdAt: 1 });
    expect(await mfa.enrollSms('u2', N)).toMatchObject({ ok: true });
  });
});

describe('destinations.shared (known shared numbers)', () => {
  it('are exempt from unique and from the per-number budget; the user and prefix budgets still count', async () => {
    const { mfa, stores, outbox } = setup({ destinations: { unique: true, shared: [DESK] }, sending: { perPrefix: 15 } });
    for (let i = 0; i < 12; i++) {
      await stores.factors.putFactor({ id: `f${i}`, userId: `desk${i}`, channel: 'sms', status: 'active', phone: DESK, createdAt: 1 });
    }
    expect(await mfa.enrollSms('newcomer', DESK)).toMatchObject({ ok: true });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => mfa.startChallenge(`desk${i}`)));
    expect(results.every((r) => r.ok)).toBe(true); // 13 sends to one number: past perDestination (10)
    expect(outbox.messages).toHaveLength(13);
    await stores.factors.putFactor({ id: 'fx', userId: 'x', channel: 'sms', status: 'active', phone: DESK, createdAt: 1 });
    await stores.factors.putFactor({ id: 'fy', userId: 'y', channel: 'sms', status: 'active', phone: DESK, createdAt: 1 });
    await stores.factors.putFactor({ id: 'fz', userId: 'z', channel: 'sms', status: 'active', phone: DESK, createdAt: 1 });
    expect(await mfa.startChallenge('x')).toMatchObject({ ok: true });
    expect(await mfa.startChallenge('y')).toMatchObject({ ok: true });
    expect(await mfa.startChallenge('z')).toMatchObject({ ok: false, error: 'send_limit_reached', scope: 'prefix' });
  });

  it('a number not on the list keeps its per-number budget', async () => {
    const { mfa, stores } = setup({ destinations: { shared: [DESK] } });
    for (let i = 0; i < 11; i++) await stores.factors.putFactor({ id: `f${i}`, userId: `n${i}`, channel: 'sms', status: 'active', phone: N, createdAt: 1 });
    const results = await Promise.all(Array.from({ length: 11 }, (_, i) => mfa.startChallenge(`n${i}`)));
    expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ error: 'send_limit_reached', scope: 'destination' })]);
  });

  it('entries must be E.164', () => {
    expect(() => setup({ destinations: { shared: ['415 555 0100'] } })).toThrow(/destinations\.shared/);
  });
});
