/**
 * destinations.unique for email addresses, and one active owner per destination under
 * concurrency (memory stores; Redis and other processes: test/redis/destinations-unique.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createMfa, MfaError, type FactorStore, type MfaOptions, type StateStore } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { fakeClock, outboxSender } from '../src/testing/index.js';
import { emailRecorder } from './helpers/senders.js';
import { must, PHONE, SECRET } from './helpers/setup.js';

const ADDRESS = 'Ada.Lovelace@example.com';
const OTHER = '+14155550147';
const ADMIN = { by: 'admin', reason: 'test' };

/** A state store that only reads and writes (no held records), listing every key written. */
function recordingState(inner: StateStore): StateStore & { written: string[] } {
  const written: string[] = [];
  return {
    written,
    read: (key) => inner.read(key),
    write: (key, value, expected, ttl) => {
      written.push(key);
      return inner.write(key, value, expected, ttl);
    },
  };
}

function setup(overrides: Partial<MfaOptions> = {}, factors?: FactorStore, held = false) {
  const clock = fakeClock();
  const stores = memoryStores({ clock });
  // `held`: the memory store as it is (decoded records held, its own commit path).
  const state = held ? Object.assign(stores.state, { written: [] as string[] }) : recordingState(stores.state);
  const sms = outboxSender();
  const mail = emailRecorder();
  const mfa = createMfa({
    stores: { factors: factors ?? stores.factors, state },
    senders: { sms, email: mail },
    secret: SECRET,
    appName: 'Acme',
    clock,
    destinations: { unique: true },
    sending: { perDestination: 1_000, perPrefix: false },
    ...overrides,
  });
  return { mfa, clock, factors: factors ?? stores.factors, state, sms, mail };
}

type Env = ReturnType<typeof setup>;

async function enrollEmail(env: Env, userId: string, address: string): Promise<string> {
  must(await env.mfa.enrollEmail(userId, address));
  return must(await env.mfa.confirmEnrollment(userId, env.mail.lastCode())).factorId;
}

const activeOn = async (factors: FactorStore, phone: string) => (await factors.findFactorsByPhone(phone)).filter((f) => f.status === 'active');

