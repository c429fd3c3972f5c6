import { describe, expect, it } from 'vitest';
import { CodeHasher } from '../src/factors/code.js';
import { createMfa, MfaError, type MfaEventMap } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { fakeClock, outboxSender } from '../src/testing/index.js';
import { faultyFactors, faultyState } from './helpers/store-wrappers.js';
import { PHONE, SECRET, wrong } from './helpers/setup.js';

const SECOND = '+14155550100';
const DEST_KEY = `dest:${new CodeHasher([SECRET]).destinationKey(PHONE)}`;

/** u1 enrolled on +14155552671 (cooldown elapsed), over stores whose faults can be switched on. */
async function faulty() {
  const clock = fakeClock();
  const mem = memoryStores({ clock });
  const state = faultyState(mem.state);
  const factors = faultyFactors(mem.factors);
  const outbox = outboxSender();
  const mfa = createMfa({ stores: { factors, state }, senders: { sms: outbox }, secret: SECRET, appName: 'Acme', clock, isAdmin: () => false });
  const events: { name: keyof MfaEventMap; payload: unknown }[] = [];
  for (const name of ['code.sent', 'delivery.failed', 'user.unlocked', 'verification.succeeded', 'factor.enrolled'] as const) {
    mfa.on(name, (payload) => events.push({ name, payload }));
  }
  await mfa.enrollSms('u1', PHONE);
  const ok = await mfa.confirmEnrollment('u1', outbox.last()!.code!);
  if (!ok.ok) throw new Error(ok.error);
  clock.advance(30_000);
  events.length = 0;
  return { mfa, clock, mem, state, factors, outbox, events, factorId: ok.factorId };
}

/** Expects `run` to reject (or throw) MfaError('store_failed') whose cause is `cause` (or satisfies it). */
async function expectStoreFailed(run: () => unknown, cause?: unknown): Promise<MfaError> {
  let err: unknown;
  try {
    const value = await run();
    throw new Error(`expected store_failed, resolved ${JSON.stringify(value)}`);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MfaError);
  expect((err as MfaError).code).toBe('store_failed');
  if (cause !== undefined) expect((err as MfaError).cause).toBe(cause);
  else expect((err as MfaError).cause).toBeDefined();
  return err as MfaError;
}

/** Overwrites a key of the memory state store with `value`, keeping it alive for an hour. */
async function corrupt(mem: ReturnType<typeof memoryStores>, key: string, value: string) {
  const rec = await mem.state.read(key);
  expect(await mem.state.write(key, value, rec?.version ?? null, 3_600_000)).toBe(true);
}

/** Every call that reads or writes the user's state record. */
const STATE_OPS: [string, (env: Awaited<ReturnType<typeof faulty>>) => unknown][] = [
  ['startChallenge', ({ mfa }) => mfa.startChallenge('u1')],
  ['verify', ({ mfa }) => mfa.verify('u1', '123456')],
  ['resend', ({ mfa }) => mfa.resend('u1')],
  ['enrollSms', ({ mfa }) => mfa.enrollSms('u1', SECOND)],
  ['confirmEnrollment', ({ mfa }) => mfa.confirmEnrollment('u1', '123456')],
  ['unlock', ({ mfa }) => mfa.unlock('u1')],
  ['getStatus', ({ mfa }) => mfa.getStatus('u1')],
];

describe('a StateStore whose read rejects', () => {
  for (const [name, op] of STATE_OPS) {
    it(`${name} → MfaError('store_failed') with the store's error as cause, no SMS`, async () => {
      const env = await faulty();
      await env.mfa.startChallenge('u1'); // a live code, so every op has something to read
      env.clock.advance(30_000);
      env.events.length = 0;
      const sent = env.outbox.messages.length;
      const boom = new Error('redis: connection reset');
      env.state.faults = { readError: boom };
      await expectStoreFailed(() => op(env), boom);
      expect(env.outbox.messages).toHaveLength(sent);
      expect(env.events.filter((e) => e.name === 'code.sent' || e.name === 'user.unlocked')).toHaveLength(0);
    });
  }
});

