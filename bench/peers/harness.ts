/**
 * Measures one system of the side-by-side section the same way for all: cycles of
 * start → verify with `inFlight` users at once, verify latency, Redis commands per start
 * and per verify (client-sent, and `INFO commandstats` deltas), guesses compared under
 * `wrongRequests` concurrent wrong codes.
 */
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { parseCommandStats, statDelta } from '../lib/redis-server.js';
import { latencyOf, pool, round } from '../lib/stats.js';
import type { PeerSystem } from './types.js';

export interface RepResult {
  readonly cycles: number;
  readonly cyclesPerSec: number;
  /** Time in steps outside the cycle (better-auth's password sign-in), per cycle. */
  readonly outsideCycleMsPerCycle: number;
  readonly verifyMs: number[];
}

/** Rounds of `roundUsers` start → verify cycles, `inFlight` at a time, until `minMs` of cycles. */
export async function measureRep(sys: PeerSystem, opts: { roundUsers: number; inFlight: number; minMs: number }): Promise<RepResult> {
  const idx = Array.from({ length: opts.roundUsers }, (_, i) => i);
  const verifyMs: number[] = [];
  let ms = 0;
  let outside = 0;
  let cycles = 0;
  while (ms < opts.minMs || cycles === 0) {
    outside += await sys.prepareRound(opts.roundUsers);
    ms += await pool(idx, opts.inFlight, async (i) => {
      await sys.start(i);
      const t0 = performance.now();
      await sys.verify(i);
      verifyMs.push(performance.now() - t0);
    });
    cycles += idx.length;
  }
  return { cycles, cyclesPerSec: round((cycles * 1000) / ms), outsideCycleMsPerCycle: round(outside / cycles, 3), verifyMs };
}

/** Counts the commands an ioredis client sends (MULTI/EXEC included), by name. */
export function countCommands(io: Redis): Map<string, number> {
  const counts = new Map<string, number>();
  const send = io.sendCommand.bind(io) as (...a: unknown[]) => unknown;
  (io as unknown as { sendCommand: (...a: unknown[]) => unknown }).sendCommand = (...args: unknown[]) => {
    const name = String((args[0] as { name?: string }).name ?? 'unknown').toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return send(...args);
  };
  return counts;
}

export interface CommandCounts {
  readonly commandsPerVerify: number;
  readonly commandsPerStart: number;
  /** INFO commandstats deltas per call, including what Lua scripts and MULTI blocks run. */
  readonly serverCallsPerVerify: number;
  readonly serverCallsPerStart: number;
  readonly verifyCommands: Record<string, number>;
  readonly startCommands: Record<string, number>;
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const perOp = (m: Map<string, number>, n: number): Record<string, number> =>
  Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / n, 2)]));
const diff = (after: Map<string, number>, before: Map<string, number>): Map<string, number> =>
  new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as [string, number]).filter(([, v]) => v > 0));

/** `n` sequential, uncontended starts, then their `n` verifies, counted on the server and the client. */
export async function countRedisCommands(sys: PeerSystem, admin: Redis, counts: Map<string, number>, n: number): Promise<CommandCounts> {
  const stats = async () => parseCommandStats(String(await admin.call('INFO', 'commandstats')));
  await sys.prepareRound(n);
  const s0 = await stats();
  const c0 = new Map(counts);
  for (let i = 0; i < n; i++) await sys.start(i);
  const s1 = await stats();
  const c1 = new Map(counts);
  for (let i = 0; i < n; i++) await sys.verify(i);
  const s2 = await stats();
  const c2 = new Map(counts);
  const startServer = statDelta(s0, s1);
  const verifyServer = statDelta(s1, s2);
  return {
    commandsPerVerify: round(total(diff(c2, c1)) / n, 2),
    commandsPerStart: round(total(diff(c1, c0)) / n, 2),
    serverCallsPerVerify: round(total(verifyServer) / n, 2),
    serverCallsPerStart: round(total(startServer) / n, 2),
    verifyCommands: perOp(diff(c2, c1), n),
    startCommands: perOp(diff(c1, c0), n),
  };
}

export { latencyOf };
