/**
 * Small StateStore / FactorStore / sender wrappers for the concurrency and failure tests.
 * They add delays or faults around a real (memory) store; the rules stay in the library.
 */
import type { FactorStore, SmsMessage, SmsSender, StateStore } from '../../src/index.js';

/** A seeded PRNG (mulberry32) for delays only: reproducible, and never used for anything secret. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Wraps a StateStore so every read and write yields to the event loop 0–3 times before
 * and after the real call: concurrent callers really interleave between read and write.
 * The inner write stays atomic (compare-and-set is the inner store's job).
 */
export function interleavingState(inner: StateStore, seed = 1): StateStore & { reads: number; writes: number; lostWrites: number } {
  const rnd = seeded(seed);
  const pause = async () => {
    const n = Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) await tick();
  };
  const store = {
    reads: 0,
    writes: 0,
    lostWrites: 0,
    async read(key: string) {
      await pause();
      store.reads++;
      const rec = await inner.read(key);
      await pause();
      return rec;
    },
    async write(key: string, value: string | null, expected: number | null, ttl: number | null) {
      await pause();
      store.writes++;
      const ok = await inner.write(key, value, expected, ttl);
      if (!ok) store.lostWrites++;
      await pause();
      return ok;
    },
  };
  return store;
}

/** What a {@link faultyState} does instead of the real call (`undefined`: the real call). */
export interface StateFaults {
  /** Reject reads with this error. */
  readError?: unknown;
  /** Reject writes with this error. */
  writeError?: unknown;
  /** Resolve every write `false` (a race lost forever). */
  writeFalse?: boolean;
  /** Only keys for which this returns true are affected (default: all). */
  keys?: (key: string) => boolean;
}

/** Wraps a StateStore with switchable faults; `faults` can be changed between calls. */
export function faultyState(inner: StateStore): StateStore & { faults: StateFaults; writeCalls: number } {
  const store = {
    faults: {} as StateFaults,
    writeCalls: 0,
    async read(key: string) {
      const f = store.faults;
      const hit = f.keys ? f.keys(key) : true;
      if (hit && f.readError !== undefined) throw f.readError;
      return inner.read(key);
    },
    async write(key: string, value: string | null, expected: number | null, ttl: number | null) {
      store.writeCalls++;
      const f = store.faults;
      const hit = f.keys ? f.keys(key) : true;
      if (hit && f.writeError !== undefined) throw f.writeError;
      if (hit && f.writeFalse) return false;
      return inner.write(key, value, expected, ttl);
    },
  };
  return store;
}

const FACTOR_METHODS = [
  'listFactors',
  'getFactor',
  'putFactor',
  'deleteFactor',
  'findFactorsByPhone',
  'getPreferred',
  'setPreferred',
  'getException',
  'putException',
  'deleteException',
  'listExceptions',
] as const satisfies readonly (keyof FactorStore)[];

/** Wraps a FactorStore so every method rejects with `error` while `error` is set. */
export function faultyFactors(inner: FactorStore): FactorStore & { error: unknown } {
  const wrapper = { error: undefined as unknown } as FactorStore & { error: unknown };
  for (const m of FACTOR_METHODS) {
    (wrapper as unknown as Record<string, unknown>)[m] = async (...args: unknown[]) => {
      if (wrapper.error !== undefined) throw wrapper.error;
      return (inner[m] as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  return wrapper;
}

/** A lean sender for runs with very many sends: counts, and keeps only the last code per number. */
export function countingSender(): SmsSender & { count: number; last: SmsMessage | undefined; codeFor: Map<string, string> } {
  const s = {
    name: 'counting',
    count: 0,
    last: undefined as SmsMessage | undefined,
    codeFor: new Map<string, string>(),
    async send(message: SmsMessage) {
      s.count++;
      s.last = message;
      const code = /(?<!\d)\d{6}(?!\d)/.exec(message.body)?.[0];
      if (code !== undefined) s.codeFor.set(message.to, code);
      return { id: `c-${s.count}` };
    },
  };
  return s;
}
