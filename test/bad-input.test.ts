import { describe, expect, it } from 'vitest';
import { createMfa, MfaError, type Mfa } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { outboxSender } from '../src/testing/index.js';
import { CodeHasher } from '../src/factors/code.js';
import { serialize } from './helpers/leak-spy.js';
import { enrolled, PHONE, SECRET, setup, wrong } from './helpers/setup.js';

/** Runs a call that must fail; returns what it threw or rejected with (sync throw or rejection both count). */
async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

async function expectInvalidArgument(run: () => unknown, field: string | RegExp) {
  const err = await thrown(run);
  expect(err).toBeInstanceOf(MfaError);
  const e = err as MfaError;
  expect(e.code).toBe('invalid_argument');
  expect(e.message).toMatch(field);
  // A clear sentence, never an echo of a huge input.
  expect(e.message.length).toBeLessThan(200);
}

const any = (v: unknown) => v as string;

const BAD_IDS: [string, unknown][] = [
  ['empty', ''],
  ['blank', '   '],
  ['5 000 chars', 'x'.repeat(5000)],
  ['control chars', 'u1\u0000'],
  ['number', 42],
  ['null', null],
  ['undefined', undefined],
  ['object', { id: 'u1' }],
  ['array', ['u1']],
  ['boolean', true],
];

/** Every public method that takes a user id, called with `id` in that position and good other arguments. */
function callsWith(mfa: Mfa, id: unknown): [string, () => unknown][] {
  const u = any(id);
  return [
    ['enrollSms', () => mfa.enrollSms(u, PHONE)],
    ['confirmEnrollment', () => mfa.confirmEnrollment(u, '123456')],
    ['requiresMfa', () => mfa.requiresMfa(u)],
    ['startChallenge', () => mfa.startChallenge(u)],
    ['resend', () => mfa.resend(u)],
    ['verify', () => mfa.verify(u, '123456')],
    ['listFactors', () => mfa.listFactors(u)],
    ['setPreferred', () => mfa.setPreferred(u, 'f1')],
    ['removeFactor', () => mfa.removeFactor(u, 'f1')],
    ['unlock', () => mfa.unlock(u)],
    ['getStatus', () => mfa.getStatus(u)],
    ['exceptions.add', () => mfa.exceptions.add(u, { by: 'admin', reason: 'test' })],
    ['exceptions.remove', () => mfa.exceptions.remove(u)],
    ['exceptions.has', () => mfa.exceptions.has(u)],
  ];
}

/** Everything observable about u1, to prove a refused call changed nothing. */
async function snapshot(env: Awaited<ReturnType<typeof enrolled>>) {
  const dest = `dest:${new CodeHasher([SECRET]).destinationKey(PHONE)}`;
  return {
    user: await env.stores.state.read('user:u1'),
    dest: await env.stores.state.read(dest),
    size: env.stores.state.size(),
    sent: env.outbox.messages.length,
    factors: await env.stores.factors.listFactors('u1'),
    preferred: await env.stores.factors.getPreferred('u1'),
    exceptions: await env.stores.factors.listExceptions(),
  };
}