describe('a StateStore whose write rejects', () => {
  it('startChallenge → store_failed, no SMS; afterwards the cooldown is free', async () => {
    const env = await faulty();
    const boom = new Error('disk full');
    env.state.faults = { writeError: boom };
    await expectStoreFailed(() => env.mfa.startChallenge('u1'), boom);
    expect(env.outbox.messages).toHaveLength(1); // the enrollment code only
    env.state.faults = {};
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true });
  });

  it('verify (wrong and right code) → store_failed, never ok; nothing was counted or consumed', async () => {
    const env = await faulty();
    await env.mfa.startChallenge('u1');
    const code = env.outbox.last()!.code!;
    const boom = new Error('disk full');
    env.state.faults = { writeError: boom };
    await expectStoreFailed(() => env.mfa.verify('u1', wrong(code)), boom);
    await expectStoreFailed(() => env.mfa.verify('u1', code), boom);
    expect(env.events.filter((e) => e.name === 'verification.succeeded')).toHaveLength(0);
    env.state.faults = {};
    expect(await env.mfa.getStatus('u1')).toMatchObject({ failures: 0, pending: { attemptsLeft: 4 } });
    expect(await env.mfa.verify('u1', code)).toMatchObject({ ok: true });
  });

  it('resend → store_failed, no SMS, the live code still valid', async () => {
    const env = await faulty();
    await env.mfa.startChallenge('u1');
    const code = env.outbox.last()!.code!;
    env.clock.advance(30_000);
    const boom = new Error('disk full');
    env.state.faults = { writeError: boom };
    await expectStoreFailed(() => env.mfa.resend('u1'), boom);
    expect(env.outbox.messages).toHaveLength(2);
    env.state.faults = {};
    expect(await env.mfa.verify('u1', code)).toMatchObject({ ok: true });
  });

  it('enrollSms → store_failed, no SMS, no pending factor left behind', async () => {
    const env = await faulty();
    const boom = new Error('disk full');
    env.state.faults = { writeError: boom };
    await expectStoreFailed(() => env.mfa.enrollSms('u1', SECOND), boom);
    expect(env.outbox.messages).toHaveLength(1);
    env.state.faults = {};
    expect((await env.mfa.listFactors('u1')).factors.map((f) => f.status)).toEqual(['active']);
  });

  it('confirmEnrollment with the right code → store_failed, the factor stays pending', async () => {
    const env = await faulty();
    await env.mfa.enrollSms('u1', SECOND);
    const code = env.outbox.last()!.code!;
    const boom = new Error('disk full');
    env.state.faults = { writeError: boom };
    await expectStoreFailed(() => env.mfa.confirmEnrollment('u1', code), boom);
    expect(env.events.filter((e) => e.name === 'factor.enrolled')).toHaveLength(0);
    env.state.faults = {};
    expect((await env.mfa.listFactors('u1')).factors.map((f) => f.status)).toEqual(['active', 'pending']);
  });

  it('unlock → store_failed, no user.unlocked event, the lock stays', async () => {
    const env = await faulty();
    for (let round = 0; round < 2; round++) {
      await env.mfa.startChallenge('u1');
      const code = env.outbox.last()!.code!;
      for (let i = 0; i < 4; i++) await env.mfa.verify('u1', wrong(code));
      env.clock.advance(30_000);
    }
    expect(await env.mfa.getStatus('u1')).toMatchObject({ locked: true });
    const boom = new Error('disk full');
    env.state.faults = { writeError: boom };
    await expectStoreFailed(() => env.mfa.unlock('u1'), boom);
    expect(env.events.filter((e) => e.name === 'user.unlocked')).toHaveLength(0);
    env.state.faults = {};
    expect(await env.mfa.getStatus('u1')).toMatchObject({ locked: true });
  });

  it('a failing destination-budget write → store_failed, no SMS, the issue is undone (cooldown free, no pending code)', async () => {
    const env = await faulty();
    const boom = new Error('dest shard down');
    env.state.faults = { writeError: boom, keys: (k) => k.startsWith('dest:') };
    await expectStoreFailed(() => env.mfa.startChallenge('u1'), boom);
    expect(env.outbox.messages).toHaveLength(1);
    expect((await env.mfa.getStatus('u1')).pending).toBeUndefined();
    env.state.faults = {};
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true });
    expect(env.outbox.messages).toHaveLength(2);
  });

  it('a failing destination-budget write during enrollment leaves no pending factor', async () => {
    const env = await faulty();
    const boom = new Error('dest shard down');
    env.state.faults = { writeError: boom, keys: (k) => k.startsWith('dest:') };
    await expectStoreFailed(() => env.mfa.enrollSms('u1', SECOND), boom);
    env.state.faults = {};
    expect((await env.mfa.listFactors('u1')).factors.map((f) => f.status)).toEqual(['active']);
    expect(env.outbox.messages).toHaveLength(1);
  });
});

