/**
 * mfakit benchmark: crypto ceiling and the bare plain-JS floor, memory stores, Redis against
 * its own limit, contention, PostgreSQL, the peers side by side, the memory store's heap at
 * 1M users — in one run, on one machine. See bench/README.md.
 *
 *   npm run bench                 full run (≤ 5 min), writes bench/results.json
 *   npm run bench:smoke           a few seconds; exits non-zero only if something is broken
 *   npm run bench -- --only memory,crypto   some sections only (merged into results.json)
 *   npm run bench -- --src        measure src/ through tsx instead of the built dist/
 *   npm run bench -- --out /tmp/x.json      write the results elsewhere
 *   MFAKIT_BENCH_SRC=/tmp/exp/src npm run bench   measure an experimental copy of src/
 */
import { cpus, loadavg, totalmem, arch, platform } from 'node:os';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { benchClock, captureSender, countingStores, makeMfa, seedUsers } from './lib/fixture.js';
import { loadLibrary } from './lib/mfakit.js';
import { INSTALL_HINT, killAllChildren, type OwnRedis, startOwnRedis, which } from './lib/redis-server.js';
import { fmt, loud, printTable, type Row } from './lib/report.js';
import { type Json, mergeResults, readPrevious } from './lib/results.js';
import { type ContentionInstance, type ContentionResult, runContention, type ScalingRow, toScalingRow } from './sections/contention.js';
import { runCrypto, type CryptoResult } from './sections/crypto.js';
import type { FloorResult } from './sections/floor.js';
import { type HeapResult, runHeap } from './sections/heap.js';
import type { MemoryResult } from './sections/memory.js';
import { runMemoryVsFloor, spreadOf } from './sections/memory-vs-floor.js';
import { type PeersResult, runPeers } from './sections/peers.js';
import { postgresAvailable, type PostgresResult, runPostgres } from './sections/postgres.js';
import { connect, deletePrefix, parseRedisUrl, type RedisResult, type RedisTarget, redisVersion, runRedis } from './sections/redis.js';

const SECTIONS = ['crypto', 'memory', 'redis', 'contention', 'postgres', 'peers', 'heap'] as const;
type Section = (typeof SECTIONS)[number];

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    src: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const smoke = args.smoke === true;
const only = new Set<Section>(args.only ? (args.only.split(',').map((s) => s.trim()) as Section[]) : SECTIONS);
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section '${s}' (${SECTIONS.join(', ')})`);
// Smoke numbers are meaningless: never let them overwrite the full run's results.json.
const outFile = args.out ?? fileURLToPath(new URL(smoke ? './results.smoke.json' : './results.json', import.meta.url));
const requireRedis = process.env['MFAKIT_REQUIRE_REDIS'] === '1' || !smoke;

const SIZES = smoke
  ? {
      cryptoMs: 100, memUsers: 200, memMs: 0, memSlices: 2, redisUsers: 128, redisMs: 0, redisReps: 1, benchRequests: 5_000, sequential: 20, autoPipelining: false,
      pgUsers: 64, pgMs: 0, pgbenchSeconds: 1, scaling: [1, 10, 100], heapUsers: 2_000, heapCheckUsers: 2_000, otherProcess: false,
      peers: { reps: 1, minMs: 0, sequential: 5, roundUsers: { mfakit: 64, betterAuthMemory: 16, betterAuthRedis: 16, rateLimiterFlexible: 64 } },
    }
  : {
      cryptoMs: 1_500, memUsers: 5_000, memMs: 4_000, memSlices: 8, redisUsers: 4_096, redisMs: 6_000, redisReps: 3, benchRequests: 60_000, sequential: 300, autoPipelining: true,
      pgUsers: 1_024, pgMs: 6_000, pgbenchSeconds: 5, scaling: [1, 10, 100, 1000], heapUsers: 1_000_000, heapCheckUsers: 20_000, otherProcess: true,
      peers: { reps: 3, minMs: 1_500, sequential: 50, roundUsers: { mfakit: 2_048, betterAuthMemory: 64, betterAuthRedis: 256, rateLimiterFlexible: 1_024 } },
    };
/** Connections (and users in flight) of the Postgres section. */
const PG_CLIENTS = 32;
const CLIENTS = 64;
const CONTENTION_REQUESTS = 200;
const REDIS_INSTANCES = 4;

/** The issue-15 targets: reported in the summary, never a failure. */
const T = { floorRatio: 0.75, redisRatio: 0.6, commandsPerVerifyWarm: 1, vsRateLimiterFlexible: 1.5, bytesPerUserAt1M: 800, guessesAt1000: 4 };

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}
const checks: Check[] = [];
const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
async function redisSetup(): Promise<{ target: RedisTarget | null; own: OwnRedis | null; benchBin: string | null }> {
  const url = process.env['REDIS_URL'];
  const serverBin = which('redis-server');
  const benchBin = which('redis-benchmark');
  const missing: string[] = [];
  if (!url && !serverBin) missing.push('redis-server');
  if (!benchBin) missing.push('redis-benchmark');
  if (missing.length) {
    const msg = `${missing.join(' and ')} not found on PATH: ${INSTALL_HINT}`;
    if (requireRedis) {
      console.error(`bench: ${msg}`);
      console.error(smoke ? 'bench: MFAKIT_REQUIRE_REDIS=1, failing.' : 'bench: the full bench needs Redis; failing.');
      process.exit(2);
    }
    if (!url && !serverBin) {
      loud(`SKIPPING THE REDIS SECTIONS (smoke mode): ${msg}\nSet MFAKIT_REQUIRE_REDIS=1 to fail instead.`);
      return { target: null, own: null, benchBin: null };
    }
    loud(`redis-benchmark is missing: the store's own limit (and the Redis ratio) will be n/a.\n${INSTALL_HINT}`);
  }
  if (url) {
    const p = parseRedisUrl(url);
    return { target: { url, ...p, source: 'REDIS_URL' }, own: null, benchBin };
  }
  const own = await startOwnRedis(serverBin as string);
  return { target: { url: own.url, host: own.host, port: own.port, source: 'spawned' }, own, benchBin };
}