describe('bad user ids from JavaScript callers', () => {
  for (const [label, id] of BAD_IDS) {
    it(`${label} user id → MfaError('invalid_argument') naming userId, on every method, and nothing is stored or sent`, async () => {
      const { mfa, stores, outbox } = setup();
      for (const [method, run] of callsWith(mfa, id)) {
        const err = await thrown(run);
        expect(err, method).toBeInstanceOf(MfaError);
        expect((err as MfaError).code, method).toBe('invalid_argument');
        expect((err as MfaError).message, method).toMatch(/userId/);
        expect((err as MfaError).message.length, method).toBeLessThan(200);
      }
      expect(stores.state.size()).toBe(0);
      expect(outbox.messages).toHaveLength(0);
      expect(await stores.factors.listExceptions()).toEqual([]);
    });
  }

  it('an enrolled user with a live code is untouched by a burst of bad calls', async () => {
    const env = await enrolled();
    await env.mfa.startChallenge('u1');
    const code = env.outbox.last()!.code!;
    const before = await snapshot(env);
    for (const [, id] of BAD_IDS) {
      for (const [, run] of callsWith(env.mfa, id)) await thrown(run);
    }
    expect(await snapshot(env)).toEqual(before);
    expect(await env.mfa.verify('u1', code)).toMatchObject({ ok: true });
  });

  it('startChallenge and verify answer a bad argument with a rejected promise, never a synchronous throw', async () => {
    const { mfa, outbox } = setup();
    const calls: [string, () => Promise<unknown>][] = [
      ['startChallenge userId', () => mfa.startChallenge(any(42))],
      ['startChallenge options', () => mfa.startChallenge('u1', 'x' as unknown as { locale: string })],
      ['startChallenge factorId', () => mfa.startChallenge('u1', { factorId: '' })],
      ['startChallenge locale', () => mfa.startChallenge('u1', { locale: 'not a locale' })],
      ['verify userId', () => mfa.verify(any(null), '123456')],
      ['verify code', () => mfa.verify('u1', any(7))],
      ['verify trustDevice', () => mfa.verify('u1', '123456', { trustDevice: 'yes' as unknown as boolean })],
    ];
    for (const [what, call] of calls) {
      let answered: Promise<unknown> | undefined;
      expect(() => {
        answered = call();
      }, what).not.toThrow();
      await expect(answered, what).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    expect(outbox.messages).toHaveLength(0);
  });
});

describe('other arguments of the wrong type or size', () => {
  it('codes that are not strings → invalid_argument naming code, nothing counted', async () => {
    const env = await enrolled();
    await env.mfa.startChallenge('u1');
    const before = await snapshot(env);
    for (const v of [123456, null, undefined, {}, ['123456'], 1e6]) {
      await expectInvalidArgument(() => env.mfa.verify('u1', any(v)), /code/);
      await expectInvalidArgument(() => env.mfa.confirmEnrollment('u1', any(v)), /code/);
    }
    expect(await snapshot(env)).toEqual(before);
  });

  it('phone numbers that are not strings → invalid_argument naming the parameter', async () => {
    const { mfa, stores, outbox } = setup();
    for (const v of [4155552671, null, undefined, { to: PHONE }]) {
      // enrollSms(userId) without a number is a re-enrollment (no_verified_number here), not a bad argument.
      if (v !== undefined) await expectInvalidArgument(() => mfa.enrollSms('u1', any(v)), /phone/);
      await expectInvalidArgument(() => mfa.handleOptOut(any(v)), /phone/i);
    }
    expect(await mfa.enrollSms('u1', undefined)).toEqual({ ok: false, error: 'no_verified_number' });
    expect(stores.state.size()).toBe(0);
    expect(outbox.messages).toHaveLength(0);
    expect(await stores.factors.listFactors('u1')).toEqual([]);
  });

  it('bad factor ids → invalid_argument naming factorId', async () => {
    const env = await enrolled();
    const before = await snapshot(env);
    for (const v of ['', 'x'.repeat(5000), 42, {}, undefined]) {
      await expectInvalidArgument(() => env.mfa.removeFactor('u1', any(v)), /factorId/);
      if (v !== undefined) await expectInvalidArgument(() => env.mfa.startChallenge('u1', { factorId: any(v) }), /factorId/);
    }
    for (const v of ['', 'x'.repeat(5000), 42, {}]) await expectInvalidArgument(() => env.mfa.setPreferred('u1', any(v)), /factorId/);
    expect(await snapshot(env)).toEqual(before);
  });

  it('bad option objects, locales and countries → invalid_argument, nothing sent', async () => {
    const env = await enrolled();
    const before = await snapshot(env);
    const o = (v: unknown) => v as { locale?: string };
    await expectInvalidArgument(() => env.mfa.startChallenge('u1', o('sms')), /options/);
    await expectInvalidArgument(() => env.mfa.startChallenge('u1', o(null)), /options/);
    await expectInvalidArgument(() => env.mfa.resend('u1', o(5)), /options/);
    await expectInvalidArgument(() => env.mfa.enrollSms('u1', PHONE, o([])), /options/);
    await expectInvalidArgument(() => env.mfa.startChallenge('u1', { locale: 'x'.repeat(5000) }), /locale/);
    await expectInvalidArgument(() => env.mfa.startChallenge('u1', o({ locale: 42 })), /locale/);
    await expectInvalidArgument(() => env.mfa.enrollSms('u1', PHONE, { country: 'USA' as 'US' }), /country/);
    await expectInvalidArgument(() => env.mfa.enrollSms('u1', PHONE, { country: 7 as unknown as 'US' }), /country/);
    expect(await snapshot(env)).toEqual(before);
  });

  it('bad exception entries → invalid_argument naming the field, nothing added', async () => {
    const { mfa, stores } = setup();
    const add = (e: unknown) => () => mfa.exceptions.add('u2', e as { by: string; reason: string });
    await expectInvalidArgument(add(null), /exception/);
    await expectInvalidArgument(add('kiosk'), /exception/);
    await expectInvalidArgument(add({ by: '', reason: 'r' }), /by/);
    await expectInvalidArgument(add({ by: 'a', reason: 'r'.repeat(5000) }), /reason/);
    await expectInvalidArgument(add({ by: 'a', reason: 'r', expiresAt: 'tomorrow' }), /expiresAt/);
    await expectInvalidArgument(add({ by: 'a', reason: 'r', expiresAt: Number.NaN }), /expiresAt/);
    await expectInvalidArgument(add({ by: 'a', reason: 'r', expiresAt: 0 }), /expiresAt/);
    expect(await stores.factors.listExceptions()).toEqual([]);
  });

  it('setChannelEnabled with a bad channel, flag or audit note → invalid_argument, the channel stays on', async () => {
    const { mfa } = setup();
    await expect(mfa.setChannelEnabled('fax' as 'sms', false)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(mfa.setChannelEnabled('sms', 'no' as unknown as boolean)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(mfa.setChannelEnabled('sms', false, { by: 7 as unknown as string })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/by/) });
    await expect(mfa.setChannelEnabled('sms', false, { reason: 'x'.repeat(501) })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/reason/) });
    await expect(mfa.setChannelEnabled('sms', false, 'ops' as unknown as { by: string })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect((await mfa.getSettings()).channels.sms).toEqual({ enabled: true });
  });

  it('setChannelEnabled names every kind in its refusal', async () => {
    const { mfa } = setup();
    await expect(mfa.setChannelEnabled('fax' as 'sms', false)).rejects.toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: 'channel must be one of sms, voice, email, totp, backup' }),
    );
  });

  it('a 5 000-char phone number → invalid_phone_number, nothing stored or sent', async () => {
    const { mfa, stores, outbox } = setup();
    const long = `+1${'4'.repeat(4998)}`;
    expect(await mfa.enrollSms('u1', long)).toEqual({ ok: false, error: 'invalid_phone_number', reason: 'too_long' });
    expect(await mfa.enrollSms('u1', '+1 415 555 2671 '.repeat(300))).toEqual({ ok: false, error: 'invalid_phone_number', reason: 'too_long' });
    expect(await mfa.handleOptOut(long)).toEqual({ ok: false, error: 'invalid_phone_number' });
    expect(await mfa.enrollSms('u1', '')).toEqual({ ok: false, error: 'invalid_phone_number' });
    expect(stores.state.size()).toBe(0);
    expect(outbox.messages).toHaveLength(0);
    expect(await stores.factors.listFactors('u1')).toEqual([]);
  });
});