describe('a FactorStore that rejects', () => {
  const OPS: [string, (env: Awaited<ReturnType<typeof faulty>>) => unknown][] = [
    ['startChallenge', ({ mfa }) => mfa.startChallenge('u1')],
    ['resend', ({ mfa }) => mfa.resend('u1')],
    ['enrollSms', ({ mfa }) => mfa.enrollSms('u1', SECOND)],
    ['requiresMfa', ({ mfa }) => mfa.requiresMfa('u1')],
    ['listFactors', ({ mfa }) => mfa.listFactors('u1')],
    ['getStatus', ({ mfa }) => mfa.getStatus('u1')],
    ['setPreferred', ({ mfa, factorId }) => mfa.setPreferred('u1', factorId)],
    ['removeFactor', ({ mfa, factorId }) => mfa.removeFactor('u1', factorId)],
    ['handleOptOut', ({ mfa }) => mfa.handleOptOut(PHONE)],
    ['exceptions.add', ({ mfa }) => mfa.exceptions.add('u2', { by: 'admin', reason: 'kiosk' })],
    ['exceptions.remove', ({ mfa }) => mfa.exceptions.remove('u2')],
    ['exceptions.has', ({ mfa }) => mfa.exceptions.has('u2')],
    ['exceptions.list', ({ mfa }) => mfa.exceptions.list()],
  ];
  for (const [name, op] of OPS) {
    it(`${name} → MfaError('store_failed') with the cause, no SMS`, async () => {
      const env = await faulty();
      await env.mfa.startChallenge('u1');
      env.clock.advance(30_000);
      const sent = env.outbox.messages.length;
      const boom = new Error('postgres: too many connections');
      env.factors.error = boom;
      await expectStoreFailed(() => op(env), boom);
      expect(env.outbox.messages).toHaveLength(sent);
    });
  }

  it('verify with the right code → store_failed, never ok', async () => {
    const env = await faulty();
    await env.mfa.startChallenge('u1');
    const code = env.outbox.last()!.code!;
    const boom = new Error('postgres down');
    env.factors.error = boom;
    await expectStoreFailed(() => env.mfa.verify('u1', code), boom);
    expect(env.events.filter((e) => e.name === 'verification.succeeded')).toHaveLength(0);
  });

  it('confirmEnrollment with the right code → store_failed, the factor is not activated', async () => {
    const env = await faulty();
    await env.mfa.enrollSms('u1', SECOND);
    const code = env.outbox.last()!.code!;
    const boom = new Error('postgres down');
    env.factors.error = boom;
    await expectStoreFailed(() => env.mfa.confirmEnrollment('u1', code), boom);
    expect(env.events.filter((e) => e.name === 'factor.enrolled')).toHaveLength(0);
    env.factors.error = undefined;
    expect((await env.mfa.listFactors('u1')).factors.map((f) => f.status)).toEqual(['active', 'pending']);
  });

  it('enrollSms whose pending factor cannot be saved sends nothing and frees the cooldown', async () => {
    const env = await faulty();
    env.factors.error = new Error('postgres down');
    await expectStoreFailed(() => env.mfa.enrollSms('u1', SECOND));
    expect(env.outbox.messages).toHaveLength(1);
    env.factors.error = undefined;
    expect(await env.mfa.enrollSms('u1', SECOND)).toMatchObject({ ok: true });
  });
});

