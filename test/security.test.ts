import { afterEach, describe, expect, it } from 'vitest';
import { CodeHasher, generateCode } from '../src/factors/code.js';
import { createMfa, type MfaOptions, type StateStore } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { fakeClock, outboxSender } from '../src/testing/index.js';
import { findLeaks, leakSpy, type Captured, type LeakSpy } from './helpers/leak-spy.js';
import { enrolled, PHONE, SECRET, setup, wrong } from './helpers/setup.js';

const OLD = 'old-secret-0123456789-abcdefghijklmnopq';
const NEW = 'new-secret-9876543210-zyxwvutsrqponmlkj';
const NEWER = 'newer-secret-abcdefghij-0123456789-XYZ';

const isolated = (digits: string) => new RegExp(`(?<!\\d)${digits}(?!\\d)`);

/** Every string and number in a parsed JSON value. */
function leaves(v: unknown): (string | number)[] {
  if (typeof v === 'string' || typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.flatMap(leaves);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...leaves(x)]);
  return [];
}

const BASE64URL_SHA256 = /^[A-Za-z0-9_-]{43}$/;

describe('codes are stored only as HMAC-SHA-256', () => {
  it('the raw state record holds no plaintext code, only the HMAC bound to the challenge id and purpose', async () => {
    const { mfa, stores, outbox, clock } = await enrolled({ sending: { perUser: 1000, perDestination: 1000 } });
    const hasher = new CodeHasher([SECRET]);
    for (let i = 0; i < 40; i++) {
      const sent = await mfa.startChallenge('u1');
      if (!sent.ok || !sent.sent) throw new Error(`start failed: ${sent.ok ? 'nothing sent' : sent.error}`);
      const code = outbox.last()!.code!;
      const rec = await stores.state.read('user:u1');
      expect(rec).not.toBeNull();
      const raw = rec!.value;
      expect(raw).not.toMatch(isolated(code));
      const values = leaves(JSON.parse(raw));
      expect(values).not.toContain(code);
      // Exactly one digest-shaped value, and it is the keyed HMAC of (challenge id, purpose, code).
      const digests = values.filter((v): v is string => typeof v === 'string' && BASE64URL_SHA256.test(v));
      expect(digests).toEqual([hasher.hash(sent.challengeId, 'sign_in', code)]);
      expect(Buffer.from(digests[0]!, 'base64url')).toHaveLength(32);
      expect(values).toContain(sent.challengeId);
      clock.advance(30_000);
    }
  });

  it('an enrollment code is stored as an HMAC too, and the phone number is in no state key or value', async () => {
    const writes: { key: string; value: string | null }[] = [];
    const clock = fakeClock();
    const mem = memoryStores({ clock });
    const state: StateStore = {
      read: (k) => mem.state.read(k),
      write: (k, v, e, t) => {
        writes.push({ key: k, value: v });
        return mem.state.write(k, v, e, t);
      },
    };
    const outbox = outboxSender();
    const mfa = createMfa({ stores: { factors: mem.factors, state }, senders: { sms: outbox }, secret: SECRET, clock });
    const sent = await mfa.enrollSms('u1', '+1 415 555 2671');
    if (!sent.ok) throw new Error(sent.error);
    const code = outbox.last()!.code!;
    const rec = await mem.state.read('user:u1');
    expect(rec!.value).not.toMatch(isolated(code));
    expect(leaves(JSON.parse(rec!.value))).toContain(new CodeHasher([SECRET]).hash(sent.challengeId, 'enroll', code));
    // The destination budget lives under a keyed hash of the number.
    const destKey = `dest:${new CodeHasher([SECRET]).destinationKey(PHONE)}`;
    expect(await mem.state.read(destKey)).not.toBeNull();
    // So does the number prefix's budget (one shard of it).
    const prefixKey = `pfx:${new CodeHasher([SECRET]).budgetKey('prefix', '+1 415555')}:`;
    expect(writes.map((w) => w.key).filter((k) => !k.startsWith(prefixKey)).sort()).toEqual([destKey, 'user:u1'].sort());
    expect(writes.filter((w) => w.key.startsWith(prefixKey))).toHaveLength(1);
    for (const w of writes) {
      for (const s of [w.key, w.value ?? '']) {
        expect(s).not.toContain('4155552671');
        expect(s).not.toMatch(isolated(code));
      }
    }
  });

  it('the same code hashes differently under another challenge id, purpose or secret', () => {
    const h = new CodeHasher([SECRET]);
    const code = '123456';
    const base = h.hash('ch_a', 'sign_in', code);
    expect(base).toMatch(BASE64URL_SHA256);
    expect(h.hash('ch_a', 'sign_in', code)).toBe(base); // deterministic
    expect(h.hash('ch_b', 'sign_in', code)).not.toBe(base);
    expect(h.hash('ch_a', 'enroll', code)).not.toBe(base);
    expect(h.hash('ch_a', 'sign_in', '123457')).not.toBe(base);
    expect(new CodeHasher([OLD]).hash('ch_a', 'sign_in', code)).not.toBe(base);
    // Field boundaries are unambiguous: moving characters between id and code changes the hash.
    expect(h.hash('ch_a1', 'sign_in', '23456')).not.toBe(h.hash('ch_a', 'sign_in', '123456'));
  });

  it('matches() is false (never throws) for a tampered or truncated stored hash', () => {
    const h = new CodeHasher([SECRET]);
    const record = { id: 'ch_x', purpose: 'sign_in' as const, factorId: 'f1', channel: 'sms' as const, hash: h.hash('ch_x', 'sign_in', '654321'), issuedAt: 0, expiresAt: 1, tries: 0 };
    expect(h.matches(record, '654321')).toBe(true);
    expect(h.matches(record, '654320')).toBe(false);
    const flipped = (record.hash[0] === 'A' ? 'B' : 'A') + record.hash.slice(1);
    expect(h.matches({ ...record, hash: flipped }, '654321')).toBe(false);
    expect(h.matches({ ...record, hash: record.hash.slice(0, 20) }, '654321')).toBe(false);
    expect(h.matches({ ...record, hash: '' }, '654321')).toBe(false);
    expect(h.matches({ ...record, purpose: 'enroll' }, '654321')).toBe(false);
    expect(h.matches({ ...record, id: 'ch_y' }, '654321')).toBe(false);
  });
});