describe('malformed codes: refused with malformed_code, counting nothing', () => {
  const MALFORMED = [
    '12a456', '', ' ', '１２３４５６', '12345６', '٠١٢٣٤٥', '12345', '1234567', '12 456', '-12345', '+12345', '1e5000', '0x1E24',
    '123.45', 'x'.repeat(5000), '1'.repeat(5000),
  ];

  it('each malformed code → malformed_code; failures and attemptsLeft unchanged; the right code still works', async () => {
    const { mfa, outbox } = await enrolled();
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    for (const bad of MALFORMED) {
      expect(await mfa.verify('u1', bad), JSON.stringify(bad.slice(0, 20))).toEqual({ ok: false, error: 'malformed_code' });
    }
    // Many more than the lockout threshold: still nothing counted.
    for (let i = 0; i < 20; i++) expect(await mfa.verify('u1', 'abcdef')).toMatchObject({ error: 'malformed_code' });
    const status = await mfa.getStatus('u1');
    expect(status).toMatchObject({ locked: false, failures: 0, consecutiveFailures: 0, pending: { attemptsLeft: 4 } });
    expect(await mfa.verify('u1', code)).toMatchObject({ ok: true });
  });

  it('malformed confirmation codes count nothing either', async () => {
    const { mfa, outbox } = setup();
    await mfa.enrollSms('u1', PHONE);
    const code = outbox.last()!.code!;
    for (const bad of MALFORMED) expect(await mfa.confirmEnrollment('u1', bad)).toEqual({ ok: false, error: 'malformed_code' });
    expect(await mfa.getStatus('u1')).toMatchObject({ failures: 0, pending: { purpose: 'enroll', attemptsLeft: 4 } });
    expect(await mfa.confirmEnrollment('u1', code)).toMatchObject({ ok: true });
  });

  it('surrounding whitespace is trimmed: " 123456 " is a well-formed entry (right → ok, wrong → counted)', async () => {
    const { mfa, outbox } = await enrolled();
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    expect(await mfa.verify('u1', ` ${wrong(code)} `)).toMatchObject({ ok: false, error: 'code_mismatch', attemptsLeft: 3 });
    expect(await mfa.verify('u1', `\t${code}\n`)).toMatchObject({ ok: true });
  });
});

