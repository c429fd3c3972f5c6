/**
 * Redis stores: share MFA state between every process of an auth server, so tries,
 * lockouts, cooldowns and send budgets hold across all of them.
 *
 * Works with an **ioredis** 5 client (`Redis` or `Cluster`) or a **node-redis** 5 client
 * (`createClient` or `createCluster`); neither is imported by mfakit, both are optional
 * peer dependencies. Any Redis error, and any reply slower than `commandTimeoutMs`,
 * rejects with `MfaError('store_failed')`, so mfakit fails closed.
 *
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createMfa } from 'mfakit';
 * import { redisStores } from 'mfakit/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
 * const mfa = createMfa({ stores: redisStores(redis, { keyPrefix: 'acme:mfa:' }), ...options });
 * ```
 *
 * ## Key layout
 *
 * With the default `keyPrefix` `mfakit:` (a prefix may not contain `{` or `}`):
 *
 * | key | type | TTL | holds |
 * |---|---|---|---|
 * | `mfakit:{user:<userId>}` | string `<version>\n<value>` | the TTL mfakit gives (never: admin-only lock) | the user's short-lived security state (code hash, tries, counters, lock, sends) |
 * | `mfakit:{dest:<hash>}` | string `<version>\n<value>` | the TTL mfakit gives | the send budget of one destination number |
 * | `mfakit:{<key>}` | string `<version>\n<value>` | as given | any other `StateStore` key `<key>` |
 * | `mfakit:{user:<userId>}:factors` | hash factorId → factor JSON, and `:preferred` → the preferred factor id | none (durable) | the user's factors and preferred factor |
 * | `mfakit:phone:{<e164>}` | set of `["<userId>","<factorId>"]` | none (durable) | index for `findFactorsByPhone` (a superset; hits are re-checked) |
 * | `mfakit:exceptions` | hash userId → entry JSON | none (durable) | the exception list |
 *
 * The `{...}` part is a Redis Cluster hash tag: a user's state and factors live in one
 * slot. Every command and script touches keys of one slot only, so there is never a
 * `CROSSSLOT` error. (On a single node, one commit may also hold a number's send budget.)
 *
 * ## Commands
 *
 * A state read is one `GET`; a state write is one `EVALSHA` of a compare-and-set script
 * (`EVAL` once after `NOSCRIPT`). `redisStores` also returns `combined`: `loadUser` reads
 * a user's state and factors in one `EVALSHA`, and `commit` writes several records (and
 * records a factor's use) in one `EVALSHA`, answering a lost race with the current
 * records so no re-read is needed. Uncontended, on a single node:
 *
 * | call | commands |
 * |---|---|
 * | `verify` | 2: `GET` user, `EVALSHA` commit (consumes the code, records the factor's use) |
 * | `startChallenge` | 2: `EVALSHA` load (state + factors), `EVALSHA` commit (user and number) |
 * | `resend` | 2, as `startChallenge` |
 *
 * The number's budget record is not read: mfakit starts from the copy this process saw
 * last (or "no sends"), and the commit proves it current; when another process wrote it
 * since, the commit answers with the real record and costs one more `EVALSHA`. On a
 * cluster the user's and the number's records are committed one after the other, so
 * `startChallenge` costs 3.
 *
 * Versions are `max(previous + 1, server time in µs)`, so a key that expired and was
 * written again never reuses a version a stale reader still holds.
 *
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
 * const options: RedisStoresOptions = { keyPrefix: 'acme:mfa:', commandTimeoutMs: 2_000 };
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
  const cluster = options.cluster ?? isClusterClient(client);
  return { call: redisCall(client, timeout), keys: redisKeys(prefix), cluster };
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
