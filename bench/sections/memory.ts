/**
 * 2. Memory stores: start+verify cycles per second, single process, many users; the
 * verify latency (5.) is taken from the same run. The runner here is driven in its own
 * process, in slices alternated with the bare plain-JS floor's (bench/sections/memory-vs-floor.ts).
 */
import { performance } from 'node:perf_hooks';
import { benchClock, captureSender, expectOk, makeMfa, ROUND_GAP_MS, seedUsers } from '../lib/fixture.js';
import type { Library } from '../lib/mfakit.js';
import { type Latency, latencyOf } from '../lib/stats.js';

export interface MemoryResult {
  readonly users: number;
  readonly cycles: number;
  readonly cyclesPerSec: number;
  readonly cryptoCeilingCyclesPerSec: number;
  readonly ratio: number;
  readonly startLatency: Latency;
  readonly verifyLatency: Latency;
  /** Each slice's cycles/s, in the order run (alternated with the floor's slices). */
  readonly runs?: number[];
}

/** A prepared memory-store run: rounds of start → verify over every user, timed one at a time. */
export interface MemoryRunner {
  readonly users: number;
  /** One round (each user: start, then verify with the code sent); its wall time in ms. */
  round(record: boolean): Promise<number>;
  /** Start and verify latency of the recorded rounds. */
  latency(): { readonly start: Latency; readonly verify: Latency };
}

/** Seeds `users` users with an SMS factor on fresh memory stores; nothing is measured yet. */
export async function memoryRunner(lib: Library, users: number): Promise<MemoryRunner> {
  const clock = benchClock();
  const stores = lib.memoryStores({ clock, maxKeys: users * 3 + 1000 });
  const sender = captureSender();
  const mfa = makeMfa(lib, stores, clock, sender);
  const seeded = await seedUsers(stores.factors, 'm', users, clock.now());
  const startLat: number[] = [];
  const verifyLat: number[] = [];
  return {
    users: seeded.length,
    async round(record) {
      const t0 = performance.now();
      for (const u of seeded) {
        const a = performance.now();
        expectOk(await mfa.startChallenge(u.id), `startChallenge(${u.id})`);
        const b = performance.now();
        const code = sender.codes.get(u.phone);
        if (code === undefined) throw new Error(`no code sent to ${u.id}`);
        expectOk(await mfa.verify(u.id, code), `verify(${u.id})`);
        if (record) {
          startLat.push(b - a);
          verifyLat.push(performance.now() - b);
        }
      }
      clock.advance(ROUND_GAP_MS);
      return performance.now() - t0;
    },
    latency: () => ({ start: latencyOf(startLat), verify: latencyOf(verifyLat) }),
  };
}