/** Seconds each section took in this run (where the 5-minute budget goes). */
const seconds: Record<string, number> = {};
async function timed<T>(section: Section, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    seconds[section] = Math.round(((performance.now() - t0) / 1000 + (seconds[section] ?? 0)) * 10) / 10;
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const lib = await loadLibrary({ fromSrc: args.src === true, log: (m) => console.log(m) });
  const needRedis = only.has('redis') || only.has('contention') || only.has('peers');
  const { target, own, benchBin } = needRedis ? await redisSetup() : { target: null, own: null, benchBin: null };
  try {
    const cpu = cpus();
    const machine = {
      cpu: cpu[0]?.model ?? 'unknown',
      cores: cpu.length,
      node: process.version,
      redis: target ? await redisVersion(target.url) : null,
      platform: `${platform()} ${arch()}`,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      mode: smoke ? 'smoke' : 'full',
      /** What was measured: `dist/` (the built package, the default), `src/` (--src, tsx) or MFAKIT_BENCH_SRC. */
      src: lib.src,
      /** The sections this run measured (the others in the file are from earlier runs: see `measured`). */
      sections: SECTIONS.filter((s) => only.has(s)),
      date: new Date().toISOString(),
    };
    console.log(`mfakit bench (${machine.mode}, ${machine.src}) — ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, redis ${machine.redis ?? 'n/a'}, load ${machine.loadAverage1m}`);

    let crypto: CryptoResult | undefined;
    let memory: MemoryResult | undefined;
    let floor: FloorResult | undefined;
    let heap: HeapResult | undefined;
    let redis: RedisResult | undefined;
    let postgres: PostgresResult | undefined;
    let peers: PeersResult | undefined;
    const contention: { memory?: ContentionResult; redis?: ContentionResult; scaling?: ScalingRow[] } = {};

    if (only.has('crypto') || only.has('memory')) {
      process.stdout.write('crypto ceiling… ');
      // `--only memory` (e.g. for profiling) still needs a ceiling: measure it briefly.
      crypto = await timed('crypto', () => runCrypto(lib, only.has('crypto') ? SIZES.cryptoMs : 200));
      console.log(`${fmt(crypto.hmacOpsPerSec)} HMAC/s`);
    }
    let sliceRatios: number[] | undefined;
    if (only.has('memory') && crypto) {
      // mfakit on the memory stores and the bare plain-JS floor, each in its own process,
      // taking turns in short slices (A B B A …), so a load change moves both sides of
      // floorRatio alike and neither pays the other's garbage collection.
      process.stdout.write(`memory stores against the bare plain-JS floor (${SIZES.memSlices} slices each, alternated)… `);
      const pair = await timed('memory', () => runMemoryVsFloor({ users: SIZES.memUsers, minMs: SIZES.memMs, slices: SIZES.memSlices, fromSrc: lib.src !== 'dist/' }));
      const ceiling = (crypto as CryptoResult).cryptoCeilingCyclesPerSec;
      memory = { ...pair.memory, cryptoCeilingCyclesPerSec: ceiling, ratio: Math.round((pair.memory.cyclesPerSec / ceiling) * 1000) / 1000 };
      floor = pair.floor;
      sliceRatios = pair.sliceRatios;
      const spread = spreadOf(pair.sliceRatios);
      console.log(`${fmt(memory.cyclesPerSec)} vs ${fmt(floor.cyclesPerSec)} cycles/s (slice ratios ${spread.min}–${spread.max}, median ${spread.median})`);
      check('memory cycles', memory.cycles > 0 && memory.cyclesPerSec > 0, `${memory.cycles} start+verify cycles, all verified`);
    }
    if (only.has('redis') && target) {
      process.stdout.write(`redis (${target.source} ${target.host}:${target.port})… `);
      redis = await timed('redis', () => runRedis(lib, target, {
        users: SIZES.redisUsers,
        clients: CLIENTS,
        minMs: SIZES.redisMs,
        reps: SIZES.redisReps,
        benchRequests: SIZES.benchRequests,
        sequential: SIZES.sequential,
        redisBenchmarkBin: benchBin,
        autoPipelining: SIZES.autoPipelining,
        otherProcess: SIZES.otherProcess,
      }));
      console.log(`verify ${fmt(redis.verifyPerSec)}/s, start ${fmt(redis.startPerSec)}/s, limit ${fmt(redis.storeLimitPerSec)}/s, ratio per rep ${redis.ratioRuns.map((x) => x ?? 'n/a').join(' / ')}`);
      check('redis commands counted', redis.commandsPerVerify > 0 && redis.commandsPerStart > 0, `${redis.commandsPerVerify}/verify, ${redis.commandsPerStart}/start`);
      check('redis state size read', redis.stateBytes !== null && redis.stateBytes > 0, `MEMORY USAGE ${redis.stateBytes ?? 'null'}`);
      if (benchBin) check('redis store limit', redis.storeLimitPerSec !== null && redis.storeLimitPerSec > 0, `${redis.storeLimitPerSec} ops/s`);
    }
    const contentionStarted = performance.now();
    if (only.has('contention')) {
      process.stdout.write('contention… ');
      {
        const clock = benchClock();
        const stores = countingStores(lib.memoryStores({ clock }));
        const sender = captureSender();
        const mfa = makeMfa(lib, stores, clock, sender);
        const [user] = await seedUsers(stores.factors, 'c', 1, clock.now());
        contention.memory = await runContention('memory', [{ mfa, stores }], sender, user!, CONTENTION_REQUESTS);
      }
      if (target) {
        const prefix = `mfakit-bench:${process.pid}:c:`;
        const conns = await Promise.all(Array.from({ length: REDIS_INSTANCES }, () => connect(target.url)));
        try {
          // The production wiring: redisStores(client) as users get it (`combined` included), one per connection.
          const rig = () => {
            const clock = benchClock();
            const sender = captureSender();
            const instances: (ContentionInstance & { factors: ReturnType<typeof lib.redisStores>['factors'] })[] = conns.map((io) => {
              const raw = lib.redisStores(io, { keyPrefix: prefix });
              const stores = countingStores(raw);
              return { mfa: makeMfa(lib, stores, clock, sender), stores, factors: raw.factors };
            });
            return { clock, sender, instances };
          };
          {
            const { clock, sender, instances } = rig();
            const [user] = await seedUsers(instances[0]!.factors, 'c', 1, clock.now());
            contention.redis = await runContention(`redis (${REDIS_INSTANCES} connections)`, instances, sender, user!, CONTENTION_REQUESTS);
          }
          contention.scaling = [];
          for (const n of SIZES.scaling) {
            const { clock, sender, instances } = rig();
            const [user] = await seedUsers(instances[0]!.factors, `cs${n}-`, 1, clock.now(), 100 + n);
            contention.scaling.push(toScalingRow(await runContention(`redis (${REDIS_INSTANCES} connections)`, instances, sender, user!, n)));
          }
          if (target.source === 'REDIS_URL') await deletePrefix(conns[0]!, prefix);
        } finally {
          for (const io of conns) io.disconnect();
        }
      }
      for (const c of [contention.memory, contention.redis]) {
        if (!c) continue;
        check(
          `contention ${c.store}`,
          c.triesCounted === 4 && c.countedResponses === 4 && c.consecutiveFailures === 4 && c.errors === 0,
          `${c.requests} concurrent wrong verifies: ${c.triesCounted} tries counted in state, ${c.countedResponses} responses counted, ${c.errors} errors${c.firstError ? ` (${c.firstError})` : ''}`,
        );
      }
      seconds['contention'] = Math.round((performance.now() - contentionStarted) / 100) / 10;
      console.log(`done (${seconds['contention']} s)`);
    }

    if (only.has('postgres')) {
      if (postgresAvailable()) {
        process.stdout.write('postgres (own server, mfakit/kysely)… ');
        postgres = await timed('postgres', () => runPostgres(lib, { users: SIZES.pgUsers, clients: PG_CLIENTS, minMs: SIZES.pgMs, pgbenchSeconds: SIZES.pgbenchSeconds, sequential: SIZES.sequential }));
        console.log(`verify ${fmt(postgres.verifyPerSec)}/s, start ${fmt(postgres.startPerSec)}/s, limit ${fmt(postgres.storeLimitPerSec)}/s`);
        check('postgres round trips counted', postgres.roundTripsPerVerify > 0 && postgres.roundTripsPerStart > 0, `${postgres.roundTripsPerVerify}/verify, ${postgres.roundTripsPerStart}/start`);
        check('postgres store limit', postgres.storeLimitPerSec !== null && postgres.storeLimitPerSec > 0, `${postgres.storeLimitPerSec} tx/s`);
      } else if (process.env['MFAKIT_REQUIRE_SQL'] === '1') {
        check('postgres installed', false, 'MFAKIT_REQUIRE_SQL=1 but PostgreSQL (postgres, initdb, pgbench) is not installed');
      } else {
        loud('SKIPPING THE POSTGRES SECTION: PostgreSQL (postgres, initdb, pgbench) is not installed.\nInstall the postgresql package, or set MFAKIT_REQUIRE_SQL=1 to fail instead.');
      }
    }

    if (only.has('peers')) {
      console.log(`peers side by side (${SIZES.peers.reps} rep${SIZES.peers.reps > 1 ? 's' : ''}, rotated)…`);
      const admin = target ? await connect(target.url) : null;
      try {
        peers = await timed('peers', () => runPeers(lib, {
          url: target?.url ?? null,
          admin,
          reps: SIZES.peers.reps,
          minMs: SIZES.peers.minMs,
          inFlight: CLIENTS,
          wrongRequests: CONTENTION_REQUESTS,
          sequential: SIZES.peers.sequential,
          roundUsers: SIZES.peers.roundUsers,
          log: (m) => console.log(`  ${m}`),
        }));
      } finally {
        admin?.disconnect();
      }
      for (const [name, why] of Object.entries(peers.skipped)) if (why !== 'no Redis') loud(`PEER ${name} NOT MEASURED: ${why}`);
      for (const name of ['mfakitMemory', 'mfakitRedis'] as const) {
        const p = peers.systems[name];
        if (p) check(`peers ${name}: 4 guesses compared`, p.guessesCompared === 4, `${p.guessesCompared} of ${peers.wrongRequests} concurrent wrong codes compared`);
      }
    }

    if (only.has('heap')) {
      process.stdout.write(`memory store heap at ${fmt(SIZES.heapUsers)} users (child processes, --expose-gc)… `);
      heap = await timed('heap', () => runHeap({ users: SIZES.heapUsers, checkUsers: SIZES.heapCheckUsers, fromSrc: lib.src !== 'dist/' }));
      console.log(
        `${fmt(heap.bytesPerUser)} B/user idle, ${fmt(heap.justWrittenBytesPerUser)} just written (${fmt(heap.heapAfterMb)} MB heap idle, filled in ${fmt(heap.seedMs / 1000, 1)} s; at ${fmt(heap.check?.users)} users real ${fmt(heap.check?.realBytesPerUser)} vs replay ${fmt(heap.check?.replayBytesPerUser)} B/user)`,
      );
      check('heap measured', heap.bytesPerUser > 0, `${heap.users} users, ${heap.bytesPerUser} B/user`);
    }

    const main = contention.redis ?? contention.memory;
    const scalingAt1000 = contention.scaling?.find((r) => r.requests === 1000);
    const memoryOut = memory && {
      ...memory,
      floorCyclesPerSec: floor?.cyclesPerSec ?? null,
      // memory ÷ the bare plain-JS floor: the median of the slice pairs' ratios (robust to a
      // burst of load that hits one slice); without slices, the ratio of the two rates.
      floorRatio: sliceRatios && sliceRatios.length > 0 ? spreadOf(sliceRatios).median : floor ? Math.round((memory.cyclesPerSec / floor.cyclesPerSec) * 1000) / 1000 : null,
      /** memory ÷ floor cycles/s of each pair of neighbouring slices (the noise of floorRatio). */
      floorSliceRatios: sliceRatios ?? null,
      floor: floor ?? null,
    };
    const current: Json = {
      machine,
      crypto: crypto ?? null,
      memory: memoryOut ? { ...memoryOut, ...(heap ? heapFields(heap) : {}) } : heap ? heapFields(heap) : null,
      redis: redis ?? null,
      postgres: postgres ?? null,
      contention: main
        ? {
            requests: main.requests,
            triesCounted: main.triesCounted,
            wallMs: main.wallMs,
            casRetries: main.casRetries,
            store: main.store,
            wiring: 'redisStores(client) / memoryStores() as users get them (combined fast paths included)',
            guessesComparedAt1000: scalingAt1000?.guessesCompared ?? null,
            ...contention,
          }
        : null,
      // `peers.<name>` per system (read by tools); how the section ran beside it.
      peers: peers ? peers.systems : null,
      peersRun: peers ? { inFlight: peers.inFlight, reps: peers.reps, wrongRequests: peers.wrongRequests, order: peers.order, redisVsRateLimiterFlexible: peers.redisVsRateLimiterFlexible, skipped: peers.skipped } : null,
      latency: {
        memory: memory ? { verifyP50Ms: memory.verifyLatency.p50Ms, verifyP99Ms: memory.verifyLatency.p99Ms } : null,
        redis: redis ? { verifyP50Ms: redis.verifyLatency.p50Ms, verifyP99Ms: redis.verifyLatency.p99Ms, underLoadP50Ms: redis.verifyLatencyUnderLoad.p50Ms, underLoadP99Ms: redis.verifyLatencyUnderLoad.p99Ms } : null,
        postgres: postgres ? { verifyP50Ms: postgres.verifyLatency.p50Ms, verifyP99Ms: postgres.verifyLatency.p99Ms, underLoadP50Ms: postgres.verifyLatencyUnderLoad.p50Ms, underLoadP99Ms: postgres.verifyLatencyUnderLoad.p99Ms } : null,
      },
    };
    const ran = SECTIONS.filter((s) => only.has(s));
    // Sections not run keep their previous values in the file (smoke output is scratch: never merged).
    const merged = mergeResults(smoke ? null : readPrevious(outFile), current, ran);
    const previousMeasured = ((merged['machine'] as Json | undefined)?.['measured'] as Json | undefined) ?? {};
    const stamp = { date: machine.date, src: machine.src, mode: machine.mode, loadAverage1m: machine.loadAverage1m };
    const previousRedis = ((merged['machine'] as Json | undefined)?.['redis'] as string | null | undefined) ?? null;
    merged['machine'] = { ...machine, redis: machine.redis ?? previousRedis, sectionSeconds: seconds, runSeconds: Math.round((performance.now() - started) / 1000), measured: { ...previousMeasured, ...Object.fromEntries(ran.map((s) => [s, stamp])) } };
    const targets = targetsOf(merged);
    merged['targets'] = targets;
    merged['checks'] = checks;
    printResults(machine, crypto, memoryOut, heap, redis, contention, peers, postgres);
    printTargets(targets);
    writeFileSync(outFile, `${JSON.stringify(merged, null, 2)}\n`);
    console.log(`\nseconds per section: ${Object.entries(seconds).map(([k, v]) => `${k} ${v}`).join(', ')}; whole run ${Math.round((performance.now() - started) / 1000)} s`);
    console.log(`\nwrote ${outFile}${ran.length < SECTIONS.length ? ` (merged: ${ran.join(', ')} measured now, the other sections kept from earlier runs)` : ''}`);
  } finally {
    await own?.stop();
  }
  const failed = checks.filter((c) => !c.ok);
  for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  if (failed.length) {
    console.error(`\nbench: ${failed.length} check(s) failed — something is broken (performance targets never fail the run)`);
    return 1;
  }
  return 0;
}

