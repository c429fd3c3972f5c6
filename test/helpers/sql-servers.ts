/**
 * Throwaway PostgreSQL and MariaDB servers for the SQL store tests: each starts on a free
 * loopback port in a fresh temporary directory and is removed by `stop()`. As root (CI),
 * the server runs as the `postgres` / `mysql` user (PostgreSQL refuses root), through the
 * `uid`/`gid` of `child_process.spawn`. Each server is its own process group, so `kill()`
 * takes every backend down at once, like a crash.
 *
 * Missing binaries skip loudly; with `MFAKIT_REQUIRE_SQL=1` they fail instead.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, MysqlDialect, PostgresDialect } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { findOnPath, freePort } from './redis-server.js';

/** A database server child process on a loopback port. */
export interface SqlServer {
  readonly kind: 'postgres' | 'mariadb';
  readonly port: number;
  /** A connection URL for the test database. */
  readonly url: string;
  /** Shuts down, waits for exit, removes the directory. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL to the whole process group (a crash), then waits for exit. */
  kill(): Promise<void>;
  /** Starts again on the same port and data (after `kill`), waits until it accepts connections. */
  restart(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHook = false;
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  // Last resort: never leave a server behind, even when the runner dies.
  process.once('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The directory holding `postgres` and `initdb`: `$PG_BIN`, the newest /usr/lib/postgresql/<ver>/bin, or PATH. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  if (process.env['PG_BIN']) candidates.push(process.env['PG_BIN']);
  try {
    const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // not a Debian layout
  }
  const onPath = findOnPath('postgres');
  if (onPath) candidates.push(onPath.replace(/\/postgres$/, ''));
  return candidates.find((dir) => isExecutable(join(dir, 'postgres')) && isExecutable(join(dir, 'initdb'))) ?? null;
}

/** `mariadbd` (or `mysqld`) and `mariadb-install-db`, or null. */
export function findMariadb(): { server: string; install: string } | null {
  const server = [findOnPath('mariadbd'), '/usr/sbin/mariadbd', findOnPath('mysqld'), '/usr/sbin/mysqld'].find((f): f is string => f !== null && isExecutable(f));
  const install = [findOnPath('mariadb-install-db'), '/usr/bin/mariadb-install-db', findOnPath('mysql_install_db')].find((f): f is string => f !== null && isExecutable(f));
  return server && install ? { server, install } : null;
}

/** Whether a server of `kind` can be started; throws under `MFAKIT_REQUIRE_SQL=1` when not. */
export function sqlAvailable(kind: 'postgres' | 'mariadb'): boolean {
  const found = kind === 'postgres' ? findPostgresBin() !== null : findMariadb() !== null;
  if (found) return true;
  const what = kind === 'postgres' ? 'PostgreSQL (postgres, initdb)' : 'MariaDB (mariadbd, mariadb-install-db)';
  if (process.env['MFAKIT_REQUIRE_SQL'] === '1') throw new Error(`MFAKIT_REQUIRE_SQL=1 but ${what} is not installed`);
  const line = '!'.repeat(78);
  console.warn(`\n${line}\n!!! SKIPPING ${kind.toUpperCase()} TESTS: ${what} not found.\n!!! Install ${kind === 'postgres' ? 'postgresql' : 'mariadb-server'} or set MFAKIT_REQUIRE_SQL=1 to fail instead.\n${line}\n`);
  return false;
}

/** uid/gid of `user` when running as root (servers refuse root), else nothing. */
function runAs(user: string): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
  return { uid, gid };
}

function run(bin: string, args: string[], as: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...as });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-4000)));
    child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} failed (${code}):\n${out}`))));
  });
}

async function startServer(
  bin: string,
  args: string[],
  as: object,
  ready: () => Promise<boolean>,
  name: string,
): Promise<ChildProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...as });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-4000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-4000)));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited:\n${output}`);
    if (await ready()) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  killGroup(child, 'SIGKILL');
  await waitExit(child);
  throw new Error(`${name} did not accept connections within 60 s:\n${output}`);
}

