/**
 * 3. Redis: the store's own limit (redis-benchmark running a compare-and-set script of the
 * adapter's shape), mfakit start and verify throughput from one process with `clients`
 * concurrent users, commands per operation from `INFO commandstats`, `MEMORY USAGE` of one
 * user's state; 5. verify latency (unloaded, and under the 64-user load).
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { Mfa } from 'mfakit';
import {
  benchClock,
  type CaptureSender,
  captureSender,
  cycle,
  expectOk,
  makeMfa,
  ROUND_GAP_MS,
  seedUsers,
  type User,
  wrongCode,
} from '../lib/fixture.js';
import { runChild } from '../lib/child.js';
import type { Library } from '../lib/mfakit.js';
import { infoField, parseCommandStats, redisBenchmark, statDelta } from '../lib/redis-server.js';
import { collectGarbage, type Latency, latencyOf, median, pool, round } from '../lib/stats.js';

export interface RedisTarget {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly password?: string | undefined;
  readonly source: 'spawned' | 'REDIS_URL';
}

export interface RedisResult {
  readonly source: string;
  readonly clients: number;
  readonly users: number;
  readonly verifyPerSec: number;
  readonly startPerSec: number;
  /** Start + verify cycles per second over the same rounds: cycles ÷ (start time + verify time). */
  readonly cyclesPerSec: number;
  /** redis-benchmark -c <clients>: EVALSHA of a script with the adapter CAS's keys and commands. */
  readonly storeLimitPerSec: number | null;
  readonly storeLimitScript: string;
  /** The redis-benchmark runs, before, between and after mfakit's reps: their spread is the machine's noise. */
  readonly storeLimitRuns: (number | null)[];
  /**
   * The median of `ratioRuns`: each rep's verify/s over the mean of the two limits measured
   * just before and after it (not `verifyPerSec / storeLimitPerSec`, which pairs medians of
   * different moments).
   */
  readonly ratio: number | null;
  /** Each rep's verify/s ÷ the mean of the limits measured around it. */
  readonly ratioRuns: (number | null)[];
  /** Each rep's verify/s (`verifyPerSec` is their median). */
  readonly verifyPerSecRuns: number[];
  /** startPerSec / storeLimitPerSec. */
  readonly startRatio: number | null;
  /**
   * Top-level commands the client sent per uncontended verify / start (what the targets
   * count). Measured as it always was: the same instance started the challenge just before.
   */
  readonly commandsPerVerify: number;
  /** Commands per verify when this process wrote the user's record last (same measurement as commandsPerVerify). */
  readonly commandsPerVerifyWarm: number;
  /** Commands per verify when another process wrote the user's record last (a child process started the challenge). */
  readonly commandsPerVerifyCold: number | null;
  readonly verifyCommandsCold: Record<string, number> | null;
  readonly commandsPerStart: number;
  /** INFO commandstats total delta per operation, including the GET/TIME/SET the Lua script runs. */
  readonly serverCallsPerVerify: number;
  readonly serverCallsPerStart: number;
  readonly verifyCommands: Record<string, number>;
  readonly startCommands: Record<string, number>;
  /** MEMORY USAGE of one user's state key right after startChallenge. */
  readonly stateBytes: number | null;
  /** Its STRLEN (the `<version>\n<json>` value). */
  readonly stateValueBytes: number | null;
  /** MEMORY USAGE after 10 sends and 7 failures in the window: the largest record short of a lock. */
  readonly stateBytesFullWindow: number | null;
  readonly destinationBytes: number | null;
  readonly verifyLatency: Latency;
  readonly startLatency: Latency;
  readonly verifyLatencyUnderLoad: Latency;
  readonly autoPipelining?: { readonly verifyPerSec: number; readonly startPerSec: number; readonly ratio: number | null };
}

export function parseRedisUrl(url: string): { host: string; port: number; password?: string } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379), ...(u.password ? { password: decodeURIComponent(u.password) } : {}) };
}

/** The adapter's CAS script with its version-mismatch exit disabled: same key, same GET/TIME/SET, always writes. */
export function storeLimitScript(cas: string): { script: string; note: string } {
  const exits = cas.match(/if not ok then/g)?.length ?? 0;
  const script = cas.replace(/if not ok then/g, 'if false then');
  const note = exits === 1 ? 'adapter CAS_SCRIPT, version-mismatch exit disabled (GET + TIME + SET PX, 1 key)' : `adapter CAS_SCRIPT with ${exits} mismatch exits disabled (shape changed: check)`;
  return { script, note };
}

/** The script's arguments for one write of `value` (no factor touch); the expected version never matches, on purpose. */
export const storeLimitArgs = (value: string): string[] => ['1', '', '', '1', 'set', value, '600000'];