describe('a state record that is garbage', () => {
  /** Undecodable records: bad JSON, not an object, fields of the wrong type. */
  const GARBAGE = ['not json', '', '{', 'null', '42', '"user"', 'true', '{"F":"x"}', '{"lu":"soon"}', '{"c":{"i":1}}', '{"c":null}', '{"s":[1,"a"]}'];
  /** Valid JSON of the wrong shape for a user record: must fail too, never read as "no state". */
  const WRONG_SHAPE = ['[]', '[1,2,3]', '{"hl":true}', '{"lu":1e999}'];
  /** Well-formed JSON that mfakit never writes (issue "What a new user hits", item 8): an empty record, unknown fields, negative counts. */
  const NOT_WRITTEN = ['{}', '{"b":5}', '{"F":-5,"lf":0}', '{"C":-100,"lf":0}', '{"F":1,"lf":0,"x":1}', '{"F":0,"lf":0}'];


  for (const [name, op] of STATE_OPS) {
    it(`${name} on a record mfakit never writes → store_failed, not "no state"`, async () => {
      const env = await faulty();
      for (const g of NOT_WRITTEN) {
        await corrupt(env.mem, 'user:u1', g);
        await expectStoreFailed(() => op(env));
      }
      expect(env.outbox.messages).toHaveLength(1);
    });

    it(`${name} on an unparsable record → store_failed, no SMS`, async () => {
      const env = await faulty();
      for (const g of GARBAGE) {
        await corrupt(env.mem, 'user:u1', g);
        await expectStoreFailed(() => op(env));
      }
      expect(env.outbox.messages).toHaveLength(1);
    });
  }

  async function lockedUser() {
    const env = await faulty();
    for (let round = 0; round < 2; round++) {
      await env.mfa.startChallenge('u1');
      const code = env.outbox.last()!.code!;
      for (let i = 0; i < 4; i++) await env.mfa.verify('u1', wrong(code));
      env.clock.advance(30_000);
    }
    expect(await env.mfa.getStatus('u1')).toMatchObject({ locked: true });
    return env;
  }

  it('a locked user whose record is corrupted (unparsable) is never treated as unlocked', async () => {
    const env = await lockedUser();
    const sent = env.outbox.messages.length;
    for (const g of GARBAGE) {
      await corrupt(env.mem, 'user:u1', g);
      await expectStoreFailed(() => env.mfa.startChallenge('u1'));
      await expectStoreFailed(() => env.mfa.verify('u1', '123456'));
      await expectStoreFailed(() => env.mfa.getStatus('u1'));
    }
    expect(env.outbox.messages).toHaveLength(sent);
  });

  for (const g of WRONG_SHAPE) {
    it(`a locked user whose record becomes ${g} (valid JSON, wrong shape) is never treated as unlocked`, async () => {
      const env = await lockedUser();
      const sent = env.outbox.messages.length;
      await corrupt(env.mem, 'user:u1', g);
      const start = await env.mfa.startChallenge('u1').catch((e: unknown) => e);
      expect(start, 'startChallenge must throw store_failed, not send').toBeInstanceOf(MfaError);
      expect((start as MfaError).code).toBe('store_failed');
      await expectStoreFailed(() => env.mfa.getStatus('u1'));
      expect(env.outbox.messages).toHaveLength(sent);
    });
  }

  it('a garbage destination record → store_failed, no SMS, the issue undone', async () => {
    const env = await faulty();
    for (const g of ['not json', '[]', '{"s":"x"}', '{"s":[1,"a"]}', 'null']) {
      await corrupt(env.mem, DEST_KEY, g);
      await expectStoreFailed(() => env.mfa.startChallenge('u1'));
      expect((await env.mfa.getStatus('u1')).pending).toBeUndefined();
    }
    expect(env.outbox.messages).toHaveLength(1);
  });
});