async function pgReady(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** initdb in a temp dir, then `postgres` on a free port (trust auth, user `postgres`, database `postgres`). */
export async function startPostgres(): Promise<SqlServer> {
  const bin = findPostgresBin();
  if (bin === null) throw new Error('PostgreSQL is not installed');
  installExitHook();
  const as = runAs('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'mfakit-pg-'));
  if ('uid' in as) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C'], as);
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'];
  let child: ChildProcess | null = await startServer(join(bin, 'postgres'), args, as, () => pgReady(port), 'postgres');
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null) return;
    killGroup(proc, signal);
    await waitExit(proc);
  };
  return {
    kind: 'postgres',
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      // Immediate shutdown (nothing to keep), by the postmaster, which reaps its backends.
      const proc = child;
      child = null;
      if (proc !== null) {
        proc.kill('SIGQUIT');
        await waitExit(proc);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
    restart: async () => {
      await end('SIGKILL');
      child = await startServer(join(bin, 'postgres'), args, as, () => pgReady(port), 'postgres');
    },
  };
}

async function mariadbReady(port: number): Promise<boolean> {
  const { createConnection } = await import('mysql2/promise');
  try {
    const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1_000 });
    await conn.query('create database if not exists mfakit_test');
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/** mariadb-install-db in a temp dir, then `mariadbd` on a free port (no grant tables: any user, no password), database `mfakit_test`. */
export async function startMariadb(): Promise<SqlServer> {
  const found = findMariadb();
  if (found === null) throw new Error('MariaDB is not installed');
  installExitHook();
  const as = runAs('mysql');
  const dir = mkdtempSync(join(tmpdir(), 'mfakit-maria-'));
  if ('uid' in as) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  await run(found.install, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db'], as);
  const port = await freePort();
  const args = [
    '--no-defaults', `--datadir=${data}`, `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${join(dir, 'sock')}`,
    `--pid-file=${join(dir, 'pid')}`, '--skip-grant-tables', '--skip-log-bin', '--performance-schema=off',
    '--innodb-buffer-pool-size=64M', '--innodb-flush-log-at-trx-commit=2', '--max-connections=200', '--skip-name-resolve',
  ];
  let child: ChildProcess | null = await startServer(found.server, args, as, () => mariadbReady(port), 'mariadbd');
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null) return;
    killGroup(proc, signal);
    await waitExit(proc);
  };
  return {
    kind: 'mariadb',
    port,
    url: `mysql://root@127.0.0.1:${port}/mfakit_test`,
    stop: async () => {
      await end('SIGKILL'); // throwaway data: no clean shutdown needed
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
    restart: async () => {
      await end('SIGKILL');
      child = await startServer(found.server, args, as, () => mariadbReady(port), 'mariadbd');
    },
  };
}

/** A Kysely over a `pg` pool to `server`; `onQuery` hears the text of every statement sent (`BEGIN` and `COMMIT` too). */
export function postgresKysely(server: SqlServer, max = 10, onQuery?: (text: string) => void): Kysely<unknown> {
  const pool = new pg.Pool({ host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres', max, connectionTimeoutMillis: 5_000 });
  // A killed server: the queries reject; a client's own 'error' event must not crash the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    if (onQuery === undefined) return;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      onQuery(typeof first === 'string' ? first : String((first as { text?: unknown } | undefined)?.text ?? ''));
      return query(...args);
    };
  });
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
}

/** A Kysely over a mysql2 pool to `server`. */
export function mariadbKysely(server: SqlServer, connectionLimit = 10): Kysely<unknown> {
  const pool = createPool({ host: '127.0.0.1', port: server.port, user: 'root', database: 'mfakit_test', connectionLimit, connectTimeout: 5_000 });
  return new Kysely<unknown>({ dialect: new MysqlDialect({ pool }) });
}