/** A redisStores client (function form) that counts the commands it sends, by name. */
function counted(io: Redis): { client: (command: string, args: string[]) => Promise<unknown>; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return {
    counts,
    client: (command, args) => {
      const name = command.toLowerCase();
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return io.call(command, ...args);
    },
  };
}

async function connect(url: string, extra: Record<string, unknown> = {}): Promise<Redis> {
  const io = new Redis(url, { maxRetriesPerRequest: 1, ...extra });
  await new Promise<void>((resolve, reject) => {
    io.once('ready', () => resolve());
    io.once('error', reject);
  });
  return io;
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const perOp = (m: Map<string, number>, n: number): Record<string, number> =>
  Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / n, 2)]));
const diff = (after: Map<string, number>, before: Map<string, number>): Map<string, number> =>
  new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as [string, number]).filter(([, v]) => v > 0));

async function commandStats(io: Redis): Promise<Map<string, number>> {
  return parseCommandStats(String(await io.call('INFO', 'commandstats')));
}

interface Rig {
  readonly mfa: Mfa;
  readonly sender: CaptureSender;
  readonly clock: ReturnType<typeof benchClock>;
  /** Commands sent, by name (a counting rig only; empty otherwise). */
  readonly counts: Map<string, number>;
  readonly io: Redis;
}

/**
 * One `Mfa` on its own connection. Plain (`counting: false`), the ioredis client is handed to
 * `redisStores` as users do; counting, a function client counts each command by name first
 * (the command counts come from such a rig, the throughput from a plain one).
 */
async function rig(lib: Library, url: string, prefix: string, opts: { counting: boolean; ioOptions?: Record<string, unknown> }): Promise<Rig> {
  const io = await connect(url, opts.ioOptions);
  const clock = benchClock();
  const sender = captureSender();
  if (!opts.counting) {
    const mfa = makeMfa(lib, lib.redisStores(io, { keyPrefix: prefix }), clock, sender);
    return { mfa, sender, clock, counts: new Map(), io };
  }
  const { client, counts } = counted(io);
  const mfa = makeMfa(lib, lib.redisStores(client, { keyPrefix: prefix }), clock, sender);
  return { mfa, sender, clock, counts, io };
}

/** Rounds of: every user starts (timed), then every user verifies (timed); `clients` in flight. */
async function throughput(r: Rig, users: readonly User[], clients: number, minMs: number, underLoad?: number[]) {
  const roundTrip = async (lat?: number[]) => {
    const startMs = await pool(users, clients, async (u) => expectOk(await r.mfa.startChallenge(u.id), `startChallenge(${u.id})`));
    const verifyMs = await pool(
      users,
      clients,
      async (u) => {
        const code = r.sender.codes.get(u.phone);
        if (code === undefined) throw new Error(`no code sent to ${u.id}`);
        expectOk(await r.mfa.verify(u.id, code), `verify(${u.id})`);
      },
      lat,
    );
    r.clock.advance(ROUND_GAP_MS);
    return { startMs, verifyMs };
  };
  await roundTrip(); // warm-up: script load (NOSCRIPT → EVAL once), JIT, connection buffers
  let startMs = 0;
  let verifyMs = 0;
  let ops = 0;
  while (startMs + verifyMs < minMs || ops === 0) {
    const t = await roundTrip(underLoad);
    startMs += t.startMs;
    verifyMs += t.verifyMs;
    ops += users.length;
  }
  return { startPerSec: (ops * 1000) / startMs, verifyPerSec: (ops * 1000) / verifyMs, cyclesPerSec: (ops * 1000) / (startMs + verifyMs) };
}

