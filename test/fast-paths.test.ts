/**
 * The memory path's fast paths give the same answers as the work they skip: the cached
 * number facts as a fresh parse (and the cache stays bounded), the aged state as the
 * copy-and-delete it replaced (same fields, same order), a prepared SMS text as the template
 * filled whole, a remembered number's keyed name as the HMAC computed afresh.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CodeHasher } from '../src/factors/code.js';
import { maskedNumber } from '../src/factors/phone.js';
import { createMfa } from '../src/index.js';
import { enrolled, must, SECRET } from './helpers/setup.js';
import { maskPhone, numberFacts, numberFactsCached, numberFactsUncached } from '../src/config/phone.js';
import { WriteOrderMap } from '../src/config/lru.js';
import { DEFAULT_TEMPLATES, pickTemplate, renderMessage } from '../src/config/messages.js';
import { parseOptions } from '../src/config/options.js';
import { DEFAULTS, type Policy } from '../src/core/policy.js';
import { age, stepMemoryEnd, type UserState } from '../src/core/state.js';
import { smsKind } from '../src/factors/sms.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import type { SmsMessage } from '../src/ports/sender.js';

const NUMBERS = [
  '+14155552671', '+16135550123', '+447911123456', '+33612345678', '+819012345678', '+61412345678',
  '+5511912345678', '+919812345678', '+2348031234567', '+8613812345678', '+971501234567', '+79161234567',
  '+12423570000', '+18092345678', '+3584012345678', '+999123456789', '+0', '+1',
];

describe('numberFacts cache', () => {
  it('answers what a fresh parse answers, for numbers of many countries and prefix lengths, cached or not', () => {
    for (const digits of [3, 6, 2, 6]) {
      for (const n of NUMBERS) {
        const expected = numberFactsUncached(n, digits);
        expect(numberFacts(n, digits)).toStrictEqual(expected); // first call (or another prefix length)
        expect(numberFacts(n, digits)).toStrictEqual(expected); // cached
      }
    }
    expect(numberFacts('+14155552671', 6)).toStrictEqual({ country: 'US', prefix: '+1 415555' });
    expect(numberFacts('+14155552671', 3)).toStrictEqual({ country: 'US', prefix: '+1 415' });
  });

  it('stays bounded (10 000 numbers) however many distinct numbers pass, and still answers right', () => {
    for (let i = 0; i < 12_000; i++) numberFacts(`+1415${2_000_000 + i}`, 6);
    expect(numberFactsCached()).toBeLessThanOrEqual(10_000);
    expect(numberFacts('+14152000001', 6)).toStrictEqual(numberFactsUncached('+14152000001', 6));
    expect(numberFacts('+447911123456', 6)).toStrictEqual(numberFactsUncached('+447911123456', 6));
  });

  it('an answer cannot be changed by one caller for the next', () => {
    const f = numberFacts('+33612345678', 6);
    expect(Object.isFrozen(f)).toBe(true);
  });
});

/** `age` as it was before its fast path: copy, then delete what aged. */
function ageByCopy(s: UserState, p: Policy, now: number): UserState {
  let next: { -readonly [K in keyof UserState]: UserState[K] } = { ...s };
  if (next.lockedUntil !== undefined && now >= next.lockedUntil) delete next.lockedUntil;
  if (next.lastSentAt !== undefined && now - next.lastSentAt >= p.cooldownMs) delete next.lastSentAt;
  next.sends = s.sends.filter((t) => now - t < p.sendWindowMs);
  if (!next.hardLocked && next.lastFailureAt !== undefined && now - next.lastFailureAt >= p.failureMemoryMs) {
    next = { ...next, failures: 0, consecutive: 0 };
    delete next.lastFailureAt;
  }
  if (next.code && now >= next.code.expiresAt + p.sendWindowMs) delete next.code;
  if (next.verifiedAt !== undefined && now - next.verifiedAt >= p.stepUpMs) delete next.verifiedAt;
  if (next.devices && now >= next.devices.until) delete next.devices;
  if (next.steps) {
    const kept = Object.entries(next.steps).filter(([, step]) => now < stepMemoryEnd(step));
    if (kept.length > 0) next.steps = Object.fromEntries(kept);
    else delete next.steps;
  }
  return next;
}