describe('secret rotation (the first secret signs, every listed secret verifies)', () => {
  /** Several instances over the same stores, clock and outbox, differing only in their secret. */
  function fleet() {
    const clock = fakeClock();
    const stores = memoryStores({ clock });
    const outbox = outboxSender();
    const make = (secret: MfaOptions['secret']) => createMfa({ stores, clock, senders: { sms: outbox }, secret, appName: 'Acme' });
    return { clock, stores, outbox, make };
  }

  async function enrollWith(env: ReturnType<typeof fleet>, secret: MfaOptions['secret']) {
    const mfa = env.make(secret);
    await mfa.enrollSms('u1', PHONE);
    const ok = await mfa.confirmEnrollment('u1', env.outbox.last()!.code!);
    if (!ok.ok) throw new Error(ok.error);
    env.clock.advance(30_000);
  }

  it('a code signed by the old secret verifies on an instance listing [new, old]', async () => {
    const env = fleet();
    await enrollWith(env, OLD);
    const old = env.make(OLD);
    expect(await old.startChallenge('u1')).toMatchObject({ ok: true });
    const code = env.outbox.last()!.code!;
    const rotated = env.make([NEW, OLD]);
    expect(await rotated.verify('u1', code)).toMatchObject({ ok: true, purpose: 'sign_in' });
  });

  it('a wrong code is still refused under the rotated list', async () => {
    const env = fleet();
    await enrollWith(env, OLD);
    await env.make(OLD).startChallenge('u1');
    const code = env.outbox.last()!.code!;
    const rotated = env.make([NEW, OLD]);
    expect(await rotated.verify('u1', wrong(code))).toEqual(expect.objectContaining({ ok: false, error: 'code_mismatch', attemptsLeft: 3 }));
    expect(await rotated.verify('u1', code)).toMatchObject({ ok: true });
  });

  it('a secret anywhere in the list verifies (old one in third position)', async () => {
    const env = fleet();
    await enrollWith(env, OLD);
    await env.make(OLD).startChallenge('u1');
    const code = env.outbox.last()!.code!;
    expect(await env.make([NEWER, NEW, OLD]).verify('u1', code)).toMatchObject({ ok: true });
  });

  it('the first secret of the list signs: [new, old] codes verify with new alone, not with old alone', async () => {
    const env = fleet();
    await enrollWith(env, [NEW, OLD]);
    await env.make([NEW, OLD]).startChallenge('u1');
    const code = env.outbox.last()!.code!;
    expect(await env.make(OLD).verify('u1', code)).toMatchObject({ ok: false, error: 'code_mismatch' });
    expect(await env.make(NEW).verify('u1', code)).toMatchObject({ ok: true });
  });

  it('an instance that no longer lists the old secret refuses a code it signed', async () => {
    const env = fleet();
    await enrollWith(env, OLD);
    await env.make(OLD).startChallenge('u1');
    const code = env.outbox.last()!.code!;
    const retired = env.make([NEW]);
    expect(await retired.verify('u1', code)).toMatchObject({ ok: false, error: 'code_mismatch', attemptsLeft: 3 });
    expect(await retired.getStatus('u1')).toMatchObject({ failures: 1 });
    // The refusal counted as a wrong entry, but the code itself is intact for an instance that still knows the secret.
    expect(await env.make([NEW, OLD]).verify('u1', code)).toMatchObject({ ok: true });
  });
});

