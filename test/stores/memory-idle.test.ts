/**
 * The memory state store keeps mfakit's records decoded while they are in use and stores a
 * record that was not written since the previous sweep as its encoded string (about half
 * the memory). Nothing a user sees changes: the same string is read, the same version
 * proves a compare-and-set, the rules go on from where they were, and the next write holds
 * the record decoded again.
 */
import { describe, expect, it } from 'vitest';
import { memoryFactorStore, memoryStateStore } from '../../src/adapters/memory/index.js';
import { createMfa } from '../../src/index.js';
import { HELD, heldRecordsOf } from '../../src/ports/held-state.js';
import { type FakeClock, fakeClock, outboxSender } from '../../src/testing/index.js';
import { enrolled, must, SECRET, wrong } from '../helpers/setup.js';

/** Whether the store holds `key` decoded (`true`), as a string (`false`), or not at all (`null`). */
function isHeld(state: Parameters<typeof heldRecordsOf>[0], key: string): boolean | null {
  const rec = heldRecordsOf(state)?.read(key) ?? null;
  return rec === null ? null : rec.codec !== undefined;
}

describe('memory state store: idle records', () => {
  it('a record not written since the previous sweep is kept as its string: same string read, same version, rules go on', async () => {
    const { mfa, stores, outbox } = await enrolled();
    must(await mfa.startChallenge('u1'));
    const code = outbox.last()?.code ?? '';
    expect((await mfa.verify('u1', wrong(code))).ok).toBe(false);
    const before = await stores.state.read('user:u1');
    expect(isHeld(stores.state, 'user:u1')).toBe(true);

    stores.state.sweep(); // starts the idle period: written before it, so still held
    expect(isHeld(stores.state, 'user:u1')).toBe(true);
    stores.state.sweep(); // not written since the previous sweep: now a string
    expect(isHeld(stores.state, 'user:u1')).toBe(false);

    expect(await stores.state.read('user:u1')).toEqual(before);
    // The wrong code counted before still counts; the right one still works, once.
    expect((await mfa.getStatus('u1')).pending?.attemptsLeft).toBe(3);
    must(await mfa.verify('u1', code));
    expect(isHeld(stores.state, 'user:u1')).toBe(true); // the write holds it decoded again
    expect((await mfa.verify('u1', code)).ok).toBe(false);
    expect((await mfa.getStatus('u1')).failures).toBe(0);
  });

  it('a record written since the previous sweep stays held', async () => {
    const { mfa, stores, outbox } = await enrolled();
    must(await mfa.startChallenge('u1'));
    stores.state.sweep();
    expect((await mfa.verify('u1', wrong(outbox.last()?.code ?? ''))).ok).toBe(false);
    stores.state.sweep();
    expect(isHeld(stores.state, 'user:u1')).toBe(true);
  });

  it('writes encode idle records when they sweep (every sweepIntervalMs), without timers; size() does not postpone it', async () => {
    const clock = fakeClock();
    const state = memoryStateStore({ clock, sweepIntervalMs: 10_000 });
    const { mfa } = await enrolled({ clock, stores: { factors: memoryFactorStore(), state } });
    clock.advance(30_000); // the enrollment code's cooldown
    must(await mfa.startChallenge('u1')); // its write sweeps first (30 s since the store began): the record is newer
    clock.advance(10_000);
    expect(await state.write('other', 'x', null, null)).toBe(true); // sweeps: the record was written since the last sweep
    expect(isHeld(state, 'user:u1')).toBe(true);
    clock.advance(10_000);
    state.size(); // drops expired keys, and starts no sweep period
    expect(isHeld(state, 'user:u1')).toBe(true);
    expect(await state.write('other', 'y', 1, null)).toBe(false); // a refused write sweeps too
    expect(isHeld(state, 'user:u1')).toBe(false);
    expect(isHeld(state, 'other')).toBe(false); // a string written through write stays a string
  });

  it('a compare-and-set read before the record was encoded still wins with that version, and only once', async () => {
    const { stores, mfa } = await enrolled();
    must(await mfa.startChallenge('u1'));
    const rec = await stores.state.read('user:u1');
    if (rec === null) throw new Error('expected a record');
    stores.state.sweep();
    stores.state.sweep();
    expect(isHeld(stores.state, 'user:u1')).toBe(false);
    expect(await stores.state.write('user:u1', rec.value, rec.version, 60_000)).toBe(true);
    expect(await stores.state.write('user:u1', rec.value, rec.version, 60_000)).toBe(false);
  });
});

describe('memory state store: the encoding a write pays for is bounded', () => {
  it('a sweep inside a write encodes at most 20 000 idle records; the next sweep the rest; sweep() by hand all', async () => {
    const clock = fakeClock();
    const state = memoryStateStore({ clock, sweepIntervalMs: 1_000, maxKeys: 50_000 });
    const held = heldRecordsOf(state);
    if (held === undefined) throw new Error('the memory state store holds records');
    const codec = { kind: 'test', encode: (s: never) => JSON.stringify(s) };
    const n = 20_005;
    const writes = Array.from({ length: n }, (_, i) => ({ key: `k${i}`, codec, state: Object.freeze({ i }), expectedVersion: null, ttlMs: null }));
    const versions = held.commit(writes);
    if (versions === null) throw new Error('a first commit of new keys wins');
    const heldCount = (): number => writes.filter((w) => isHeld(state, w.key)).length;
    clock.advance(1_000);
    await state.write('tick', '1', null, null); // starts the idle period
    expect(heldCount()).toBe(n);
    clock.advance(1_000);
    await state.write('tick', '2', 1, null); // refused, but it sweeps
    expect(heldCount()).toBe(n - 20_000);
    clock.advance(1_000);
    await state.write('tick', '3', 1, null);
    expect(heldCount()).toBe(0);
    expect(await state.read('k7')).toEqual({ value: '{"i":7}', version: versions[7] });

    const more = writes.map((w) => ({ ...w, key: `m${w.key}` }));
    expect(held.commit(more)).not.toBeNull();
    state.sweep();
    state.sweep();
    expect(more.filter((w) => isHeld(state, w.key)).length).toBe(0);
  });
});

