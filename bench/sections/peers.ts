/**
 * 7. Peers side by side: mfakit (memory and Redis), better-auth's two-factor OTP (memory
 * adapter, and with Redis secondary storage), and a hand-rolled rate-limiter-flexible +
 * ioredis flow in both orders — in this process, on the bench's Redis, in rotated order
 * (rep k starts with system k), each measured by bench/peers/harness.ts.
 */
import type { Redis } from 'ioredis';
import { betterAuthPeer } from '../peers/better-auth.js';
import { type CommandCounts, countCommands, countRedisCommands, measureRep } from '../peers/harness.js';
import { mfakitPeer } from '../peers/mfakit.js';
import { rateLimiterFlexiblePeer } from '../peers/rate-limiter-flexible.js';
import type { PeerRules, PeerSystem } from '../peers/types.js';
import type { Library } from '../lib/mfakit.js';
import { collectGarbage, latencyOf, median, round } from '../lib/stats.js';

export interface PeerResult {
  readonly label: string;
  readonly versions: Record<string, string>;
  readonly rules: PeerRules;
  readonly redis: boolean;
  /** Median of the reps' cycles/s (start + verify, `inFlight` users at once). */
  readonly cyclesPerSec: number;
  readonly cyclesPerSecReps: number[];
  readonly cycles: number;
  readonly verifyP50Ms: number;
  readonly verifyP99Ms: number;
  /** Time per cycle in steps outside it (better-auth: the password sign-in), not in cyclesPerSec. */
  readonly outsideCycleMsPerCycle: number;
  /** Guesses compared against the code under `wrongRequests` concurrent wrong codes. */
  readonly guessesCompared: number;
  readonly wrongCodeOutcomes: Record<string, number>;
  readonly commands: CommandCounts | null;
}

export interface PeersResult {
  readonly inFlight: number;
  readonly reps: number;
  readonly wrongRequests: number;
  readonly order: string[][];
  readonly systems: Record<string, PeerResult>;
  /** Per rep: mfakit Redis cycles/s ÷ the faster rate-limiter-flexible flow's. */
  readonly redisVsRateLimiterFlexible: number[];
  readonly skipped: Record<string, string>;
}

export interface PeersOptions {
  readonly url: string | null;
  readonly admin: Redis | null;
  readonly reps: number;
  readonly minMs: number;
  readonly inFlight: number;
  readonly wrongRequests: number;
  readonly sequential: number;
  readonly roundUsers: Record<'mfakit' | 'betterAuthMemory' | 'betterAuthRedis' | 'rateLimiterFlexible', number>;
  readonly log: (msg: string) => void;
}