function heapFields(h: HeapResult): Json {
  const at1M = h.users === 1_000_000;
  return { bytesPerUserAt1M: at1M ? h.bytesPerUser : null, bytesPerUserAt1MJustWritten: at1M ? h.justWrittenBytesPerUser : null, heap: h };
}

interface Target {
  readonly name: string;
  readonly target: string;
  readonly actual: number | string | null;
  readonly met: boolean | null;
}

/** The targets, read from the merged results (a section not measured now keeps its last figures). */
function targetsOf(r: Json): Target[] {
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const at = (path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Json)[k] : undefined), r);
  const t = (name: string, target: string, actual: number | string | null, met: boolean | null): Target => ({ name, target, actual, met: actual === null ? null : met });
  const floorRatio = num(at('memory.floorRatio'));
  const ratio = num(at('redis.ratio'));
  const warm = num(at('redis.commandsPerVerifyWarm'));
  const perStart = num(at('redis.commandsPerStart'));
  const stateBytes = num(at('redis.stateBytes'));
  const bytes = num(at('memory.bytesPerUserAt1M'));
  const g1000 = num(at('contention.guessesComparedAt1000'));
  const tries = num(at('contention.triesCounted'));
  const vs = at('peersRun.redisVsRateLimiterFlexible');
  const vsList = Array.isArray(vs) ? (vs as number[]) : null;
  return [
    t('memory floorRatio (memory ÷ bare plain-JS floor)', `>= ${T.floorRatio}`, floorRatio, floorRatio !== null && floorRatio >= T.floorRatio),
    t('redis ratio (verify ÷ store limit)', `>= ${T.redisRatio}`, ratio, ratio !== null && ratio >= T.redisRatio),
    t('redis commandsPerVerifyWarm (this process wrote last)', `== ${T.commandsPerVerifyWarm}`, warm, warm !== null && warm <= T.commandsPerVerifyWarm),
    t('redis commands per start', '<= 2', perStart, perStart !== null && perStart <= 2),
    t('redis state bytes (MEMORY USAGE)', '<= 512', stateBytes, stateBytes !== null && stateBytes <= 512),
    t(
      'mfakit Redis ÷ rate-limiter-flexible cycles/s, every rep',
      `>= ${T.vsRateLimiterFlexible} in each`,
      vsList && vsList.length ? vsList.join(' / ') : null,
      vsList !== null && vsList.length > 0 && vsList.every((x) => x >= T.vsRateLimiterFlexible),
    ),
    t('memory store bytes per user at 1M users (idle)', `<= ${T.bytesPerUserAt1M}`, bytes, bytes !== null && bytes <= T.bytesPerUserAt1M),
    t('contention: guesses compared at 1000 concurrent wrong codes', `== ${T.guessesAt1000}`, g1000, g1000 === T.guessesAt1000),
    t('contention tries counted (200 wrong codes)', '== 4', tries, tries === 4),
  ];
}