describe('age fast path', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const H = 3_600_000;
  // A deterministic spread of states: each field absent, just inside or just past its window.
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const around = (at: number): number => at + [-2 * H, -1, 0, 1, 2 * H][rand(5)]!;
  function randomState(): UserState {
    const s: Record<string, unknown> = { failures: rand(8), consecutive: rand(8), sends: Array.from({ length: rand(5) }, () => around(T0 - H)).sort((a, b) => a - b) };
    const code = { id: 'ch_x', purpose: 'sign_in', factorId: 'f1', channel: 'sms', hash: 'h', issuedAt: T0 - H, expiresAt: around(T0 - H), tries: rand(4) };
    const optional: [string, () => unknown][] = [
      ['code', () => code],
      ['lastFailureAt', () => around(T0 - DEFAULTS.failureMemoryMs)],
      ['lockedUntil', () => around(T0)],
      ['hardLocked', () => true],
      ['lastSentAt', () => around(T0 - DEFAULTS.cooldownMs)],
      ['steps', () => (rand(4) === 0 ? {} : { f1: Math.floor(around(T0) / 30_000) - 2, f2: Math.floor(T0 / 30_000) })],
      ['verifiedAt', () => around(T0 - DEFAULTS.stepUpMs)],
      ['devices', () => ({ generation: 'g', until: around(T0) })],
    ];
    // Fields in a varying order, as records built by different rules hold them.
    for (const [key, make] of optional.sort(() => rand(3) - 1)) if (rand(2) === 0) s[key] = make();
    return Object.freeze(s) as unknown as UserState;
  }

  it('answers exactly what copy-and-delete answered (same fields and values; a copy in the one field order of userState), and the state itself when nothing aged', () => {
    const ORDER = ['failures', 'consecutive', 'sends', 'code', 'lastFailureAt', 'lockedUntil', 'hardLocked', 'lastSentAt', 'steps', 'verifiedAt', 'backup', 'devices'];
    let unchanged = 0;
    for (let i = 0; i < 5_000; i++) {
      const s = randomState();
      const got = age(s, DEFAULTS, T0);
      const expected = ageByCopy(s, DEFAULTS, T0);
      expect(got).toStrictEqual(expected);
      if (got !== s) expect(Object.keys(got)).toEqual(ORDER.filter((k) => k in expected));
      if (got === s) unchanged++;
    }
    expect(unchanged).toBeLessThan(5_000);
    const fresh: UserState = Object.freeze({
      failures: 1, consecutive: 1, lastFailureAt: T0 - 1, lastSentAt: T0 - 1, sends: Object.freeze([T0 - 1]), steps: Object.freeze({ f1: Math.floor(T0 / 30_000) }),
      code: Object.freeze({ id: 'ch_x', purpose: 'sign_in', factorId: 'f1', channel: 'sms', hash: 'h', issuedAt: T0 - 1, expiresAt: T0 + 1, tries: 0 }),
    } as const);
    expect(age(fresh, DEFAULTS, T0)).toBe(fresh);
    expect(ageByCopy(fresh, DEFAULTS, T0)).toStrictEqual(fresh);
  });
});

describe('prepared SMS text', () => {
  const templates = [
    '{code} is your {appName} code. It expires in {minutes} minutes.',
    '{code}{code} twice, {appName}{minutes}',
    '{app{code}Name} {{code}} {minutes}{code}',
    'Code: {code}',
  ];
  const appNames = ['Bench', 'Acme {minutes}', 'Odd {code} name', '{appName}'];

  it('is the text renderMessage makes, for odd templates, app names, locales and the autofill line', async () => {
    for (const template of templates) {
      for (const appName of appNames) {
        for (const origin of [undefined, 'example.com']) {
          const options = parseOptions({
            stores: memoryStores(),
            secret: 'a-test-secret-that-is-long-enough-0123456789',
            appName,
            messages: { templates: { en: { sign_in: template }, 'fr-CA': { enroll: `fr ${template}` } }, ...(origin ? { origin } : {}) },
          });
          const sent: SmsMessage[] = [];
          const kind = smsKind(options, { name: 't', send: async (m) => { sent.push(m); return { id: 'm1' }; } });
          const factor = { id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: '+14155552671', createdAt: 0 } as const;
          for (const [locale, purpose] of [['en', 'sign_in'], ['fr-CA', 'enroll'], ['fr-CA', 'sign_in'], ['de', 'enroll'], ['en', 'sign_in']] as const) {
            for (const code of ['012345', '9999999999']) {
              await kind.send(factor, { code, purpose, locale });
              const picked = pickTemplate(options.messages.templates, DEFAULT_TEMPLATES, locale, options.messages.defaultLocale, purpose);
              const minutes = Math.round(options.code.ttlMs / 60_000);
              expect(sent.pop()?.body).toBe(renderMessage(picked, { code, appName, minutes }, options.messages.origin));
            }
          }
        }
      }
    }
  });
});

