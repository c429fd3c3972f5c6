/**
 * The redis layer's exports; the public entry with its documentation is `src/redis.ts`.
 * @internal
 * @module
 */
import { MfaError } from '../../config/errors.js';
import type { CombinedStore } from '../../ports/combined-store.js';
import type { FactorStore, Stores } from '../../ports/factor-store.js';
import type { StateStore } from '../../ports/state-store.js';
import { isClusterClient, redisCall, type RedisClientLike } from './client.js';
import { createRedisCombinedStore } from './combined-store.js';
import { createRedisFactorStore } from './factor-store.js';
import { redisKeys } from './keys.js';
import { createRedisStateStore } from './state-store.js';

export type { IoredisLike, NodeRedisClusterLike, NodeRedisLike, RedisClientLike } from './client.js';

/**
 * Options of {@link redisStores}, {@link redisStateStore} and {@link redisFactorStore}.
 *
 * @example
 * ```ts
 * const options: RedisStoresOptions = { keyPrefix: 'acme:mfa:', commandTimeoutMs: 2_000, batchWrites: true };
 * ```
 */
export interface RedisStoresOptions {
  /** Prepended to every key (default `'mfakit:'`). May not contain `{` or `}`. */
  readonly keyPrefix?: string;
  /**
   * A command whose reply takes longer rejects with `MfaError('store_failed')`
   * (default `5_000`; `null` leaves timeouts to the client). Keeps requests from
   * hanging while a client queues commands during a reconnect.
   */
  readonly commandTimeoutMs?: number | null;
  /**
   * Whether the client talks to a Redis Cluster. Detected for ioredis `Cluster` and
   * node-redis `createCluster` clients; set it to `true` for a bare-function client that
   * routes to a cluster, so no script spans hash slots.
   */
  readonly cluster?: boolean;
  /**
   * Whether an ioredis client's commands sent in one turn of the event loop leave in one
   * socket write (per 16 commands) instead of one write system call each (default `true`).
   * mfakit holds the client's socket (`cork`) from its first command of a turn until the turn
   * ends (`process.nextTick`), so your own commands of that turn on the same client join the
   * write. `false` leaves every write to the client. node-redis gathers a turn's writes
   * itself; a bare-function client is never held.
   */
  readonly batchWrites?: boolean;
}

const DEFAULT_PREFIX = 'mfakit:';
const DEFAULT_TIMEOUT_MS = 5_000;

function setup(client: RedisClientLike, options: RedisStoresOptions) {
  const prefix = options.keyPrefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
    throw new MfaError('invalid_options', 'redisStores: keyPrefix must be a string without "{" or "}"');
  }
  const timeout = options.commandTimeoutMs === undefined ? DEFAULT_TIMEOUT_MS : options.commandTimeoutMs;
  if (timeout !== null && (!Number.isFinite(timeout) || timeout <= 0)) {
    throw new MfaError('invalid_options', 'redisStores: commandTimeoutMs must be a positive number or null');
  }
  if (options.cluster !== undefined && typeof options.cluster !== 'boolean') {
    throw new MfaError('invalid_options', 'redisStores: cluster must be a boolean');
  }
  if (options.batchWrites !== undefined && typeof options.batchWrites !== 'boolean') {
    throw new MfaError('invalid_options', 'redisStores: batchWrites must be a boolean');
  }
  const cluster = options.cluster ?? isClusterClient(client);
  return { call: redisCall(client, timeout, options.batchWrites ?? true), keys: redisKeys(prefix), cluster };
}

/**
 * Creates the Redis {@link StateStore} only (e.g. to keep factors in your own database).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { redisStateStore } from 'mfakit/redis';
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const stores = { factors: myDatabaseFactorStore, state: redisStateStore(client) };
 * ```
 */
export function redisStateStore(client: RedisClientLike, options: RedisStoresOptions = {}): StateStore {
  const { call, keys } = setup(client, options);
  return createRedisStateStore(call, keys);
}

/**
 * Creates the Redis {@link FactorStore} only. Its keys have no TTL: this is durable
 * data, so run Redis with persistence (AOF) if it is the only copy.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisFactorStore } from 'mfakit/redis';
 *
 * const factors = redisFactorStore(new Redis(), { keyPrefix: 'acme:mfa:' });
 * await factors.listFactors('u1'); // []
 * ```
 */
export function redisFactorStore(client: RedisClientLike, options: RedisStoresOptions = {}): FactorStore {
  const { call, keys } = setup(client, options);
  return createRedisFactorStore(call, keys);
}

/**
 * What {@link redisStores} returns: both ports and their one-command fast paths.
 *
 * @example
 * ```ts
 * const { factors, state, combined }: RedisStores = redisStores(redis);
 * combined.multiKey; // false on a Redis Cluster
 * ```
 */
export interface RedisStores extends Stores {
  /** One-command fast paths: `loadUser` and `commit` (see `CombinedStore`). */
  readonly combined: CombinedStore;
}

/**
 * Creates both stores over one Redis client, with their one-command fast paths
 * (`combined`). See the module documentation for the key layout and the commands each
 * call costs; nothing is sent to Redis until the first call.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisStores } from 'mfakit/redis';
 *
 * const stores = redisStores(new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 }));
 * const mfa = createMfa({ stores, ...options });
 * ```
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { redisStores } from 'mfakit/redis';
 *
 * const client = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * const stores = redisStores(client, { keyPrefix: 'acme:mfa:' });
 * ```
 */
export function redisStores(client: RedisClientLike, options: RedisStoresOptions = {}): RedisStores {
  const { call, keys, cluster } = setup(client, options);
  return {
    factors: createRedisFactorStore(call, keys),
    state: createRedisStateStore(call, keys),
    combined: createRedisCombinedStore(call, keys, !cluster),
  };
}