export async function runPeers(lib: Library, opts: PeersOptions): Promise<PeersResult> {
  const systems: PeerSystem[] = [];
  const skipped: Record<string, string> = {};
  const add = async (name: string, make: () => Promise<PeerSystem>) => {
    try {
      systems.push(await make());
    } catch (e) {
      skipped[name] = e instanceof Error ? e.message : String(e);
      opts.log(`peers: ${name} could not be set up: ${skipped[name]}`);
    }
  };
  const r = opts.roundUsers;
  await add('mfakitMemory', () => mfakitPeer(lib, { url: null, users: r.mfakit }));
  await add('betterAuthMemory', () => betterAuthPeer({ url: null, users: r.betterAuthMemory, tag: 'bam' }));
  if (opts.url) {
    // mfakit Redis runs between the two rate-limiter-flexible flows it is compared with (a
    // target is their ratio per rep), so the machine's drift over a rep falls on both sides;
    // the rotation splits the three only from a fifth rep on (the bench runs 3).
    await add('betterAuthRedis', () => betterAuthPeer({ url: opts.url, users: r.betterAuthRedis, tag: 'bar' }));
    await add('rateLimiterFlexibleCountFirst', () => rateLimiterFlexiblePeer({ url: opts.url as string, order: 'countFirst', tag: 'cf' }));
    await add('mfakitRedis', () => mfakitPeer(lib, { url: opts.url, users: r.mfakit }));
    await add('rateLimiterFlexibleCompareFirst', () => rateLimiterFlexiblePeer({ url: opts.url as string, order: 'compareFirst', tag: 'pf' }));
  } else {
    for (const n of ['mfakitRedis', 'betterAuthRedis', 'rateLimiterFlexibleCountFirst', 'rateLimiterFlexibleCompareFirst']) skipped[n] = 'no Redis';
  }
  const roundOf = (s: PeerSystem): number =>
    s.name.startsWith('mfakit') ? r.mfakit : s.name === 'betterAuthMemory' ? r.betterAuthMemory : s.name === 'betterAuthRedis' ? r.betterAuthRedis : r.rateLimiterFlexible;
  const counters = new Map(systems.map((s) => [s.name, s.redis ? countCommands(s.redis) : null]));
  try {
    // Warm-up, not measured: connections and script loads, and one full-size round each so
    // that the first timed rep does not pay the JIT's optimizing compiles (with one small
    // round, every mfakit system read lowest in rep 1).
    for (const s of systems) await measureRep(s, { roundUsers: roundOf(s), inFlight: opts.inFlight, minMs: 0 });

    const reps = new Map(systems.map((s) => [s.name, [] as { cps: number; cycles: number; outside: number; verifyMs: number[] }[]]));
    const order: string[][] = [];
    for (let k = 0; k < opts.reps; k++) {
      const rotated = systems.map((_, j) => systems[(j + k) % systems.length] as PeerSystem);
      order.push(rotated.map((s) => s.name));
      for (const s of rotated) {
        collectGarbage();
        const rep = await measureRep(s, { roundUsers: roundOf(s), inFlight: opts.inFlight, minMs: opts.minMs });
        reps.get(s.name)?.push({ cps: rep.cyclesPerSec, cycles: rep.cycles, outside: rep.outsideCycleMsPerCycle, verifyMs: rep.verifyMs });
      }
      opts.log(`peers rep ${k + 1}/${opts.reps}: ${rotated.map((s) => `${s.name} ${reps.get(s.name)?.[k]?.cps ?? '?'}`).join(', ')}`);
    }

    const out: Record<string, PeerResult> = {};
    for (const s of systems) {
      const rs = reps.get(s.name) ?? [];
      const lat = latencyOf(rs.flatMap((x) => x.verifyMs));
      const wrong = await s.wrongCodes(opts.wrongRequests);
      const counter = counters.get(s.name);
      const commands = s.redis && counter && opts.admin ? await countRedisCommands(s, opts.admin, counter, opts.sequential) : null;
      const cycles = rs.reduce((a, x) => a + x.cycles, 0);
      out[s.name] = {
        label: s.label,
        versions: s.versions,
        rules: s.rules,
        redis: s.redis !== null,
        cyclesPerSec: round(median(rs.map((x) => x.cps))),
        cyclesPerSecReps: rs.map((x) => x.cps),
        cycles,
        verifyP50Ms: lat.p50Ms,
        verifyP99Ms: lat.p99Ms,
        outsideCycleMsPerCycle: round(rs.reduce((a, x) => a + x.outside * x.cycles, 0) / Math.max(1, cycles), 3),
        guessesCompared: wrong.guessesCompared,
        wrongCodeOutcomes: wrong.outcomes,
        commands,
      };
    }
    const mr = reps.get('mfakitRedis') ?? [];
    const cf = reps.get('rateLimiterFlexibleCountFirst') ?? [];
    const pf = reps.get('rateLimiterFlexibleCompareFirst') ?? [];
    const redisVsRateLimiterFlexible = mr.map((m, k) => round(m.cps / Math.max(cf[k]?.cps ?? 0, pf[k]?.cps ?? 0, 1e-9), 2)).filter((x) => Number.isFinite(x) && (cf.length > 0 || pf.length > 0));
    return { inFlight: opts.inFlight, reps: opts.reps, wrongRequests: opts.wrongRequests, order, systems: out, redisVsRateLimiterFlexible, skipped };
  } finally {
    for (const s of systems) await s.close().catch(() => undefined);
  }
}