describe('destinationKey cache', () => {
  const SECRETS = ['cache-secret-0123456789-abcdefghijklmnop', 'other-secret-0123456789-abcdefghijklmnop'];
  /** The keyed name computed afresh, as the hasher computed it before it remembered them. */
  const fresh = (secret: string, e164: string) => createHmac('sha256', Buffer.from(secret, 'utf8')).update(`dest|${e164}`).digest('base64url').slice(0, 22);

  it('answers the HMAC under the signing secret, first time and remembered, and past its bound (12 000 numbers)', () => {
    const hasher = new CodeHasher(SECRETS);
    const numbers = Array.from({ length: 12_000 }, (_, i) => `+1415${2_000_000 + i}`);
    for (const n of numbers) expect(hasher.destinationKey(n)).toBe(fresh(SECRETS[0] as string, n));
    for (const n of [numbers[0], numbers[11_999], numbers[5_000], 'email|ada@example.com'] as string[]) {
      expect(hasher.destinationKey(n)).toBe(fresh(SECRETS[0] as string, n));
      expect(hasher.destinationKey(n)).toBe(fresh(SECRETS[0] as string, n));
    }
  });

  it('is per hasher: another signing secret names the same number differently', () => {
    const a = new CodeHasher(SECRETS);
    const b = new CodeHasher([SECRETS[1] as string]);
    expect(a.destinationKey(PHONE_A)).toBe(a.destinationKey(PHONE_A));
    expect(b.destinationKey(PHONE_A)).toBe(fresh(SECRETS[1] as string, PHONE_A));
    expect(b.destinationKey(PHONE_A)).not.toBe(a.destinationKey(PHONE_A));
  });
});

const PHONE_A = '+14155552671';

describe('WriteOrderMap.getOr (the bounded caches of factors/)', () => {
  it('derives a value once, stays within its bound, forgets the oldest first and derives it again', () => {
    const derived: string[] = [];
    const cache = new WriteOrderMap<string, string>(3);
    const derive = (k: string) => {
      derived.push(k);
      return `v:${k}`;
    };
    for (const k of ['a', 'b', 'a', 'c', 'a']) expect(cache.getOr(k, derive)).toBe(`v:${k}`);
    expect(derived).toEqual(['a', 'b', 'c']);
    expect(cache.getOr('d', derive)).toBe('v:d'); // past the bound: 'a' (the oldest) goes
    expect(cache.size).toBe(3);
    expect(cache.getOr('b', derive)).toBe('v:b');
    expect(cache.getOr('a', derive)).toBe('v:a');
    expect(derived).toEqual(['a', 'b', 'c', 'd', 'a']);
    expect(cache.size).toBe(3);
    expect(() => new WriteOrderMap(0)).toThrow(RangeError);
  });

  it('a masked number is what maskPhone answers, the same frozen object for every send to it', () => {
    const factor = { id: 'f', userId: 'u', channel: 'sms', status: 'active', phone: '+14155552671', createdAt: 1 } as const;
    const a = maskedNumber(factor);
    expect(a).toStrictEqual({ maskedTo: maskPhone('+14155552671'), maskedPhone: maskPhone('+14155552671') });
    expect(maskedNumber({ ...factor })).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
});

describe('channels worked out once per settings record', () => {
  it('a switch made by another instance on the same memory stores holds at the next challenge, both ways', async () => {
    const a = await enrolled();
    const b = createMfa({ stores: a.stores, senders: { sms: a.outbox }, secret: SECRET, appName: 'Acme', clock: a.clock });
    must(await a.mfa.startChallenge('u1')); // the channels of the default settings are now remembered
    a.clock.advance(30_000);
    await b.setChannelEnabled('sms', false, { by: 'ops' });
    const sent = a.outbox.messages.length;
    expect((await a.mfa.startChallenge('u1')).ok).toBe(false);
    expect(a.outbox.messages).toHaveLength(sent);
    await b.setChannelEnabled('sms', true, { by: 'ops' });
    must(await a.mfa.startChallenge('u1'));
    expect(a.outbox.messages).toHaveLength(sent + 1);
  });
});

describe('code hash and check without intermediate buffers', () => {
  const record = (hash: string) => ({ id: 'ch_abc', purpose: 'sign_in' as const, factorId: 'f1', channel: 'sms' as const, hash, issuedAt: 0, expiresAt: 1, tries: 0 });
  const expected = (secret: string, code: string) => createHmac('sha256', secret).update(`6:ch_abc|sign_in|${code}`).digest('base64url');

  it('hash is the HMAC-SHA-256 of the length-prefixed fields, base64url', () => {
    expect(new CodeHasher([SECRET]).hash('ch_abc', 'sign_in', '123456')).toBe(expected(SECRET, '123456'));
  });

  it('matches the right code only, under any secret of a rotation, and never a hash of another length', () => {
    const old = 'old-secret-0123456789-abcdefghijklmnopq';
    const hasher = new CodeHasher([SECRET, old]);
    const mine = hasher.hash('ch_abc', 'sign_in', '123456');
    expect(hasher.matches(record(mine), '123456')).toBe(true);
    expect(hasher.matches(record(mine), '123457')).toBe(false);
    // Checked one after another: the decoding buffer is reused, nothing of one check leaks into the next.
    expect(hasher.matches(record(expected(old, '654321')), '654321')).toBe(true);
    expect(hasher.matches(record(expected(old, '654321')), '123456')).toBe(false);
    expect(hasher.matches(record(mine.slice(0, 42)), '123456')).toBe(false);
    expect(hasher.matches(record(`${mine}A`), '123456')).toBe(false);
    expect(hasher.matches(record(`${mine}=`), '123456')).toBe(false);
    expect(hasher.matches(record(''), '123456')).toBe(false);
  });
});