describe('createMfa option validation', () => {
  const base = () => ({ stores: memoryStores(), senders: { sms: outboxSender() }, secret: SECRET });
  const SHORT = 'short-secret-XYZ';

  function optionsError(input: unknown): MfaError {
    let err: unknown;
    try {
      createMfa(input as Parameters<typeof createMfa>[0]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MfaError);
    expect((err as MfaError).code).toBe('invalid_options');
    return err as MfaError;
  }

  const CASES: [string, () => unknown, RegExp][] = [
    ['missing secret', () => ({ ...base(), secret: undefined }), /\bsecret\b/],
    ['short secret', () => ({ ...base(), secret: SHORT }), /\bsecret\b.*32/],
    ['short secret in a rotation list', () => ({ ...base(), secret: [SECRET, SHORT] }), /\bsecret\b/],
    ['empty secret list', () => ({ ...base(), secret: [] }), /\bsecret\b/],
    ['numeric secret', () => ({ ...base(), secret: 1234567890 }), /\bsecret\b/],
    ["code.length 'six'", () => ({ ...base(), code: { length: 'six' } }), /code\.length/],
    ['code.length 3', () => ({ ...base(), code: { length: 3 } }), /code\.length/],
    ['lockout.maxFailures -1', () => ({ ...base(), lockout: { maxFailures: -1 } }), /lockout\.maxFailures/],
    ['sending.cooldownMs NaN', () => ({ ...base(), sending: { cooldownMs: Number.NaN } }), /sending\.cooldownMs/],
    ['senders.sms without send', () => ({ ...base(), senders: { sms: { name: 'nope' } } }), /senders\.sms/],
    ['stores missing', () => ({ ...base(), stores: undefined }), /\bstores\b/],
    ['stores.state without write', () => ({ ...base(), stores: { factors: memoryStores().factors, state: { read: async () => null } } }), /stores\.state/],
    ['clock without now', () => ({ ...base(), clock: { now: 5 } }), /\bclock\b/],
    ['bad allowed country', () => ({ ...base(), phone: { allowedCountries: ['usa'] } }), /phone\.allowedCountries/],
    ['options null', () => null, /options/],
  ];

  for (const [label, input, field] of CASES) {
    it(`${label} → MfaError('invalid_options') naming the field, without the secret`, () => {
      const err = optionsError(input());
      expect(err.message).toMatch(field);
      const everything = serialize(err); // message, stack and the zod cause
      expect(everything).not.toContain(SECRET);
      expect(everything).not.toContain(SHORT);
      expect(err.cause).toBeDefined();
    });
  }

  it('the memory store refuses a bad maxKeys with invalid_options', () => {
    expect(() => memoryStores({ maxKeys: -1 })).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });
});
