/**
 * 2. Memory stores: start+verify cycles per second, single process, many users; the
 * verify latency (5.) is taken from the same run.
 */
import { performance } from 'node:perf_hooks';
import { benchClock, captureSender, expectOk, makeMfa, ROUND_GAP_MS, seedUsers } from '../lib/fixture.js';
import type { Library } from '../lib/mfakit.js';
import { type Latency, latencyOf, round } from '../lib/stats.js';

export interface MemoryResult {
  readonly users: number;
  readonly cycles: number;
  readonly cyclesPerSec: number;
  readonly cryptoCeilingCyclesPerSec: number;
  readonly ratio: number;
  readonly startLatency: Latency;
  readonly verifyLatency: Latency;
}

export async function runMemory(lib: Library, opts: { users: number; minMs: number; ceiling: number }): Promise<MemoryResult> {
  const clock = benchClock();
  const stores = lib.memoryStores({ clock, maxKeys: opts.users * 3 + 1000 });
  const sender = captureSender();
  const mfa = makeMfa(lib, stores, clock, sender);
  const users = await seedUsers(stores.factors, 'm', opts.users, clock.now());

  const startLat: number[] = [];
  const verifyLat: number[] = [];
  const round1 = async (record: boolean): Promise<number> => {
    const t0 = performance.now();
    for (const u of users) {
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
  };

  await round1(false); // warm-up: JIT, map growth
  let ms = 0;
  let cycles = 0;
  while (ms < opts.minMs || cycles === 0) {
    ms += await round1(true);
    cycles += users.length;
  }
  const cyclesPerSec = (cycles * 1000) / ms;
  return {
    users: users.length,
    cycles,
    cyclesPerSec: round(cyclesPerSec),
    cryptoCeilingCyclesPerSec: opts.ceiling,
    ratio: round(cyclesPerSec / opts.ceiling, 3),
    startLatency: latencyOf(startLat),
    verifyLatency: latencyOf(verifyLat),
  };
}