describe('leak spy: no code outside the SMS body, no full number outside `to`', () => {
  const NUMBER_FORMS = [
    '+14155552671', '14155552671', '4155552671', '415 555 2671', '415-555-2671', '(415) 555-2671', '415.555.2671', '5552671', '555-2671',
    '+14155550100', '4155550100', '415 555 0100', '415-555-0100', '5550100', '555-0100',
  ];
  let spy: LeakSpy | undefined;
  afterEach(() => spy?.restore());

  it('the scanner itself finds planted leaks (so a clean result means something)', () => {
    const code = generateCode(6);
    const planted: Captured[] = [
      { where: 'a', text: `your code ${code}!` },
      { where: 'b', text: 'to +14155552671' },
      { where: 'c', text: 'to (415) 555-2671' },
      { where: 'd', text: '+1 ••• ••• 2671 at 1767225600000' },
    ];
    const leaks = findLeaks(planted, [code], NUMBER_FORMS);
    expect([...new Set(leaks.map((l) => l.where))].sort()).toEqual(['a', 'b', 'c']);
    expect(leaks.find((l) => l.where === 'a')?.found).toBe(`code ${code}`);
  });

  it('a full flow leaks nothing through events, results, errors, state writes or console', async () => {
    const stateWrites: Captured[] = [];
    const clock = fakeClock();
    const mem = memoryStores({ clock });
    const recording: StateStore = {
      read: (k) => mem.state.read(k),
      write: (k, v, e, t) => {
        stateWrites.push({ where: `state write ${k}`, text: `${k} ${v ?? '<delete>'}` });
        return mem.state.write(k, v, e, t);
      },
    };
    const outbox = outboxSender();
    spy = leakSpy(outbox);
    const s = spy;
    const mfa = createMfa({
      stores: { factors: mem.factors, state: recording },
      senders: { sms: s.sender },
      secret: SECRET,
      appName: 'Acme',
      clock,
      isAdmin: (id) => id === 'admin',
    });
    s.attach(mfa);
    // A host listener that throws with the payload: mfakit reports it on the console.
    mfa.on('code.sent', (e) => {
      throw new Error(`host listener broke on ${JSON.stringify(e)}`);
    });
    const r = s.result.bind(s);
    const step = () => clock.advance(30_000);

    // Enrollment, with a wrong confirmation first.
    expect(await r('enroll', () => mfa.enrollSms('u1', '+1 415 555 2671'))).toMatchObject({ ok: true, maskedPhone: '+1 ••• ••• 2671' });
    const enrollCode = s.lastCode();
    expect(await r('confirm wrong', () => mfa.confirmEnrollment('u1', wrong(enrollCode)))).toMatchObject({ error: 'code_mismatch' });
    const confirmed = await r('confirm', () => mfa.confirmEnrollment('u1', enrollCode));
    if (!confirmed.ok) throw new Error(confirmed.error);
    const factorId = confirmed.factorId;
    await r('requiresMfa', () => mfa.requiresMfa('u1'));
    await r('listFactors', () => mfa.listFactors('u1'));
    await r('enroll bad number', () => mfa.enrollSms('u9', '+61 2 9374 4000'));
    await r('enroll garbage number', () => mfa.enrollSms('u9', '+1 415 555 267'));
    step();

    // Sign-in: wrong codes, cooldown, resend, a failed delivery, success.
    await r('start', () => mfa.startChallenge('u1'));
    const a = s.lastCode();
    await r('wrong 1', () => mfa.verify('u1', wrong(a)));
    await r('wrong 2', () => mfa.verify('u1', wrong(a)));
    await r('malformed', () => mfa.verify('u1', 'abc'));
    expect(await r('resend early', () => mfa.resend('u1'))).toMatchObject({ error: 'resend_cooldown' });
    step();
    await r('resend', () => mfa.resend('u1'));
    const b = s.lastCode();
    step();
    s.failNext(1);
    expect(await r('resend failing', () => mfa.resend('u1'))).toEqual({ ok: false, error: 'delivery_failed' });
    await r('status', () => mfa.getStatus('u1'));
    expect(await r('verify b', () => mfa.verify('u1', b))).toMatchObject({ ok: true });
    step();

    // Exhaust one code, then lock on another.
    await r('start c', () => mfa.startChallenge('u1'));
    const c = s.lastCode();
    for (let i = 0; i < 4; i++) await r(`c wrong ${i}`, () => mfa.verify('u1', wrong(c)));
    expect(await r('c dead', () => mfa.verify('u1', c))).toMatchObject({ error: 'code_exhausted' });
    step();
    await r('start d', () => mfa.startChallenge('u1'));
    const d = s.lastCode();
    for (let i = 0; i < 4; i++) await r(`d wrong ${i}`, () => mfa.verify('u1', wrong(d)));
    expect(await r('locked verify', () => mfa.verify('u1', d))).toMatchObject({ error: 'locked_out' });
    expect(await r('locked start', () => mfa.startChallenge('u1'))).toMatchObject({ error: 'locked_out' });
    expect(await r('locked resend', () => mfa.resend('u1'))).toMatchObject({ error: 'locked_out' });
    expect(await r('locked status', () => mfa.getStatus('u1'))).toMatchObject({ locked: true });
    await r('unlock', () => mfa.unlock('u1'));
    await r('status after unlock', () => mfa.getStatus('u1'));
    step();
    await r('start e', () => mfa.startChallenge('u1'));
    const e = s.lastCode();
    expect(await r('verify e padded', () => mfa.verify('u1', ` ${e} `))).toMatchObject({ ok: true });

    // Factors: preferred, a second number, channel switch, STOP, removal.
    await r('prefer', () => mfa.setPreferred('u1', factorId));
    step();
    await r('enroll second', () => mfa.enrollSms('u1', '(415) 555-0100', { country: 'US' }));
    const second = await r('confirm second', () => mfa.confirmEnrollment('u1', s.lastCode()));
    if (!second.ok) throw new Error(second.error);
    await mfa.setChannelEnabled('sms', false);
    await r('start while off', () => mfa.startChallenge('u1'));
    await mfa.setChannelEnabled('sms', true);
    expect(await r('opt out', () => mfa.handleOptOut('+1 (415) 555-2671'))).toEqual({ ok: true, invalidated: 1 });
    await r('opt out garbage', () => mfa.handleOptOut('not a number'));
    await r('list after opt out', () => mfa.listFactors('u1'));
    await r('remove second', () => mfa.removeFactor('u1', second.factorId));
    await r('remove first', () => mfa.removeFactor('u1', factorId));
    await r('remove missing', () => mfa.removeFactor('u1', 'f_missing'));
    await r('prefer missing', () => mfa.setPreferred('u1', 'f_missing'));

    // Exceptions.
    await r('exception add', () => mfa.exceptions.add('u2', { by: 'admin-1', reason: 'kiosk', expiresAt: clock.now() + 60_000 }));
    await r('exception has', () => mfa.exceptions.has('u2'));
    await r('exception list', () => mfa.exceptions.list());
    await r('requiresMfa u2', () => mfa.requiresMfa('u2'));
    await r('exception remove', () => mfa.exceptions.remove('u2'));
    expect(await r('exception admin', () => mfa.exceptions.add('admin', { by: 'root', reason: 'no' }))).toMatchObject({ error: 'exception_not_allowed' });

    // Another user on the same number, typed in national format.
    await r('enroll u3', () => mfa.enrollSms('u3', '415-555-2671', { country: 'US' }));
    await r('status u3', () => mfa.getStatus('u3'));
    await r('list u3', () => mfa.listFactors('u3'));

    // Thrown errors: misuse, and a state store that fails.
    await s.error('verify number code', () => mfa.verify('u1', Number(e) as unknown as string));
    await s.error('enroll number phone', () => mfa.enrollSms('u1', 4155552671 as unknown as string));
    await s.error('enroll empty user', () => mfa.enrollSms('', PHONE));
    await s.error('enroll long user', () => mfa.enrollSms('x'.repeat(5000), PHONE));
    await s.error('start bad factor', () => mfa.startChallenge('u3', { factorId: 42 as unknown as string }));
    await s.error('exception past', () => mfa.exceptions.add('u2', { by: 'a', reason: 'r', expiresAt: 0 }));
    await s.error('bad options', () => createMfa({ stores: mem, senders: { sms: s.sender }, secret: 'short' }));
    const failing = createMfa({
      stores: {
        factors: mem.factors,
        state: { read: async () => { throw new Error('disk on fire'); }, write: async () => { throw new Error('disk on fire'); } },
      },
      senders: { sms: s.sender },
      secret: SECRET,
      clock,
    });
    s.attach(failing);
    await s.error('store failed start', () => failing.startChallenge('u3'));
    await s.error('store failed status', () => failing.getStatus('u1'));
    await s.error('store failed verify', () => failing.verify('u1', e));

    // The flow really exercised what it claims.
    const codes = s.codes();
    expect(codes.size).toBeGreaterThanOrEqual(8);
    expect(s.calls.every((m) => m.to === PHONE || m.to === '+14155550100')).toBe(true);
    for (const code of codes) expect(s.calls.some((m) => m.body.includes(code))).toBe(true);
    expect([...s.eventsSeen].sort()).toEqual(
      ['channel.changed', 'code.exhausted', 'code.sent', 'delivery.failed', 'exception.added', 'exception.removed', 'factor.enrolled',
        'factor.invalidated', 'factor.removed', 'preferred.changed', 'user.locked', 'user.unlocked', 'verification.failed',
        'verification.succeeded'].sort(),
    );
    expect(s.captured.some((c) => c.where.startsWith('console.') && c.text.includes('host listener broke'))).toBe(true);
    expect(s.captured.some((c) => c.where.startsWith('error ') && c.text.includes('disk on fire'))).toBe(true);
    expect(s.captured.some((c) => c.text.includes('+1 ••• ••• 2671'))).toBe(true);

    const leaks = findLeaks([...s.captured, ...stateWrites], codes, NUMBER_FORMS);
    expect(leaks).toEqual([]);
  });
});