function printTargets(targets: readonly Target[]): void {
  console.log('\ntargets (issue 15; reported, never a failure):');
  for (const x of targets) {
    const mark = x.met === null ? 'n/a ' : x.met ? 'met ' : 'MISS';
    console.log(`  ${mark} ${x.name}: ${x.actual ?? 'not measured'} (target ${x.target})`);
  }
}
function printResults(
  machine: { cpu: string; cores: number; node: string; redis: string | null; loadAverage1m: number; src: string },
  crypto: CryptoResult | undefined,
  memory: (MemoryResult & { floorCyclesPerSec: number | null; floorRatio: number | null }) | undefined,
  heap: HeapResult | undefined,
  redis: RedisResult | undefined,
  contention: { memory?: ContentionResult; redis?: ContentionResult; scaling?: ScalingRow[] },
  peers: PeersResult | undefined,
  postgres?: PostgresResult,
): void {
  const rows: Row[] = [
    ['machine', `${machine.cpu}, ${machine.cores} cores`],
    ['node / redis', `${machine.node} / ${machine.redis ?? 'n/a'}`],
    ['load average (1 min) at start', fmt(machine.loadAverage1m, 2)],
    ['library measured', machine.src === 'dist/' ? 'dist/ (built package)' : machine.src],
  ];
  if (crypto) {
    rows.push(
      ['HMAC-SHA-256 ops/s (CodeHasher input shape)', fmt(crypto.hmacOpsPerSec)],
      ['HMACs per start+verify cycle', String(crypto.hmacsPerCycle)],
      ['crypto ceiling, cycles/s', fmt(crypto.cryptoCeilingCyclesPerSec)],
      ['CodeHasher calls of a cycle, cycles/s', fmt(crypto.hasherCyclesPerSec)],
      ['  + code and id randomness, cycles/s', fmt(crypto.cryptoWithRngCyclesPerSec)],
    );
  }
  if (memory) {
    rows.push(
      [`memory: start+verify cycles/s (${fmt(memory.users)} users, sequential)`, fmt(memory.cyclesPerSec)],
      ['memory: ratio to crypto ceiling', fmt(memory.ratio, 3)],
      ['bare plain-JS floor (same HMACs, randomness, rules in Maps), cycles/s', fmt(memory.floorCyclesPerSec)],
      ['memory: floorRatio (memory ÷ floor)', fmt(memory.floorRatio, 3), `>= ${T.floorRatio}`, memory.floorRatio === null ? null : memory.floorRatio >= T.floorRatio],
      ['memory: verify p50 / p99 ms', `${fmt(memory.verifyLatency.p50Ms, 3)} / ${fmt(memory.verifyLatency.p99Ms, 3)}`],
      ['memory: start p50 / p99 ms', `${fmt(memory.startLatency.p50Ms, 3)} / ${fmt(memory.startLatency.p99Ms, 3)}`],
    );
  }
  if (heap) {
    rows.push(
      [`memory store: heap bytes per user at ${fmt(heap.users)} users, idle (records kept as strings by the sweeps)`, fmt(heap.bytesPerUser), heap.users === 1_000_000 ? `<= ${T.bytesPerUserAt1M}` : '', heap.users === 1_000_000 ? heap.bytesPerUser <= T.bytesPerUserAt1M : null],
      [`memory store: heap bytes per user at ${fmt(heap.users)} users, just written (records held decoded)`, fmt(heap.justWrittenBytesPerUser)],
      [`memory store: sweep() encoding every record of ${fmt(heap.users)} users, ms`, fmt(heap.encodeSweepMs)],
    );
  }
  if (redis) {
    rows.push(
      [`redis: store limit, CAS EVALSHA/s (redis-benchmark -c ${redis.clients})`, fmt(redis.storeLimitPerSec)],
      [`redis: verify/s (${redis.clients} concurrent users, 1 process)`, fmt(redis.verifyPerSec)],
      [`redis: startChallenge/s (${redis.clients} concurrent users)`, fmt(redis.startPerSec)],
      [`redis: start+verify cycles/s (${redis.clients} concurrent users)`, fmt(redis.cyclesPerSec)],
      ['redis: ratio verify / store limit', fmt(redis.ratio, 3), `>= ${T.redisRatio}`, redis.ratio === null ? null : redis.ratio >= T.redisRatio],
      ['redis: ratio start / store limit', fmt(redis.startRatio, 3)],
      ['redis: commands per verify (client-sent)', fmt(redis.commandsPerVerify, 2), '<= 2', redis.commandsPerVerify <= 2],
      ['redis: commands per verify, this process wrote last', fmt(redis.commandsPerVerifyWarm, 2), `== ${T.commandsPerVerifyWarm}`, redis.commandsPerVerifyWarm <= T.commandsPerVerifyWarm],
      ['redis: commands per verify, another process wrote last', fmt(redis.commandsPerVerifyCold, 2)],
      ['redis: commands per start (client-sent)', fmt(redis.commandsPerStart, 2), '<= 2', redis.commandsPerStart <= 2],
      ['redis: commandstats calls per verify (incl. Lua)', fmt(redis.serverCallsPerVerify, 2)],
      ['redis: commandstats calls per start (incl. Lua)', fmt(redis.serverCallsPerStart, 2)],
      ['redis: state MEMORY USAGE bytes (after start)', fmt(redis.stateBytes), '<= 512', redis.stateBytes === null ? null : redis.stateBytes <= 512],
      ['redis: state bytes, full window (10 sends, 7 fails)', fmt(redis.stateBytesFullWindow), '<= 512', redis.stateBytesFullWindow === null ? null : redis.stateBytesFullWindow <= 512],
      ['redis: verify p50 / p99 ms (unloaded)', `${fmt(redis.verifyLatency.p50Ms, 3)} / ${fmt(redis.verifyLatency.p99Ms, 3)}`],
      [`redis: verify p50 / p99 ms (${redis.clients} in flight)`, `${fmt(redis.verifyLatencyUnderLoad.p50Ms, 3)} / ${fmt(redis.verifyLatencyUnderLoad.p99Ms, 3)}`],
    );
    if (redis.autoPipelining) {
      rows.push(
        ['redis: verify/s, ioredis enableAutoPipelining', fmt(redis.autoPipelining.verifyPerSec)],
        ['redis: start/s, ioredis enableAutoPipelining', fmt(redis.autoPipelining.startPerSec)],
        ['redis: ratio with auto-pipelining', fmt(redis.autoPipelining.ratio, 3)],
      );
    }
  }
  if (postgres) {
    rows.push(
      [`postgres ${postgres.version.split(' ')[0] ?? ''}: store limit, pgbench one-row UPDATE … WHERE version tx/s (-c ${postgres.clients})`, fmt(postgres.storeLimitPerSec)],
      [`postgres: verify/s (${postgres.clients} concurrent users, 1 process)`, fmt(postgres.verifyPerSec)],
      [`postgres: startChallenge/s (${postgres.clients} concurrent users)`, fmt(postgres.startPerSec)],
      ['postgres: ratio verify / store limit · start / store limit', `${fmt(postgres.ratio, 3)} · ${fmt(postgres.startRatio, 3)}`],
      ['postgres: round trips per verify · per start', `${fmt(postgres.roundTripsPerVerify, 2)} · ${fmt(postgres.roundTripsPerStart, 2)}`],
      ['postgres: verify p50 / p99 ms (unloaded)', `${fmt(postgres.verifyLatency.p50Ms, 3)} / ${fmt(postgres.verifyLatency.p99Ms, 3)}`],
      [`postgres: verify p50 / p99 ms (${postgres.clients} in flight)`, `${fmt(postgres.verifyLatencyUnderLoad.p50Ms, 3)} / ${fmt(postgres.verifyLatencyUnderLoad.p99Ms, 3)}`],
    );
  }
  for (const c of [contention.memory, contention.redis]) {
    if (!c) continue;
    rows.push(
      [`contention ${c.store}: ${c.requests} wrong verifies, tries counted`, String(c.triesCounted), '== 4', c.triesCounted === 4],
      [`contention ${c.store}: wall ms / CAS retries / errors`, `${fmt(c.wallMs, 1)} / ${c.casRetries} / ${c.errors}`],
    );
  }
  for (const r of contention.scaling ?? []) {
    rows.push([
      `contention redis, ${r.requests} concurrent wrong codes: CAS retries · guesses compared · errors · wall ms`,
      `${r.casRetries} · ${r.guessesCompared} · ${r.errors} · ${fmt(r.wallMs, 1)}`,
      r.requests === 1000 ? `${T.guessesAt1000} guesses` : '',
      r.requests === 1000 ? r.guessesCompared === T.guessesAt1000 : null,
    ]);
  }
  printTable('mfakit benchmark', rows);
  if (peers) printPeers(peers);
}

