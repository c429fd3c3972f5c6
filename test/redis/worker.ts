/**
 * One auth-server process for the cross-process tests, run by the parent test with
 * `child_process.fork(..., { execArgv: ['--import', 'tsx'] })`.
 *
 * argv: `<redisUrl> <ioredis|node-redis> <secret>`. It opens its own Redis client, says
 * `connected`, then per round: `prepare` (a fresh createMfa over redisStores with the
 * round's keyPrefix and its own outbox) → `ready`; `go` → runs every call at once →
 * `done` with each outcome and every message its outbox accepted. `exit` closes the
 * client and exits; so does losing the parent.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { redisStores, type RedisClientLike } from '../../src/adapters/redis/index.js';
import { serveRounds } from '../helpers/worker-rounds.js';

/** The Redis client a worker uses. */
export type ClientKind = 'ioredis' | 'node-redis';

/** One call a worker makes in a round. */
export type Call =
  | { readonly op: 'startChallenge'; readonly userId?: string }
  | { readonly op: 'verify'; readonly code: string }
  | { readonly op: 'confirmEnrollment'; readonly userId: string; readonly code: string };

/** Options of a round's createMfa beyond the defaults (plain JSON: the send budgets). */
export interface RoundOptions {
  readonly sending?: { readonly perPrefix?: number | false; readonly perIp?: number | false; readonly globalCap?: number | false };
  readonly destinations?: { readonly unique?: boolean };
}

/** Parent → worker. */
export type ToWorker =
  | { readonly type: 'prepare'; readonly prefix: string; readonly userId: string; readonly calls: readonly Call[]; readonly options?: RoundOptions }
  | { readonly type: 'go' }
  | { readonly type: 'exit' };

/** What one call resolved to (or the MfaError code it threw). */
export type Outcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly attemptsLeft?: number; readonly failuresLeft?: number; readonly scope?: string }
  | { readonly ok: 'threw'; readonly error: string };

/** Worker → parent. */
export type FromWorker =
  | { readonly type: 'connected'; readonly kind: ClientKind; readonly pid: number }
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly outcomes: Outcome[]; readonly sent: { to: string; code: string | undefined }[] }
  | { readonly type: 'failed'; readonly message: string };

const send = (msg: FromWorker): void => {
  process.send?.(msg);
};

async function connect(url: string, kind: ClientKind): Promise<{ client: RedisClientLike; close(): Promise<void> }> {
  if (kind === 'ioredis') {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    await client.connect();
    return {
      client,
      close: async () => {
        await client.quit().catch(() => undefined);
        client.disconnect();
      },
    };
  }
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return {
    client,
    close: async () => {
      if (client.isOpen) await client.close().catch(() => undefined);
    },
  };
}

async function main(): Promise<void> {
  const [url, kind, secret] = process.argv.slice(2);
  if (!url || (kind !== 'ioredis' && kind !== 'node-redis') || !secret) {
    throw new Error('usage: worker.ts <redisUrl> <ioredis|node-redis> <secret>');
  }
  const redis = await connect(url, kind);

  const exit = async (code: number): Promise<never> => {
    await redis.close();
    process.exit(code);
  };
  serveRounds((prefix) => redisStores(redis.client, { keyPrefix: prefix }), secret, exit, send);
  send({ type: 'connected', kind, pid: process.pid });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) });
  process.exit(1);
});
