import { describe, expect, it } from 'vitest';
import { createMfa, MfaError, type MfaOptions, type Result, type Verified } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { fakeClock, outboxSender } from '../src/testing/index.js';
import { faultyState, interleavingState } from './helpers/store-wrappers.js';
import { tally, times } from '../src/testing/store-tests-rules.js';
import { PHONE, SECRET, wrong } from './helpers/setup.js';

/**
 * u1 with an active SMS factor written straight into the factor store, on memory stores
 * whose StateStore yields to the event loop around every read and write, so that
 * concurrent calls really interleave between their read and their compare-and-set.
 */
async function racing(overrides: Partial<MfaOptions> = {}, seed = 7) {
  const clock = fakeClock();
  const mem = memoryStores({ clock });
  const state = interleavingState(mem.state, seed);
  const outbox = outboxSender();
  await mem.factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: PHONE, createdAt: clock.now() });
  const mfa = createMfa({ stores: { factors: mem.factors, state }, senders: { sms: outbox }, secret: SECRET, appName: 'Acme', clock, ...overrides });
  const events = { exhausted: 0, locked: 0, failed: 0, succeeded: 0 };
  mfa.on('code.exhausted', () => events.exhausted++);
  mfa.on('user.locked', () => events.locked++);
  mfa.on('verification.failed', () => events.failed++);
  mfa.on('verification.succeeded', () => events.succeeded++);
  return { mfa, clock, mem, state, outbox, events };
}