export async function runRedis(
  lib: Library,
  target: RedisTarget,
  opts: {
    users: number; clients: number; minMs: number; reps: number; benchRequests: number; sequential: number;
    redisBenchmarkBin: string | null; autoPipelining: boolean; otherProcess: boolean;
  },
): Promise<RedisResult> {
  const prefix = `mfakit-bench:${process.pid}:`;
  // Throughput on a plain rig (the ioredis client handed to redisStores, as users do);
  // command counts on a counting rig.
  const r = await rig(lib, target.url, prefix, { counting: false });
  const c = await rig(lib, target.url, prefix, { counting: true });
  const admin = await connect(target.url);
  try {
    const users = await seedUsers(lib.redisStores(admin, { keyPrefix: prefix }).factors, 'r', opts.users, r.clock.now());
    const stateKey = (userId: string) => `${prefix}{user:${userId}}`;
    const memUsage = async (key: string) => {
      const v = await admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
      return typeof v === 'number' ? v : null;
    };

    // The largest record short of a lock: 10 sends in the window, 7 failures, a live code.
    const [full] = await seedUsers(lib.redisStores(admin, { keyPrefix: prefix }).factors, 'full', 1, r.clock.now(), 5_000_000);
    const fullUser = full as User;
    for (let i = 0; i < 10; i++) {
      expectOk(await r.mfa.startChallenge(fullUser.id), 'startChallenge(full)');
      if (i < 7) await r.mfa.verify(fullUser.id, wrongCode(r.sender.codes.get(fullUser.phone) as string));
      r.clock.advance(5 * 60_000 + 1);
    }
    const stateBytesFullWindow = await memUsage(stateKey(fullUser.id));

    // The store's own limit: the same script shape, the same concurrency, a real state value.
    const raw = String(await admin.call('GET', stateKey(fullUser.id)));
    const value = raw.slice(raw.indexOf('\n') + 1);
    const { script, note } = storeLimitScript(lib.CAS_SCRIPT);
    const sha = String(await admin.call('SCRIPT', 'LOAD', script));
    const bin = opts.redisBenchmarkBin;
    const storeLimit = async (): Promise<number | null> =>
      bin === null
        ? null
        : redisBenchmark(bin, target, { clients: opts.clients, requests: opts.benchRequests, keyspace: 100_000 }, [
            'EVALSHA', sha, '1', `${prefix}{user:lim:__rand_int__}`, ...storeLimitArgs(value),
          ]);
    // mfakit throughput, `clients` users in flight over one connection, in `reps` runs, each
    // between two runs of the limit: each rep's ratio is its verify/s over the mean of the
    // limits measured just before and after it (the machine drifts; pairs close in time
    // share its state), and the reported ratio is the median of those.
    const limits: (number | null)[] = [await storeLimit()];
    const underLoad: number[] = [];
    const reps: Awaited<ReturnType<typeof throughput>>[] = [];
    for (let i = 0; i < opts.reps; i++) {
      collectGarbage();
      reps.push(await throughput(r, users, opts.clients, opts.minMs / opts.reps, underLoad));
      limits.push(await storeLimit());
    }
    const ratioRuns = reps.map((t, i) => {
      const [before, after] = [limits[i], limits[i + 1]];
      return before == null || after == null ? null : t.verifyPerSec / ((before + after) / 2);
    });
    const tp = {
      verifyPerSec: median(reps.map((t) => t.verifyPerSec)),
      startPerSec: median(reps.map((t) => t.startPerSec)),
      cyclesPerSec: median(reps.map((t) => t.cyclesPerSec)),
    };
    const measuredLimits = limits.filter((l): l is number => l !== null);
    const storeLimitPerSec = measuredLimits.length === limits.length ? median(measuredLimits) : null;
    const measuredRatios = ratioRuns.filter((x): x is number => x !== null);
    const ratio = measuredRatios.length === ratioRuns.length ? median(measuredRatios) : null;
    // The counting rig goes on from where the throughput rounds left the users, with one
    // round of its own first: the counts below are of a process that wrote the records last.
    c.clock.set(r.clock.now() + ROUND_GAP_MS);
    const seq = users.slice(0, Math.min(opts.sequential, users.length));
    for (const u of seq) await cycle(c.mfa, c.sender, u);
    c.clock.advance(ROUND_GAP_MS);

    // Commands per operation and unloaded latency: sequential, on fresh rounds.
    const s0 = await commandStats(admin);
    const c0 = new Map(c.counts);
    const startLat: number[] = [];
    for (const u of seq) {
      const t = performance.now();
      expectOk(await c.mfa.startChallenge(u.id), 'startChallenge');
      startLat.push(performance.now() - t);
    }
    const s1 = await commandStats(admin);
    const c1 = new Map(c.counts);
    const probe = seq[0] as User;
    const stateBytes = await memUsage(stateKey(probe.id));
    const strlen = stateBytes === null ? null : Number(await admin.call('STRLEN', stateKey(probe.id)));
    const s1b = await commandStats(admin); // MEMORY USAGE and STRLEN are not the verify's
    const verifyLat: number[] = [];
    for (const u of seq) {
      const code = c.sender.codes.get(u.phone) as string;
      const t = performance.now();
      expectOk(await c.mfa.verify(u.id, code), 'verify');
      verifyLat.push(performance.now() - t);
    }
    const s2 = await commandStats(admin);
    const c2 = new Map(c.counts);
    c.clock.advance(ROUND_GAP_MS);
    const n = seq.length;

    // Another process wrote last: a child process starts the challenges, this one verifies.
    let cold: { perVerify: number; commands: Record<string, number> } | null = null;
    if (opts.otherProcess) {
      const coldUsers = seq.slice(0, Math.min(50, seq.length));
      const codes = await otherProcessStarts(target.url, prefix, c.clock.now(), coldUsers, lib.src !== 'dist/');
      const c3 = new Map(c.counts);
      for (const u of coldUsers) {
        const code = codes[u.phone];
        if (code === undefined) throw new Error(`the other process sent no code to ${u.id}`);
        expectOk(await c.mfa.verify(u.id, code), 'verify (another process wrote last)');
      }
      const coldClient = diff(new Map(c.counts), c3);
      cold = { perVerify: round(total(coldClient) / coldUsers.length, 2), commands: perOp(coldClient, coldUsers.length) };
      c.clock.advance(ROUND_GAP_MS);
    }
    const startServer = statDelta(s0, s1);
    const verifyServer = statDelta(s1b, s2);
    const startClient = diff(c1, c0);
    const verifyClient = diff(c2, c1);

    // Destination key size: find it by scanning our prefix.
    const [, destKeys] = (await admin.call('SCAN', '0', 'MATCH', `${prefix}{dest:*`, 'COUNT', '1000')) as [string, string[]];
    const destinationBytes = destKeys[0] ? await memUsage(destKeys[0]) : null;

    let autoPipelining: RedisResult['autoPipelining'];
    if (opts.autoPipelining) {
      const ap = await rig(lib, target.url, prefix, { counting: false, ioOptions: { enableAutoPipelining: true } });
      try {
        ap.clock.set(c.clock.now() + ROUND_GAP_MS);
        const t = await throughput(ap, users, opts.clients, opts.minMs);
        autoPipelining = { verifyPerSec: round(t.verifyPerSec), startPerSec: round(t.startPerSec), ratio: null };
      } finally {
        ap.io.disconnect();
      }
    }

    return {
      source: target.source,
      clients: opts.clients,
      users: users.length,
      verifyPerSec: round(tp.verifyPerSec),
      startPerSec: round(tp.startPerSec),
      cyclesPerSec: round(tp.cyclesPerSec),
      storeLimitPerSec: storeLimitPerSec === null ? null : round(storeLimitPerSec),
      storeLimitScript: note,
      storeLimitRuns: limits.map((v) => (v === null ? null : round(v))),
      ratio: ratio === null ? null : round(ratio, 3),
      ratioRuns: ratioRuns.map((x) => (x === null ? null : round(x, 3))),
      verifyPerSecRuns: reps.map((t) => round(t.verifyPerSec)),
      startRatio: storeLimitPerSec ? round(tp.startPerSec / storeLimitPerSec, 3) : null,
      commandsPerVerify: round(total(verifyClient) / n, 2),
      commandsPerVerifyWarm: round(total(verifyClient) / n, 2),
      commandsPerVerifyCold: cold?.perVerify ?? null,
      verifyCommandsCold: cold?.commands ?? null,
      commandsPerStart: round(total(startClient) / n, 2),
      serverCallsPerVerify: round(total(verifyServer) / n, 2),
      serverCallsPerStart: round(total(startServer) / n, 2),
      verifyCommands: perOp(verifyServer, n),
      startCommands: perOp(startServer, n),
      stateBytes,
      stateValueBytes: strlen,
      stateBytesFullWindow,
      destinationBytes,
      verifyLatency: latencyOf(verifyLat),
      startLatency: latencyOf(startLat),
      verifyLatencyUnderLoad: latencyOf(underLoad),
      ...(autoPipelining
        ? { autoPipelining: { ...autoPipelining, ratio: storeLimitPerSec ? round(autoPipelining.verifyPerSec / storeLimitPerSec, 3) : null } }
        : {}),
    };
  } finally {
    // Leave a shared server (REDIS_URL) as we found it.
    if (target.source === 'REDIS_URL') await deletePrefix(admin, prefix);
    r.io.disconnect();
    c.io.disconnect();
    admin.disconnect();
  }
}

/** Runs bench/lib/other-process.ts: another process starts the users' challenges; resolves phone → code. */
async function otherProcessStarts(url: string, prefix: string, now: number, users: readonly User[], fromSrc: boolean): Promise<Record<string, string>> {
  const args = [url, prefix, String(now), JSON.stringify(users.map((u) => ({ id: u.id, phone: u.phone }))), ...(fromSrc ? ['--src'] : [])];
  return (await runChild('other process', 'other-process.ts', args)) as Record<string, string>;
}

/** Deletes every key under `prefix` (SCAN + UNLINK). */
export async function deletePrefix(io: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await io.call('SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000')) as [string, string[]];
    cursor = next;
    if (keys.length) await io.call('UNLINK', ...keys);
  } while (cursor !== '0');
}

/** `redis_version` of the server. */
export async function redisVersion(url: string): Promise<string> {
  const io = await connect(url);
  try {
    return infoField(String(await io.call('INFO', 'server')), 'redis_version') ?? 'unknown';
  } finally {
    io.disconnect();
  }
}

export { connect };
