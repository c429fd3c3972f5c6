/**
 * The worker processes the Redis cross-process tests drive: two on ioredis and two on
 * node-redis, each running `worker.ts` against one server.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SECRET } from '../helpers/setup.js';
import { WorkerHandle } from '../helpers/worker-handle.js';
import type { ClientKind, FromWorker } from './worker.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** The client of each worker, in the order they are started. */
export const WORKER_KINDS: readonly ClientKind[] = ['ioredis', 'node-redis', 'ioredis', 'node-redis'];

/**
 * Forks one worker per {@link WORKER_KINDS} on `url`, adds each to `into` as it starts (so
 * an `afterAll` stops them even when one fails to connect), and resolves their first
 * messages (`connected`) in order.
 */
export async function startRedisWorkers(url: string, into: WorkerHandle<FromWorker>[]): Promise<FromWorker[]> {
  for (const kind of WORKER_KINDS) {
    const child = fork(WORKER, [url, kind, SECRET], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    into.push(new WorkerHandle<FromWorker>(child));
  }
  return Promise.all(into.map((w) => w.next(30_000)));
}