describe('concurrency (memory stores, interleaved reads and writes)', () => {
  it('the wrapper really interleaves: concurrent writers lose compare-and-set races', async () => {
    const { mfa, state } = await racing();
    await times(20, () => mfa.startChallenge('u1'));
    expect(state.lostWrites).toBeGreaterThan(0);
  });

  it.each([1, 2, 3])('100 concurrent startChallenge → exactly 1 SMS, 99 resend_cooldown (seed %i)', async (seed) => {
    const { mfa, outbox } = await racing({}, seed);
    const results = await times(100, () => mfa.startChallenge('u1'));
    expect(tally(results)).toEqual({ ok: 1, resend_cooldown: 99 });
    expect(outbox.messages).toHaveLength(1);
    for (const r of results) {
      if (!r.ok) expect('retryAfterMs' in r ? r.retryAfterMs : 0).toBeGreaterThan(0);
    }
    const status = await mfa.getStatus('u1');
    expect(status.sendsLeft).toBe(9);
    expect(status.pending).toMatchObject({ attemptsLeft: 4 });
  });

  it('100 concurrent startChallenge for 100 users sharing a number → the destination budget holds at 10', async () => {
    const { mfa, mem, outbox } = await racing();
    for (let i = 0; i < 100; i++) {
      await mem.factors.putFactor({ id: `f${i}`, userId: `v${i}`, channel: 'sms', status: 'active', phone: PHONE, createdAt: 0 });
    }
    const results = await times(100, (i) => mfa.startChallenge(`v${i}`));
    expect(tally(results)).toEqual({ ok: 10, send_limit_reached: 90 });
    expect(outbox.messages).toHaveLength(10);
    for (const r of results) if (!r.ok) expect(r).toMatchObject({ scope: 'destination' });
  });

  it.each([1, 2, 3])('50 concurrent wrong verify on one live code → exactly 4 tries counted, the code is dead (seed %i)', async (seed) => {
    const { mfa, outbox, events } = await racing({}, seed);
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    const results = await times(50, () => mfa.verify('u1', wrong(code)));
    const t = tally(results);
    expect(t).toEqual({ code_mismatch: 3, code_exhausted: 47 });
    // The mismatches report 3, 2, 1 tries left, each once.
    const left = results.filter((r) => !r.ok && r.error === 'code_mismatch').map((r) => (r.ok ? -1 : r.attemptsLeft)).sort();
    expect(left).toEqual([1, 2, 3]);
    // Exactly one exhaustion was counted (it carries failuresLeft); the other 46 counted nothing.
    const counted = results.filter((r) => !r.ok && r.error === 'code_exhausted' && r.failuresLeft !== undefined);
    expect(counted).toHaveLength(1);
    expect(counted[0]).toMatchObject({ attemptsLeft: 0, failuresLeft: 4 });
    expect(events.exhausted).toBe(1);
    const status = await mfa.getStatus('u1');
    expect(status).toMatchObject({ failures: 4, consecutiveFailures: 4, locked: false });
    expect(status.pending).toMatchObject({ state: 'exhausted', attemptsLeft: 0 });
    expect(await mfa.verify('u1', code)).toMatchObject({ ok: false, error: 'code_exhausted', attemptsLeft: 0 });
    expect((await mfa.getStatus('u1')).failures).toBe(4);
  });

  it.each([1, 2, 3])('20 concurrent right-code verifies → exactly one success, the rest no_pending_code (seed %i)', async (seed) => {
    const { mfa, outbox, events } = await racing({}, seed);
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    const results = await times(20, () => mfa.verify('u1', code));
    expect(tally(results)).toEqual({ ok: 1, no_pending_code: 19 });
    expect(events.succeeded).toBe(1);
    expect(await mfa.getStatus('u1')).toMatchObject({ failures: 0, locked: false });
  });

  it('right and wrong entries racing on one code: the success is unique and the counts add up', async () => {
    const { mfa, outbox } = await racing({}, 11);
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    const results = await times(40, (i) => mfa.verify('u1', i % 2 === 0 ? code : wrong(code)));
    const t = tally(results);
    expect(t.ok ?? 0).toBeLessThanOrEqual(1);
    // Wrong entries that counted happened before the success or before the code died.
    const counted = results.filter((r) => !r.ok && (r.error === 'code_mismatch' || (r.error === 'code_exhausted' && r.failuresLeft !== undefined)));
    expect(counted.length).toBeLessThanOrEqual(4);
    if (t.ok === 1) {
      expect(await mfa.getStatus('u1')).toMatchObject({ failures: 0 });
    } else {
      expect(counted.length).toBe(4);
      expect(await mfa.getStatus('u1')).toMatchObject({ failures: 4 });
    }
  });

  it.each([1, 2, 3])('50 parallel sign-in attempts, each a new challenge and one wrong guess, repeated → 8 failures recorded, then locked (seed %i)', async (seed) => {
    // No cooldown and large budgets, so every worker can keep getting new codes until the lock.
    const { mfa, outbox, events } = await racing({ sending: { cooldownMs: 0, perUser: 100_000, perDestination: 100_000 } }, seed);
    const all: Result<object>[] = [];
    const worker = async () => {
      for (let round = 0; round < 20; round++) {
        const started = await mfa.startChallenge('u1');
        all.push(started);
        if (!started.ok && started.error === 'locked_out') return;
        const code = outbox.last()?.code ?? '123456';
        const res: Result<Verified> = await mfa.verify('u1', wrong(code));
        all.push(res);
        if (!res.ok && res.error === 'locked_out') return;
      }
    };
    await times(50, worker);
    const countedNonLocking = all.filter(
      (r) => !r.ok && (r.error === 'code_mismatch' || (r.error === 'code_exhausted' && r.failuresLeft !== undefined)),
    );
    expect(events.locked).toBe(1);
    expect(countedNonLocking).toHaveLength(7); // the 8th counted entry is the one that locked
    const status = await mfa.getStatus('u1');
    expect(status).toMatchObject({ locked: true, consecutiveFailures: 8, failures: 0 });
    // Nothing was sent after the lock, and every call now says locked_out.
    const sentBefore = outbox.messages.length;
    const after = await times<Result<object>>(20, (i) => (i % 2 ? mfa.startChallenge('u1') : mfa.verify('u1', '123456')));
    expect(tally(after)).toEqual({ locked_out: 20 });
    expect(outbox.messages).toHaveLength(sentBefore);
    for (const r of after) if (!r.ok) expect('retryAfterMs' in r ? r.retryAfterMs : 0).toBe(1_200_000);
  });

  /** u1 with an active factor, over a state store whose every write loses its race. */
  async function alwaysLosing(extra: { maxCasAttempts?: number } = {}) {
    const clock = fakeClock();
    const mem = memoryStores({ clock });
    const state = faultyState(mem.state);
    state.faults = { writeFalse: true };
    const outbox = outboxSender();
    await mem.factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: PHONE, createdAt: clock.now() });
    const mfa = createMfa({ stores: { factors: mem.factors, state }, senders: { sms: outbox }, secret: SECRET, clock, ...extra });
    return { mem, state, outbox, mfa };
  }

  it('a StateStore whose write always loses → MfaError("contention"), no SMS, nothing stored', async () => {
    const { mem, state, outbox, mfa } = await alwaysLosing({ maxCasAttempts: 10 });
    const err = await mfa.startChallenge('u1').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MfaError);
    expect((err as MfaError).code).toBe('contention');
    expect(state.writeCalls).toBe(10); // bounded by maxCasAttempts
    expect(outbox.messages).toHaveLength(0);
    expect(mem.state.size()).toBe(0);

    // Enrollment fails closed the same way and leaves no pending factor behind.
    await expect(mfa.enrollSms('u2', PHONE)).rejects.toMatchObject({ code: 'contention' });
    expect(outbox.messages).toHaveLength(0);
    expect(await mem.factors.listFactors('u2')).toEqual([]);
  });

  it('with the default retry bound, contention still ends (fails closed) in bounded time', async () => {
    const { state, outbox, mfa } = await alwaysLosing();
    await expect(mfa.startChallenge('u1')).rejects.toMatchObject({ name: 'MfaError', code: 'contention' });
    expect(state.writeCalls).toBe(64);
    expect(outbox.messages).toHaveLength(0);
  });
});
