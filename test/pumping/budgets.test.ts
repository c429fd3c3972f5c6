/**
 * The shared send budgets through createMfa on memory stores: 1 000 sends to consecutive
 * numbers of one prefix stop at the prefix budget; the per-IP budget; the global cap under
 * 200 concurrent starts. Refused sends are charged nowhere.
 */
import { describe, expect, it } from 'vitest';
import { createMfa, MfaError, type Mfa, type MfaOptions, type Stores } from '../../src/index.js';
import { memoryStores } from '../../src/adapters/memory/index.js';
import { fakeClock, outboxSender } from '../../src/testing/index.js';
import { SECRET } from '../helpers/setup.js';

/** `count` users, each with an active SMS factor on its own number `+1 415 555 NNNN` (one prefix). */
async function usersOfOnePrefix(stores: Stores, count: number, first = 0): Promise<string[]> {
  const users: string[] = [];
  for (let i = first; i < first + count; i++) {
    const userId = `p${i}`;
    await stores.factors.putFactor({ id: `f_${userId}`, userId, channel: 'sms', status: 'active', phone: `+1415555${String(i).padStart(4, '0')}`, createdAt: 1 });
    users.push(userId);
  }
  return users;
}

function env(overrides: Partial<MfaOptions> = {}) {
  const clock = fakeClock();
  const stores = memoryStores({ clock, maxKeys: 100_000 });
  const outbox = outboxSender();
  const mfa = createMfa({ stores, senders: { sms: outbox }, secret: SECRET, clock, ...overrides });
  const failed: string[] = [];
  mfa.on('delivery.failed', (e) => failed.push(e.reason));
  return { clock, stores, outbox, mfa, failed };
}

