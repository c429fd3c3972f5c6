/**
 * Redis stores: share MFA state between every process of an auth server, so tries,
 * lockouts, cooldowns and send budgets hold across all of them.
 *
 * Works with an **ioredis** 5 client (`Redis` or `Cluster`) or a **node-redis** 5 client
 * (`createClient` or `createCluster`); neither is imported by mfakit, both are optional
 * peer dependencies. Any Redis error, and any reply slower than `commandTimeoutMs`,
 * rejects with `MfaError('store_failed')`, so mfakit fails closed. A client still
 * connecting is waited for (its first `ready`), within `commandTimeoutMs`.
 *
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createMfa } from 'mfakit';
 * import { redisStores } from 'mfakit/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, enableOfflineQueue: false });
 * redis.on('error', (err) => console.error('Redis:', err.message));
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
 * | `mfakit:{pfx:<hash>:<n>}`, `mfakit:{ip:<hash>:<n>}`, `mfakit:{cap:<hour>:<n>}` | string `<version>\n<value>` | the TTL mfakit gives | one shard of a prefix's, a client IP's or the global cap's send budget |
 * | `mfakit:{owner:<hash>}` | string `<version>\n<value>` | none (kept while the owner's factor is active; deleted with the owner's last factor on it; a stale one is taken over) | `destinations.unique`: the user who owns one number or address (the hash is keyed, never the number or address) |
 * | `mfakit:{<key>}` | string `<version>\n<value>` | as given | any other `StateStore` key `<key>` |
 * | `mfakit:{user:<userId>}:factors` | hash factorId → factor JSON, and `:preferred` → the preferred factor id | none (durable) | the user's factors and preferred factor |
 * | `mfakit:phone:{<e164>}` | set of `["<userId>","<factorId>"]` | none (durable) | index for `findFactorsByPhone` (a superset; hits are re-checked) |
 * | `mfakit:email:{<address>}` | set of `["<userId>","<factorId>"]` | none (durable) | index for `findFactorsByEmail` (a superset; hits are re-checked) |
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
 * a user's state and factors in one `EVALSHA` (`loadUserWith`: and the shared settings in
 * the same script), and `commit` writes several records (and records a factor's use) in
 * one `EVALSHA`, answering a lost race with the current records so no re-read is needed.
 * Uncontended, on a single node, with no shared send budget in force:
 *
 * | call | commands |
 * |---|---|
 * | `verify` | 1: `EVALSHA` commit (consumes the code, records the factor's use) when this process wrote the user's record last; 2 (`GET` user first) when another did |
 * | `startChallenge` | 2: `EVALSHA` load (state + factors + shared settings), `EVALSHA` commit (user and number) |
 * | `resend` | 2, as `startChallenge` |
 * | `getStatus`, `listFactors` | 1: the load |
 *
 * Each shared send budget in force (the per-prefix budget, on by default; the per-IP
 * budget; the global cap) adds one `EVALSHA` per send. The number's budget record is not
 * read: mfakit starts from the copy this process saw last (or "no sends"), and the commit
 * proves it current; when another process wrote it since, the commit answers with the real
 * record and costs one more `EVALSHA`. On a cluster the shared settings live in another
 * slot (one `GET` beside the load) and the user's and the number's records are committed
 * one after the other, so `startChallenge` costs 4 and `getStatus` / `listFactors` 2.
 *
 * Versions are `max(previous + 1, server time in µs)`, so a key that expired and was
 * written again never reuses a version a stale reader still holds.
 *
 * @module
 */
export * from './adapters/redis/index.js';