describe('memory state store: idleRecordsPerSweep', () => {
  const heldOne = (state: ReturnType<typeof memoryStateStore>, key: string): void => {
    const held = heldRecordsOf(state);
    const codec = { kind: 'test', encode: (s: never) => JSON.stringify(s) };
    expect(held?.commit([{ key, codec, state: Object.freeze({ key }), expectedVersion: null, ttlMs: null }])).not.toBeNull();
  };

  it('0 keeps every record decoded, through the sweeps of writes and sweep() by hand', async () => {
    const clock = fakeClock();
    const state = memoryStateStore({ clock, sweepIntervalMs: 1_000, idleRecordsPerSweep: 0 });
    heldOne(state, 'a');
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      await state.write('tick', String(i), null, 1); // a new key each time (the last one expired)
      state.sweep();
    }
    expect(isHeld(state, 'a')).toBe(true);
    expect(await state.read('a')).toEqual({ value: '{"key":"a"}', version: 1 });
  });

  it('n encodes at most n idle records per sweep inside a write', async () => {
    const clock = fakeClock();
    const state = memoryStateStore({ clock, sweepIntervalMs: 1_000, idleRecordsPerSweep: 1 });
    heldOne(state, 'a');
    heldOne(state, 'b');
    clock.advance(1_000);
    await state.write('tick', '1', null, null); // starts the idle period
    clock.advance(1_000);
    await state.write('tick', '2', null, null); // refused (the key exists); sweeps: one of the two
    expect([isHeld(state, 'a'), isHeld(state, 'b')].filter((h) => h === false)).toHaveLength(1);
    clock.advance(1_000);
    await state.write('tick', '3', null, null);
    expect([isHeld(state, 'a'), isHeld(state, 'b')]).toEqual([false, false]);
  });

  it.each([-1, 1.5, Number.NaN])('rejects %s with invalid_options', (n) => {
    expect(() => memoryStateStore({ idleRecordsPerSweep: n })).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });
});

describe('memory state store: idle encoding under real concurrency', () => {
  /** A clock that moves 1 ms at every read: on a store that sweeps every 1 ms, every write sweeps. */
  const ticking = (): FakeClock => {
    let t = Date.UTC(2026, 0, 1);
    return { now: () => (t += 1), advance: (ms) => void (t += ms), set: (ms) => void (t = ms) };
  };
  const tick = () => new Promise<void>((r) => setImmediate(r));

  it.each([
    ['synchronous (memoryStores as given)', false],
    ['with awaits between read and commit (a factor store that yields)', true],
  ] as const)('10 users × 40 concurrent wrong codes while every write sweeps: exactly 4 tries counted per user, %s', async (_name, yielding) => {
    const clock = ticking();
    const state = memoryStateStore({ clock, sweepIntervalMs: 1 });
    const inner = heldRecordsOf(state);
    if (inner === undefined) throw new Error('the memory state store holds records');
    // Passes everything on, and counts the reads that found a record the sweeps had encoded.
    let stringReads = 0;
    const observed = Object.assign(Object.create(state) as typeof state, {
      [HELD]: {
        read(key: string) {
          const rec = inner.read(key);
          if (rec !== null && rec.codec === undefined) stringReads++;
          return rec;
        },
        commit: (writes: Parameters<typeof inner.commit>[0]) => inner.commit(writes),
      },
    });
    const factors = memoryFactorStore();
    const users = Array.from({ length: 10 }, (_, i) => `u${i}`);
    for (const [i, id] of users.entries()) {
      await factors.putFactor({ id: `f${i}`, userId: id, channel: 'sms', status: 'active', phone: `+1415555${String(2600 + i)}`, createdAt: clock.now() });
    }
    // Spread: the wrapper has no synchronous held-factors port, so mfakit awaits between its read and its commit.
    const store = yielding ? { ...factors, listFactors: async (id: string) => (await tick(), factors.listFactors(id)) } : factors;
    const outbox = outboxSender();
    const mfa = createMfa({ stores: { factors: store, state: observed }, senders: { sms: outbox }, secret: SECRET, appName: 'Acme', clock });
    const codes = new Map<string, string>();
    for (const id of users) {
      must(await mfa.startChallenge(id));
      codes.set(id, outbox.last()?.code ?? '');
    }
    // Round-robin: u0, u1, …, u9, u0, … so every user's record goes idle between its own tries.
    const results = await Promise.all(Array.from({ length: 400 }, (_, i) => users[i % users.length] as string).map((id) => mfa.verify(id, wrong(codes.get(id) ?? ''))));
    expect(results.some((r) => r.ok)).toBe(false);
    expect(stringReads).toBeGreaterThan(0); // records really were strings between the tries
    for (const id of users) {
      const status = await mfa.getStatus(id);
      expect(status.failures).toBe(4);
      expect(status.consecutiveFailures).toBe(4);
      expect(status.pending?.attemptsLeft).toBe(0); // the 4th wrong try used the code up
      expect((await mfa.verify(id, codes.get(id) ?? '')).ok).toBe(false);
    }
  });
});