const tally = (results: readonly { ok: boolean; error?: string; scope?: string }[]) => {
  const out: Record<string, number> = {};
  for (const r of results) {
    const k = r.ok ? 'ok' : `${r.error ?? '?'}${r.scope ? `:${r.scope}` : ''}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};

describe('per-prefix budget (default 100 per hour, 6 digits after the country code)', () => {
  it('1 000 sends at once to consecutive numbers of one prefix → exactly 100 go out; the rest are refused with scope prefix and charged nowhere', async () => {
    const { mfa, stores, outbox, clock, failed } = env();
    const users = await usersOfOnePrefix(stores, 1000);
    const results = await Promise.all(users.map((u) => mfa.startChallenge(u)));
    expect(tally(results)).toEqual({ ok: 100, 'send_limit_reached:prefix': 900 });
    expect(outbox.messages).toHaveLength(100);
    expect(failed.filter((r) => r === 'prefix_limit')).toHaveLength(900);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ retryAfterMs: 3_600_000 });
    // A refused user was given back the send and the cooldown: no state at all.
    const i = results.findIndex((r) => !r.ok);
    const status = await mfa.getStatus(users[i] as string);
    expect(status.sendsLeft).toBe(10);
    expect(status.pending ?? null).toBeNull();
    // Another prefix is not affected; after the window the prefix has room again.
    await stores.factors.putFactor({ id: 'f_other', userId: 'other', channel: 'sms', status: 'active', phone: '+14155560000', createdAt: 1 });
    expect(await mfa.startChallenge('other')).toMatchObject({ ok: true });
    clock.advance(3_600_000);
    expect(await mfa.startChallenge(users[i] as string)).toMatchObject({ ok: true });
  }, 120_000);

  it('sequential sends: the 101st in the hour is refused, retryAfterMs until the oldest leaves; configurable digits and limit; false switches it off', async () => {
    const a = env({ sending: { perPrefix: 3, prefixDigits: 7 } });
    const users = await usersOfOnePrefix(a.stores, 12);
    // +1 4155550 00x share 7 digits: 3 pass; 4th refused.
    for (let i = 0; i < 3; i++) {
      expect(await a.mfa.startChallenge(users[i] as string)).toMatchObject({ ok: true });
      a.clock.advance(1000);
    }
    expect(await a.mfa.startChallenge(users[3] as string)).toEqual({ ok: false, error: 'send_limit_reached', scope: 'prefix', retryAfterMs: 3_600_000 - 3000 });
    expect(a.mfa.rules).toMatchObject({ sendsPerPrefix: 3, prefixDigits: 7 });

    const off = env({ sending: { perPrefix: false } });
    const many = await usersOfOnePrefix(off.stores, 150);
    const results = await Promise.all(many.map((u) => off.mfa.startChallenge(u)));
    expect(tally(results)).toEqual({ ok: 150 });
    expect(off.mfa.rules.sendsPerPrefix).toBeNull();
  }, 60_000);

  it('enrollment counts too; a refused enrollment leaves no pending factor', async () => {
    const { mfa } = env({ sending: { perPrefix: 2 } });
    expect(await mfa.enrollSms('e1', '+14155552671')).toMatchObject({ ok: true });
    expect(await mfa.enrollSms('e2', '+14155552672')).toMatchObject({ ok: true });
    expect(await mfa.enrollSms('e3', '+14155552673')).toMatchObject({ ok: false, error: 'send_limit_reached', scope: 'prefix' });
    // The refused enrollment left no pending factor.
    expect((await mfa.listFactors('e3')).factors).toEqual([]);
  });
});

describe('per-IP budget (counted only when the caller passes ip)', () => {
  it('caps sends per IP across users and methods; another IP and calls without ip are not affected', async () => {
    const { mfa, stores, failed } = env({ sending: { perIp: 3 } });
    await stores.factors.putFactor({ id: 'f_a', userId: 'a', channel: 'sms', status: 'active', phone: '+14155550001', createdAt: 1 });
    await stores.factors.putFactor({ id: 'f_b', userId: 'b', channel: 'sms', status: 'active', phone: '+14155560002', createdAt: 1 });
    const ip = '203.0.113.7';
    expect(await mfa.startChallenge('a', { ip })).toMatchObject({ ok: true });
    expect(await mfa.startChallenge('b', { ip })).toMatchObject({ ok: true });
    expect(await mfa.enrollSms('c', '+14155570003', { ip })).toMatchObject({ ok: true });
    expect(await mfa.enrollSms('d', '+14155580004', { ip })).toEqual({ ok: false, error: 'send_limit_reached', scope: 'ip', retryAfterMs: 3_600_000 });
    expect(failed).toEqual(['ip_limit']);
    expect(await mfa.enrollSms('d', '+14155580004', { ip: '203.0.113.8' })).toMatchObject({ ok: true });
    expect(await mfa.enrollSms('e', '+14155590005')).toMatchObject({ ok: true }); // no ip: not counted
  });

  it('resend and enrollEmail take ip too; an IPv6 /64 counts as one address', async () => {
    const clock = fakeClock();
    const stores = memoryStores({ clock });
    const mfa = createMfa({ stores, senders: { sms: outboxSender(), email: { name: 'mail', send: async () => ({ id: 'm' }) } }, secret: SECRET, clock, sending: { perIp: 2 } });
    const v6 = (n: number) => `2001:db8:1:2::${n}`;
    expect(await mfa.enrollEmail('m1', 'm1@example.com', { ip: v6(1) })).toMatchObject({ ok: true });
    clock.advance(30_000);
    expect(await mfa.resend('m1', { purpose: 'enroll', ip: v6(2) })).toMatchObject({ ok: true });
    clock.advance(30_000);
    // Same /64: the third send is refused; the user's cooldown is free again at once.
    expect(await mfa.resend('m1', { purpose: 'enroll', ip: v6(3) })).toMatchObject({ ok: false, error: 'send_limit_reached', scope: 'ip' });
    expect(await mfa.resend('m1', { purpose: 'enroll', ip: '2001:db8:1:3::1' })).toMatchObject({ ok: true });
  });

  it('a malformed ip throws invalid_argument from every method that takes one, before anything is done', async () => {
    const { mfa, stores, outbox } = env();
    await stores.factors.putFactor({ id: 'f_a', userId: 'a', channel: 'sms', status: 'active', phone: '+14155550001', createdAt: 1 });
    const bad = ['nope', '203.0.113.7:443', 42];
    for (const ip of bad) {
      const calls: (() => Promise<unknown>)[] = [
        () => mfa.startChallenge('a', { ip } as never),
        () => mfa.resend('a', { ip } as never),
        () => mfa.enrollSms('a', '+14155550009', { ip } as never),
        () => mfa.enrollVoice('a', '+14155550009', { ip } as never),
        () => mfa.enrollEmail('a', 'a@example.com', { ip } as never),
      ];
      for (const call of calls) {
        const err = await call().then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(MfaError);
        expect((err as MfaError).code).toBe('invalid_argument');
        expect(String((err as Error).message)).not.toContain(String(ip));
      }
    }
    expect(outbox.messages).toHaveLength(0);
  });
});

describe('global cap (a spend ceiling for the deployment)', () => {
  const start = (mfa: Mfa, users: readonly string[]) => Promise.all(users.map((u) => mfa.startChallenge(u).catch((e: unknown) => ({ ok: false as const, error: `threw:${e instanceof MfaError ? e.code : String(e)}` }))));

  it.each([1, 50, 199])('200 concurrent starts (200 users of 200 prefixes), cap %i → exactly that many sent', async (cap) => {
    const { mfa, stores, outbox, failed } = env({ sending: { globalCap: cap } });
    const users: string[] = [];
    for (let i = 0; i < 200; i++) {
      users.push(`g${i}`);
      await stores.factors.putFactor({ id: `f_g${i}`, userId: `g${i}`, channel: 'sms', status: 'active', phone: `+1415${String(200 + i).padStart(3, '0')}1234`, createdAt: 1 });
    }
    const results = await start(mfa, users);
    expect(tally(results)).toEqual({ ok: cap, 'send_limit_reached:global': 200 - cap });
    expect(outbox.messages).toHaveLength(cap);
    expect(failed.filter((r) => r === 'global_limit')).toHaveLength(200 - cap);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ retryAfterMs: expect.any(Number) });
  }, 120_000);

  it('the cap counts every channel in fixed slots: the next slot has room again; refused users are not charged', async () => {
    const { mfa, clock } = env({ sending: { globalCap: 2 } });
    clock.set(10 * 3_600_000 + 1_000);
    expect(await mfa.enrollSms('a', '+14155550001')).toMatchObject({ ok: true });
    expect(await mfa.enrollSms('b', '+14155560001')).toMatchObject({ ok: true });
    expect(await mfa.enrollSms('c', '+14155570001')).toEqual({ ok: false, error: 'send_limit_reached', scope: 'global', retryAfterMs: 3_600_000 - 1_000 });
    expect(await mfa.getStatus('c')).toMatchObject({ sendsLeft: 10 });
    clock.advance(3_600_000 - 1_000);
    expect(await mfa.enrollSms('c', '+14155570001')).toMatchObject({ ok: true });
  });
});