describe('10^5 generated codes', () => {
  const N = 100_000;
  const codes = Array.from({ length: N }, () => generateCode(6));

  it('are all exactly 6 ASCII digits', () => {
    const bad = codes.filter((c) => !/^\d{6}$/.test(c));
    expect(bad).toEqual([]);
  });

  it('keep leading zeros: about 10% start with 0', () => {
    const share = codes.filter((c) => c.startsWith('0')).length / N;
    expect(share).toBeGreaterThan(0.085);
    expect(share).toBeLessThan(0.115);
  });

  it('each digit position is roughly uniform (every digit 8%..12% at every position)', () => {
    for (let pos = 0; pos < 6; pos++) {
      const counts = new Array<number>(10).fill(0);
      for (const c of codes) counts[c.charCodeAt(pos) - 48]! += 1;
      for (let digit = 0; digit < 10; digit++) {
        const share = counts[digit]! / N;
        expect(share, `digit ${digit} at position ${pos}`).toBeGreaterThan(0.08);
        expect(share, `digit ${digit} at position ${pos}`).toBeLessThan(0.12);
      }
    }
  });

  it('are not repetitive: the number of distinct codes is what 10^5 uniform draws from 10^6 give', () => {
    // Expected distinct ≈ 10^6 · (1 − e^−0.1) ≈ 95 163 (sd ≈ 70).
    const distinct = new Set(codes).size;
    expect(distinct).toBeGreaterThan(94_000);
    expect(distinct).toBeLessThan(96_500);
  });

  it('other lengths keep their length, including past 12 digits', () => {
    for (const len of [4, 8, 10, 13, 20]) {
      for (let i = 0; i < 200; i++) expect(generateCode(len)).toMatch(new RegExp(`^\\d{${len}}$`));
    }
  });
});
