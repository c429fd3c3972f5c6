import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A redis-server child process on a loopback port. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** SIGTERM, then waits for exit. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL (a crash), then waits for exit. */
  kill(): Promise<void>;
  /** Starts again on the same port (after `stop` or `kill`), waits for PING. Data is gone (`--save ''`). */
  restart(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: never leave a redis-server behind, even when the runner dies.
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** The redis-server binary: `$REDIS_SERVER_BIN`, or the first `redis-server` on PATH, or null. */
export function findRedisServer(): string | null {
  const fromEnv = process.env['REDIS_SERVER_BIN'];
  return fromEnv ? (isExecutable(fromEnv) ? fromEnv : null) : findOnPath('redis-server');
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when `PING` on 127.0.0.1:port answers `+PONG`. */
export function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function spawnOn(bin: string, port: number, dir: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000)));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited on port ${port}:\n${output}`);
    }
    if (await ping(port)) return child;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await waitExit(child);
  throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`);
}

/**
 * Starts `redis-server --port <free port> --bind 127.0.0.1 --save '' --appendonly no`
 * from PATH and waits until it answers PING.
 */
export async function startRedis(extraArgs: string[] = []): Promise<RedisServer> {
  const bin = findRedisServer();
  if (bin === null) throw new Error('redis-server is not on PATH (install the redis-server package or set REDIS_URL)');
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'mfakit-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 1; child === undefined; attempt += 1) {
    port = await freePort();
    try {
      child = await spawnOn(bin, port, dir, extraArgs);
    } catch (err) {
      if (attempt >= 3) throw err; // the free port may have been taken meanwhile
    }
  }
  let current: ChildProcess | null = child;
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = current;
    current = null;
    if (proc === null) return;
    proc.kill(signal);
    await waitExit(proc);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
    restart: async () => {
      await end('SIGTERM');
      current = await spawnOn(bin, port, dir, extraArgs);
    },
  };
}

/** A Redis Cluster of masters only, on loopback ports. */
export interface RedisCluster {
  /** `redis://127.0.0.1:<port>` of every master. */
  readonly urls: string[];
  readonly nodes: RedisServer[];
  /** Stops every node. */
  stop(): Promise<void>;
}

/** Whether a Redis Cluster can be started here (redis-server and redis-cli on PATH). */
export function canStartCluster(): boolean {
  return findRedisServer() !== null && findOnPath('redis-cli') !== null;
}

/** The path of an executable `name` on PATH, or null. */
export function findOnPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    if (isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} ${args.join(' ')} failed:\n${out}`))));
  });
}

/** Starts `masters` cluster-enabled redis-servers, joins them with `redis-cli --cluster create`, waits for `cluster_state:ok`. */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const cli = findOnPath('redis-cli');
  if (cli === null) throw new Error('redis-cli is not on PATH');
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < masters; i += 1) {
      nodes.push(await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${process.pid}-${i}.conf`, '--cluster-node-timeout', '5000']));
    }
    await run(cli, ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    const deadline = Date.now() + 20_000;
    for (const node of nodes) {
      while (!(await run(cli, ['-p', String(node.port), 'CLUSTER', 'INFO'])).includes('cluster_state:ok')) {
        if (Date.now() > deadline) throw new Error('the cluster did not reach cluster_state:ok');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw err;
  }
  return {
    urls: nodes.map((n) => n.url),
    nodes,
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}

/** Where the tests get Redis from. */
export type RedisAvailability =
  | { readonly source: 'env'; readonly url: string }
  | { readonly source: 'spawn' }
  | { readonly source: 'none'; readonly reason: string };

/**
 * `REDIS_URL` if set; else a spawned redis-server if one is on PATH; else none, which
 * throws when `MFAKIT_REQUIRE_REDIS=1` and otherwise prints a loud warning.
 */
export function redisAvailability(): RedisAvailability {
  const url = process.env['REDIS_URL'];
  if (url) return { source: 'env', url };
  if (findRedisServer() !== null) return { source: 'spawn' };
  const reason = 'no REDIS_URL and no redis-server on PATH';
  if (process.env['MFAKIT_REQUIRE_REDIS'] === '1') {
    throw new Error(`MFAKIT_REQUIRE_REDIS=1 but ${reason}: install redis-server or set REDIS_URL`);
  }
  warnSkipped(reason);
  return { source: 'none', reason };
}

/** Whether tests may spawn their own (killable) redis-server; throws when required but missing. */
export function canSpawnRedis(): boolean {
  if (findRedisServer() !== null) return true;
  if (process.env['MFAKIT_REQUIRE_REDIS'] === '1') {
    throw new Error('MFAKIT_REQUIRE_REDIS=1 but redis-server is not on PATH (needed for kill/restart tests)');
  }
  warnSkipped('redis-server is not on PATH (kill/restart tests)');
  return false;
}

/** A loud message on stderr. */
export function warnSkipped(reason: string): void {
  const line = '!'.repeat(78);
  console.warn(`\n${line}\n!!! SKIPPING REDIS TESTS: ${reason}.\n!!! Install redis-server, set REDIS_URL, or set MFAKIT_REQUIRE_REDIS=1 to fail instead.\n${line}\n`);
}
