/**
 * A bench-local redis-server on a free loopback port, redis-benchmark, INFO parsing.
 * Every child process started here is killed when the bench ends: normally, on an
 * error, on SIGINT/SIGTERM, and (SIGKILL) on `process.exit`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ping } from '../../test/helpers/redis-server.js';

export const INSTALL_HINT = 'install them with: sudo apt-get install redis-server redis-tools (or set REDIS_URL to a server you own and put redis-benchmark on PATH)';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let hooked = false;

/** Kills every child still running (SIGKILL: used on exit, where nothing async runs). */
export function killAllChildren(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

function hookCleanup(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    killAllChildren('SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping redis-server and exiting`);
      killAllChildren('SIGKILL');
      process.exit(code);
    });
  }
}

function track(child: ChildProcess): ChildProcess {
  hookCleanup();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

// Finding the binary, a free port and a PING check are shared with the tests' Redis helper.
export { findOnPath as which } from '../../test/helpers/redis-server.js';

export interface OwnRedis {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `redis-server` (no persistence) on a free 127.0.0.1 port and waits for PING. */
export async function startOwnRedis(bin: string): Promise<OwnRedis> {
  hookCleanup();
  const dir = mkdtempSync(join(tmpdir(), 'mfakit-bench-redis-'));
  tempDirs.add(dir);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = track(
      spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-2000)));
    child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString('utf8')).slice(-2000)));
    const deadline = Date.now() + 10_000;
    let up = false;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await ping(port)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    if (up) {
      return {
        host: '127.0.0.1',
        port,
        url: `redis://127.0.0.1:${port}`,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            const gone = new Promise<void>((r) => child.once('exit', () => r()));
            child.kill('SIGTERM');
            await gone;
          }
          rmSync(dir, { recursive: true, force: true });
          tempDirs.delete(dir);
        },
      };
    }
    child.kill('SIGKILL');
    if (attempt >= 3) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start:\n${output}`);
    }
  }
}

/** Runs a command to completion, tracked for cleanup; resolves stdout. */
export function run(bin: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} exited ${code}: ${err || out}`))));
  });
}

/**
 * `redis-benchmark --csv` of one command; resolves requests per second.
 * `__rand_int__` in the arguments is replaced by a random number below `keyspace`.
 */
export async function redisBenchmark(
  bin: string,
  target: { host: string; port: number; password?: string | undefined },
  opts: { clients: number; requests: number; keyspace: number },
  command: readonly string[],
): Promise<number> {
  const args = ['-h', target.host, '-p', String(target.port), '-c', String(opts.clients), '-n', String(opts.requests), '-r', String(opts.keyspace), '--csv'];
  if (target.password) args.push('-a', target.password);
  const out = await run(bin, [...args, ...command]);
  // CSV columns: "test","rps", then 6 latency columns. The test name holds the command
  // (CSV-escaped, quotes and commas included), so read the numbers from the end.
  const row = /"([\d.]+)"(?:,"[\d.]+"){6}\s*$/m;
  const lines = out.trim().split('\n').filter((l) => row.test(l));
  const last = lines[lines.length - 1];
  const rps = last ? Number(row.exec(last)?.[1]) : Number.NaN;
  if (!Number.isFinite(rps)) throw new Error(`could not read redis-benchmark output:\n${out}`);
  return rps;
}

/** Parses `INFO commandstats` into command → calls. */
export function parseCommandStats(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of info.split(/\r?\n/)) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (m) calls.set(m[1] as string, Number(m[2]));
  }
  return calls;
}

/** One field of an INFO reply. */
export function infoField(info: string, field: string): string | undefined {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return m?.[1]?.trim();
}

/** Per-command call deltas between two commandstats snapshots (INFO/CONFIG excluded). */
export function statDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [cmd, n] of after) {
    if (cmd === 'info' || cmd.startsWith('config')) continue;
    const d = n - (before.get(cmd) ?? 0);
    if (d > 0) delta.set(cmd, d);
  }
  return delta;
}
