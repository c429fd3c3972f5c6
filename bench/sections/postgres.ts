/**
 * 6. PostgreSQL (mfakit/kysely): the database's own limit (`pgbench` running a one-row
 * `UPDATE … WHERE version` script, the shape of the store's compare-and-set), mfakit start
 * and verify throughput from one process with `clients` concurrent users, and round trips
 * (statements sent, `BEGIN`/`COMMIT` included) per uncontended verify and start.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { findPostgresBin, startPostgres, type SqlServer } from '../../test/helpers/sql-servers.js';
import { benchClock, captureSender, expectOk, makeMfa, ROUND_GAP_MS, seedUsers, type User } from '../lib/fixture.js';
import type { Library } from '../lib/mfakit.js';
import { type Latency, latencyOf, pool, round } from '../lib/stats.js';

export interface PostgresResult {
  readonly version: string;
  readonly clients: number;
  readonly users: number;
  readonly verifyPerSec: number;
  readonly startPerSec: number;
  /** pgbench -c <clients>: transactions/s of a one-row `UPDATE … WHERE k = ? AND version = ?` (autocommit). */
  readonly storeLimitPerSec: number | null;
  /** Both pgbench runs (before and after mfakit's): their spread is the machine's noise. */
  readonly storeLimitRuns: (number | null)[];
  /** verifyPerSec / storeLimitPerSec. */
  readonly ratio: number | null;
  readonly startRatio: number | null;
  /** Statements sent per uncontended verify / start (`BEGIN` and `COMMIT` count: each is a round trip). */
  readonly roundTripsPerVerify: number;
  readonly roundTripsPerStart: number;
  readonly verifyLatency: Latency;
  readonly verifyLatencyUnderLoad: Latency;
}

/** Whether PostgreSQL (postgres, initdb, pgbench) is installed. */
export function postgresAvailable(): boolean {
  return findPostgresBin() !== null;
}

function pgbenchRun(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench failed (${code}):\n${out}`))));
  });
}

/** The database's own limit: pgbench, `clients` connections, the one-row compare-and-set statement. */
async function pgbench(server: SqlServer, clients: number, seconds: number, dir: string): Promise<number | null> {
  const bin = findPostgresBin();
  if (bin === null || !existsSync(join(bin, 'pgbench'))) return null; // the limit (and the ratio) is then n/a
  const script = join(dir, 'cas.sql');
  writeFileSync(
    script,
    [
      '\\set k random(1, 100000)',
      // The store's write: one row, by key and version, a new version and value (a real-sized record).
      "UPDATE bench_cas SET value = repeat('x', 260), version = version + 1, expires_at = 1 WHERE k = :k AND version = version;",
      '',
    ].join('\n'),
  );
  const out = await pgbenchRun(join(bin, 'pgbench'), ['-n', '-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', script, 'postgres']);
  const tps = /tps = ([\d.]+)/.exec(out)?.[1];
  return tps === undefined ? null : Number(tps);
}

export async function runPostgres(lib: Library, opts: { users: number; clients: number; minMs: number; pgbenchSeconds: number; sequential: number }): Promise<PostgresResult> {
  const server = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'mfakit-bench-pg-'));
  let statements = 0;
  const pgPool = new pg.Pool({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres', max: opts.clients });
  pgPool.on('error', () => undefined);
  pgPool.on('connect', (client) => {
    client.on('error', () => undefined);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements += 1;
      return query(...args);
    };
  });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: pgPool }) });
  try {
    const version = String((await sql<{ v: string }>`show server_version`.execute(db)).rows[0]?.['server_version' as 'v'] ?? 'unknown');
    await lib.migrate(db);
    await sql`create table bench_cas (k int primary key, value text not null, version bigint not null, expires_at bigint)`.execute(db);
    await sql`insert into bench_cas select g, repeat('x', 260), 1, null from generate_series(1, 100000) g`.execute(db);
    const limitBefore = await pgbench(server, opts.clients, opts.pgbenchSeconds, dir);

    const clock = benchClock();
    const sender = captureSender();
    const stores = lib.kyselyStores(db, { clock });
    const mfa = makeMfa(lib, stores, clock, sender);
    const users = await seedUsers(stores.factors, 'p', opts.users, clock.now(), 0, 16);

    const roundTrip = async (lat?: number[]) => {
      const startMs = await pool(users, opts.clients, async (u) => expectOk(await mfa.startChallenge(u.id), `startChallenge(${u.id})`));
      const verifyMs = await pool(
        users,
        opts.clients,
        async (u) => {
          const code = sender.codes.get(u.phone);
          if (code === undefined) throw new Error(`no code sent to ${u.id}`);
          expectOk(await mfa.verify(u.id, code), `verify(${u.id})`);
        },
        lat,
      );
      clock.advance(ROUND_GAP_MS);
      return { startMs, verifyMs };
    };
    await roundTrip(); // warm-up: connections, plans, JIT
    const underLoad: number[] = [];
    let startMs = 0;
    let verifyMs = 0;
    let ops = 0;
    while (startMs + verifyMs < opts.minMs || ops === 0) {
      const t = await roundTrip(underLoad);
      startMs += t.startMs;
      verifyMs += t.verifyMs;
      ops += users.length;
    }

    // Round trips per operation and unloaded latency: sequential, uncontended.
    const seq: User[] = users.slice(0, Math.min(opts.sequential, users.length));
    const s0 = statements;
    for (const u of seq) expectOk(await mfa.startChallenge(u.id), 'startChallenge');
    const s1 = statements;
    const verifyLat: number[] = [];
    for (const u of seq) {
      const code = sender.codes.get(u.phone) as string;
      const t = performance.now();
      expectOk(await mfa.verify(u.id, code), 'verify');
      verifyLat.push(performance.now() - t);
    }
    const s2 = statements;

    const limitAfter = await pgbench(server, opts.clients, opts.pgbenchSeconds, dir);
    const limits = [limitBefore, limitAfter].filter((v): v is number => v !== null);
    const storeLimitPerSec = limits.length ? limits.reduce((a, b) => a + b, 0) / limits.length : null;
    const verifyPerSec = (ops * 1000) / verifyMs;
    const startPerSec = (ops * 1000) / startMs;
    return {
      version,
      clients: opts.clients,
      users: users.length,
      verifyPerSec: round(verifyPerSec),
      startPerSec: round(startPerSec),
      storeLimitPerSec: storeLimitPerSec === null ? null : round(storeLimitPerSec),
      storeLimitRuns: [limitBefore, limitAfter].map((v) => (v === null ? null : round(v))),
      ratio: storeLimitPerSec ? round(verifyPerSec / storeLimitPerSec, 3) : null,
      startRatio: storeLimitPerSec ? round(startPerSec / storeLimitPerSec, 3) : null,
      roundTripsPerVerify: round((s2 - s1) / seq.length, 2),
      roundTripsPerStart: round((s1 - s0) / seq.length, 2),
      verifyLatency: latencyOf(verifyLat),
      verifyLatencyUnderLoad: latencyOf(underLoad),
    };
  } finally {
    await db.destroy().catch(() => undefined);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