describe('a sender that rejects', () => {
  it('→ { ok:false, error:"delivery_failed" } and a delivery.failed event; the cooldown is not consumed', async () => {
    const env = await faulty();
    env.outbox.failNext(1);
    expect(await env.mfa.startChallenge('u1')).toEqual({ ok: false, error: 'delivery_failed' });
    const failed = env.events.filter((e) => e.name === 'delivery.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.payload).toMatchObject({ userId: 'u1', reason: 'sender_error', purpose: 'sign_in', maskedPhone: '+1 ••• ••• 2671', sender: 'outbox' });
    expect(env.events.filter((e) => e.name === 'code.sent')).toHaveLength(0);
    expect((await env.mfa.getStatus('u1')).pending).toBeUndefined();
    // Immediate retry: allowed, and it sends.
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true });
    expect(env.outbox.messages).toHaveLength(2);
    expect(await env.mfa.verify('u1', env.outbox.last()!.code!)).toMatchObject({ ok: true });
  });

  it('a failed resend keeps the previous live code valid, with its tries', async () => {
    const env = await faulty();
    await env.mfa.startChallenge('u1');
    const code = env.outbox.last()!.code!;
    expect(await env.mfa.verify('u1', wrong(code))).toMatchObject({ error: 'code_mismatch', attemptsLeft: 3 });
    env.clock.advance(30_000);
    env.outbox.failNext(1);
    expect(await env.mfa.resend('u1')).toEqual({ ok: false, error: 'delivery_failed' });
    expect(await env.mfa.getStatus('u1')).toMatchObject({ failures: 1, pending: { purpose: 'sign_in', attemptsLeft: 3 } });
    expect(await env.mfa.verify('u1', code)).toMatchObject({ ok: true });
  });

  it('after a failed resend an immediate resend is allowed, and the new code replaces the old one', async () => {
    const env = await faulty();
    await env.mfa.startChallenge('u1');
    const first = env.outbox.last()!.code!;
    env.clock.advance(30_000);
    env.outbox.failNext(1);
    expect(await env.mfa.resend('u1')).toEqual({ ok: false, error: 'delivery_failed' });
    expect(await env.mfa.resend('u1')).toMatchObject({ ok: true });
    const second = env.outbox.last()!.code!;
    if (second !== first) expect(await env.mfa.verify('u1', first)).toMatchObject({ ok: false, error: 'code_mismatch' });
    expect(await env.mfa.verify('u1', second)).toMatchObject({ ok: true });
  });

  it('a failed enrollment delivery leaves no pending factor and the retry sends', async () => {
    const env = await faulty();
    env.outbox.failNext(1);
    expect(await env.mfa.enrollSms('u1', SECOND)).toEqual({ ok: false, error: 'delivery_failed' });
    expect((await env.mfa.listFactors('u1')).factors.map((f) => f.status)).toEqual(['active']);
    expect(await env.mfa.enrollSms('u1', SECOND)).toMatchObject({ ok: true });
    expect(await env.mfa.confirmEnrollment('u1', env.outbox.last()!.code!)).toMatchObject({ ok: true });
  });

  it('a sender rejecting with a non-Error still gives delivery_failed', async () => {
    const clock = fakeClock();
    const mem = memoryStores({ clock });
    await mem.factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: PHONE, createdAt: 0 });
    const mfa = createMfa({
      stores: mem,
      secret: SECRET,
      clock,
      senders: { sms: { name: 'flaky', send: () => Promise.reject('HTTP 503') } },
    });
    const failed: unknown[] = [];
    mfa.on('delivery.failed', (e) => failed.push(e));
    expect(await mfa.startChallenge('u1')).toEqual({ ok: false, error: 'delivery_failed' });
    expect(failed).toHaveLength(1);
    expect(await mfa.getStatus('u1')).not.toHaveProperty('pending');
  });
});