describe('destinations.unique: email addresses', () => {
  it("refuses another user an address active for one user, in any spelling parseEmail keeps as one; the owner's own re-enrollment works; after removal another user may", async () => {
    const env = setup();
    const first = await enrollEmail(env, 'u1', ADDRESS);
    for (const spelling of [ADDRESS, 'Ada.Lovelace@EXAMPLE.com', '  Ada.Lovelace@Example.COM ']) {
      expect(await env.mfa.enrollEmail('u2', spelling)).toEqual({ ok: false, error: 'destination_in_use' });
      expect(await env.mfa.addVerifiedFactor('u2', { email: spelling }, ADMIN)).toEqual({ ok: false, error: 'destination_in_use' });
    }
    expect(env.mail.messages).toHaveLength(1); // only u1's enrollment
    expect(await env.mfa.listFactors('u2')).toMatchObject({ factors: [] });
    // A different local part is a different address (the local part is kept as typed).
    expect(await env.mfa.enrollEmail('u2', 'ada.lovelace@example.com')).toMatchObject({ ok: true });

    // The owner enrolls the same address again: the new factor replaces the old one.
    env.clock.advance(60_000);
    const again = await enrollEmail(env, 'u1', 'Ada.Lovelace@EXAMPLE.COM');
    expect((await env.mfa.listFactors('u1')).factors.map((f) => f.id)).toEqual([again]);
    expect(again).not.toBe(first);
    expect(await env.mfa.addVerifiedFactor('u1', { email: ADDRESS }, ADMIN)).toMatchObject({ ok: true });

    for (const f of (await env.mfa.listFactors('u1')).factors) must(await env.mfa.removeFactor('u1', f.id, ADMIN));
    await enrollEmail(env, 'u2', ADDRESS);
    expect((await env.factors.findFactorsByEmail?.(ADDRESS))?.map((f) => [f.userId, f.status])).toEqual([['u2', 'active']]);
  });

  it('only a user who passed step-up learns that a number or an address is taken: step_up_required comes first', async () => {
    const env = setup();
    await enrollEmail(env, 'u1', ADDRESS);
    must(await env.mfa.addVerifiedFactor('u1', { phone: PHONE }, ADMIN));
    await enrollEmail(env, 'u2', 'grace@example.com');
    env.clock.advance(60 * 60_000); // u2's sign-in is an hour old
    expect(await env.mfa.enrollEmail('u2', ADDRESS)).toEqual({ ok: false, error: 'step_up_required' });
    expect(await env.mfa.enrollSms('u2', PHONE)).toEqual({ ok: false, error: 'step_up_required' });
  });

  it('addVerifiedFactor binds a free address, and the next user is refused', async () => {
    const env = setup();
    must(await env.mfa.addVerifiedFactor('u1', { email: ` ${ADDRESS}` }, ADMIN));
    expect(await env.mfa.addVerifiedFactor('u2', { email: ADDRESS }, ADMIN)).toEqual({ ok: false, error: 'destination_in_use' });
    expect(await env.mfa.enrollEmail('u2', ADDRESS)).toEqual({ ok: false, error: 'destination_in_use' });
  });

  it('createMfa refuses unique with an email sender when the FactorStore has no findFactorsByEmail; without the option or the sender it is fine', () => {
    const { findFactorsByEmail: _, ...lacking } = memoryStores().factors;
    const base = { stores: { factors: lacking, state: memoryStores().state }, secret: SECRET };
    const err = (() => {
      try {
        createMfa({ ...base, senders: { email: emailRecorder() }, destinations: { unique: true } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(MfaError);
    expect(err).toMatchObject({ code: 'invalid_options', message: expect.stringMatching(/destinations\.unique.*findFactorsByEmail/) });
    expect(() => createMfa({ ...base, senders: { email: emailRecorder() } })).not.toThrow();
    expect(() => createMfa({ ...base, senders: { sms: outboxSender() }, destinations: { unique: true } })).not.toThrow();
  });
});

describe('destinations.unique: one active owner under concurrency', () => {
  /** `count` users each with a pending enrollment of `phone`, and their codes. */
  async function pending(env: Env, count: number, phone = PHONE): Promise<{ userId: string; code: string }[]> {
    const out: { userId: string; code: string }[] = [];
    for (let i = 0; i < count; i++) {
      const userId = `racer-${i}`;
      must(await env.mfa.enrollSms(userId, phone));
      out.push({ userId, code: env.sms.last()?.code ?? '' });
    }
    return out;
  }

  it.each([
    ['a plain state store', false],
    ['the memory store holding decoded records', true],
  ])('20 users confirm the same number at once (%s) → exactly one active factor; the 19 others get destination_in_use and hold no factor on it', async (_, held) => {
    const env = setup({}, undefined, held);
    const racers = await pending(env, 20);
    const results = await Promise.all(racers.map((r) => env.mfa.confirmEnrollment(r.userId, r.code)));
    const winners = racers.filter((_, i) => results[i]?.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 19 }, () => ({ ok: false, error: 'destination_in_use' })));
    const active = await activeOn(env.factors, PHONE);
    expect(active.map((f) => f.userId)).toEqual([winners[0]?.userId]);
    for (const r of racers) {
      if (r.userId === winners[0]?.userId) continue;
      expect(await env.factors.listFactors(r.userId)).toEqual([]);
    }
    // The winner signs in with it; a loser cannot.
    expect(await env.mfa.startChallenge(winners[0]?.userId ?? '')).toMatchObject({ ok: true });
    expect(await env.mfa.startChallenge(racers.find((r) => r.userId !== winners[0]?.userId)?.userId ?? '')).toMatchObject({ ok: false });
  });

  it('20 concurrent addVerifiedFactor of one number for 20 users → exactly one owner', async () => {
    const env = setup();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => env.mfa.addVerifiedFactor(`v${i}`, { phone: PHONE }, ADMIN)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 19 }, () => ({ ok: false, error: 'destination_in_use' })));
    expect(await activeOn(env.factors, PHONE)).toHaveLength(1);
  });

  it('a claim whose owner no longer holds the number (factor deleted straight in the FactorStore) does not block the next user', async () => {
    const env = setup();
    const [a, b] = await pending(env, 2);
    const won = must(await env.mfa.confirmEnrollment(a?.userId ?? '', a?.code ?? ''));
    expect(await env.factors.deleteFactor(a?.userId ?? '', won.factorId)).toBe(true);
    expect(await env.mfa.confirmEnrollment(b?.userId ?? '', b?.code ?? '')).toMatchObject({ ok: true });
    expect((await activeOn(env.factors, PHONE)).map((f) => f.userId)).toEqual([b?.userId]);
    // The old owner now loses to the new one.
    expect(await env.mfa.enrollSms(a?.userId ?? '', PHONE)).toEqual({ ok: false, error: 'destination_in_use' });
  });

  it("a claim whose owner's factor was invalidated (STOP) is taken over; the owner re-enrolling and changing number to their own is never refused", async () => {
    const env = setup();
    const [a, b] = await pending(env, 2);
    must(await env.mfa.confirmEnrollment(a?.userId ?? '', a?.code ?? ''));
    // The owner enrolls the number again: the new factor replaces the old one.
    env.clock.advance(60_000);
    must(await env.mfa.enrollSms(a?.userId ?? '', PHONE));
    must(await env.mfa.confirmEnrollment(a?.userId ?? '', env.sms.last()?.code ?? ''));
    expect((await activeOn(env.factors, PHONE)).map((f) => f.userId)).toEqual([a?.userId]);
    // b's old enrollment code loses: a holds the number.
    expect(await env.mfa.confirmEnrollment(b?.userId ?? '', b?.code ?? '')).toEqual({ ok: false, error: 'destination_in_use' });
    expect(await env.factors.listFactors(b?.userId ?? '')).toEqual([]);
    must(await env.mfa.handleOptOut(PHONE));
    env.clock.advance(60_000);
    must(await env.mfa.enrollSms(b?.userId ?? '', PHONE));
    expect(await env.mfa.confirmEnrollment(b?.userId ?? '', env.sms.last()?.code ?? '')).toMatchObject({ ok: true });
    expect((await activeOn(env.factors, PHONE)).map((f) => f.userId)).toEqual([b?.userId]);
  });

  it('a claim the state store fails to write rejects with store_failed and leaves no active factor behind', async () => {
    const env = setup();
    const [a] = await pending(env, 1);
    const write = env.state.write;
    env.state.write = async (key, value, expected, ttl) => {
      if (key.startsWith('owner:')) throw new Error('disk full');
      return write(key, value, expected, ttl);
    };
    await expect(env.mfa.confirmEnrollment(a?.userId ?? '', a?.code ?? '')).rejects.toMatchObject({ code: 'store_failed' });
    expect(await activeOn(env.factors, PHONE)).toEqual([]);
    expect(await env.factors.listFactors(a?.userId ?? '')).toEqual([]);
  });

  it("a removed factor gives its claim up once it was the user's last on that number (and a number change gives up the old number); a removal never frees a number another user holds", async () => {
    // stepUp off: the number change below is made by a user who has not just signed in.
    const texts = outboxSender();
    const env = setup({ senders: { sms: texts, voice: { name: 'call', send: async () => ({ id: 'call-1' }) } }, stepUp: { windowMs: 0 } });
    const sms = must(await env.mfa.addVerifiedFactor('u1', { phone: PHONE }, ADMIN));
    const claim = env.state.written.find((k) => k.startsWith('owner:')) ?? '';
    expect(claim).not.toBe('');
    const voice = must(await env.mfa.addVerifiedFactor('u1', { phone: PHONE, channel: 'voice' }, ADMIN));
    // The voice factor still holds the number: the claim stays.
    must(await env.mfa.removeFactor('u1', sms.factorId, ADMIN));
    expect(await env.state.read(claim)).not.toBeNull();
    expect(await env.mfa.addVerifiedFactor('u2', { phone: PHONE }, ADMIN)).toEqual({ ok: false, error: 'destination_in_use' });
    // Its last factor on the number goes: so does the record.
    must(await env.mfa.removeFactor('u1', voice.factorId, ADMIN));
    expect(await env.state.read(claim)).toBeNull();

    // u2 takes the number, then changes to another one: the first number's claim goes.
    const held = must(await env.mfa.addVerifiedFactor('u2', { phone: PHONE }, ADMIN));
    expect(await env.state.read(claim)).not.toBeNull();
    must(await env.mfa.enrollSms('u2', OTHER, { replaces: held.factorId }));
    must(await env.mfa.confirmEnrollment('u2', texts.last()?.code ?? ''));
    expect(await env.state.read(claim)).toBeNull();
    // u1 removing a factor of their own never frees the number u2 holds now.
    const otherClaim = env.state.written.find((k) => k.startsWith('owner:') && k !== claim) ?? '';
    expect(otherClaim).not.toBe('');
    const u1 = must(await env.mfa.addVerifiedFactor('u1', { phone: PHONE }, ADMIN));
    must(await env.mfa.removeFactor('u1', u1.factorId, ADMIN));
    expect(await env.state.read(claim)).toBeNull();
    expect(await env.state.read(otherClaim)).not.toBeNull();
    expect(await env.mfa.addVerifiedFactor('u1', { phone: OTHER }, ADMIN)).toEqual({ ok: false, error: 'destination_in_use' });
  });

  it('a loser whose factor removal fails twice is still rolled back (the removal is tried again), and gets destination_in_use', async () => {
    const base = memoryStores({ clock: fakeClock() }).factors;
    let failures = 0;
    const flaky: FactorStore = {
      ...base,
      deleteFactor: async (userId, factorId) => {
        if (failures < 2) {
          failures++;
          throw new Error('connection reset');
        }
        return base.deleteFactor(userId, factorId);
      },
    };
    const env = setup({}, flaky);
    const [a, b] = await pending(env, 2);
    must(await env.mfa.confirmEnrollment(a?.userId ?? '', a?.code ?? ''));
    expect(await env.mfa.confirmEnrollment(b?.userId ?? '', b?.code ?? '')).toEqual({ ok: false, error: 'destination_in_use' });
    expect(failures).toBe(2);
    expect((await activeOn(env.factors, PHONE)).map((f) => f.userId)).toEqual([a?.userId]);
  });

  it('a number change (replaces) to the same number is not refused', async () => {
    const env = setup();
    const [a] = await pending(env, 1);
    const first = must(await env.mfa.confirmEnrollment(a?.userId ?? '', a?.code ?? ''));
    env.clock.advance(60_000);
    must(await env.mfa.enrollSms(a?.userId ?? '', PHONE, { replaces: first.factorId }));
    expect(await env.mfa.confirmEnrollment(a?.userId ?? '', env.sms.last()?.code ?? '')).toMatchObject({ ok: true });
    expect((await activeOn(env.factors, PHONE)).map((f) => f.userId)).toEqual([a?.userId]);
  });

  it('known shared numbers are never claimed: 5 users confirm one at once and all keep it', async () => {
    const env = setup({ destinations: { unique: true, shared: [PHONE] } });
    const racers = await pending(env, 5);
    const results = await Promise.all(racers.map((r) => env.mfa.confirmEnrollment(r.userId, r.code)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await activeOn(env.factors, PHONE)).toHaveLength(5);
    expect(env.state.written.filter((k) => k.startsWith('owner:'))).toEqual([]);
  });

  it('the claim is one state key, a keyed hash: never the number or the address', async () => {
    const env = setup();
    const [a] = await pending(env, 1);
    must(await env.mfa.confirmEnrollment(a?.userId ?? '', a?.code ?? ''));
    await enrollEmail(env, 'u-mail', ADDRESS);
    const claims = [...new Set(env.state.written.filter((k) => k.startsWith('owner:')))];
    expect(claims).toHaveLength(2);
    for (const k of claims) expect(k).not.toMatch(/\d{7}|lovelace|example/i);
  });

  it('off: 20 users confirm the same number at once and all keep it; no claim is written, no other state write is added', async () => {
    const off = setup({ destinations: { unique: false } });
    const racers = await pending(off, 20);
    const results = await Promise.all(racers.map((r) => off.mfa.confirmEnrollment(r.userId, r.code)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await activeOn(off.factors, PHONE)).toHaveLength(20);
    expect(off.state.written.filter((k) => k.startsWith('owner:'))).toEqual([]);
    // The same run with the option on writes exactly the claims on top (one per winner's confirmation).
    const on = setup({ destinations: { unique: true } });
    const [only] = await pending(on, 1);
    const before = on.state.written.length;
    must(await on.mfa.confirmEnrollment(only?.userId ?? '', only?.code ?? ''));
    const offAlone = setup({ destinations: { unique: false } });
    const [alone] = await pending(offAlone, 1);
    const beforeOff = offAlone.state.written.length;
    must(await offAlone.mfa.confirmEnrollment(alone?.userId ?? '', alone?.code ?? ''));
    const onWrites = on.state.written.slice(before);
    const offWrites = offAlone.state.written.slice(beforeOff);
    expect(onWrites.filter((k) => !k.startsWith('owner:'))).toEqual(offWrites);
    expect(onWrites.filter((k) => k.startsWith('owner:'))).toHaveLength(1);
  });
});