function printPeers(p: PeersResult): void {
  const rows: Row[] = [];
  for (const [name, s] of Object.entries(p.systems)) {
    const c = s.commands;
    rows.push([
      `${name}: cycles/s (reps) · verify p50/p99 ms`,
      `${fmt(s.cyclesPerSec)} (${s.cyclesPerSecReps.map((x) => fmt(x)).join(', ')}) · ${fmt(s.verifyP50Ms, 2)}/${fmt(s.verifyP99Ms, 2)}`,
    ]);
    rows.push([
      `${name}: Redis commands per verify / start · guesses compared (${p.wrongRequests} wrong)`,
      `${c ? `${fmt(c.commandsPerVerify, 2)} / ${fmt(c.commandsPerStart, 2)}` : '–'} · ${s.guessesCompared}`,
    ]);
  }
  if (p.redisVsRateLimiterFlexible.length) {
    rows.push([
      'mfakit Redis ÷ faster rate-limiter-flexible flow, per rep',
      p.redisVsRateLimiterFlexible.join(' / '),
      `>= ${T.vsRateLimiterFlexible} each`,
      p.redisVsRateLimiterFlexible.every((x) => x >= T.vsRateLimiterFlexible),
    ]);
  }
  printTable(`peers side by side (${p.inFlight} in flight, ${p.reps} rep(s), rotated)`, rows);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('\nbench failed:', err);
    killAllChildren('SIGKILL');
    process.exitCode = 1;
  },
);
