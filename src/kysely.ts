/**
 * SQL stores on [Kysely](https://kysely.dev): keep factors, preferred factors, the
 * exception list and (optionally) the short-lived security state in the auth server's own
 * database — PostgreSQL, MySQL/MariaDB or SQLite, through the host's own `Kysely`
 * instance. Kysely is an optional peer dependency (0.28); mfakit imports no database
 * driver.
 *
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { createMfa } from 'mfakit';
 * import { kyselyStores, migrate } from 'mfakit/kysely';
 *
 * const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
 * await migrate(db);                       // creates or updates the mfakit_* tables
 * const stores = kyselyStores(db);
 * const mfa = createMfa({ stores, ...options });
 * setInterval(() => void stores.sweep(), 10 * 60_000).unref(); // optional: delete expired state rows
 * ```
 *
 * ## Tables (default prefix `mfakit_`)
 *
 * | table | key | holds |
 * |---|---|---|
 * | `mfakit_factors` | (`user_id`, `factor_id`) | one factor: `status`, `phone` (indexed, for STOP replies), `created_at`, `last_used_at`, `data` (the factor's JSON) |
 * | `mfakit_preferred` | `user_id` | the user's preferred `factor_id` |
 * | `mfakit_exceptions` | `user_id` | one exception-list entry: `added_at`, `expires_at`, `data` (its JSON) |
 * | `mfakit_state` | `state_key` | one state record: `value`, `version`, `expires_at` (epoch ms, indexed; null: never) |
 * | `mfakit_migrations`, `mfakit_migrations_lock` | | Kysely `Migrator` bookkeeping for this prefix |
 *
 * ## Guarantees
 *
 * A state write is one compare-and-set statement (`update … where state_key = ? and
 * version = ?`, checked by its affected rows; a new key is an insert that only replaces an
 * expired row), so across every process sharing the database exactly one of concurrent
 * writers wins. Every read treats a row past its `expires_at` as missing; `sweep()`
 * deletes such rows. `combined.loadUser` (and `loadUserWith`, with the shared settings) is one statement; `combined.commit` is one statement
 * on PostgreSQL (so an uncontended `verify` or `startChallenge` costs 2 round trips) and one
 * transaction on MySQL and SQLite. A lost connection, a deadlock or a serialization failure rejects with
 * `MfaError('store_failed')` (a deadlock or serialization failure is first retried a few
 * times), so mfakit fails closed; a row mfakit did not write fails closed too.
 *
 * To keep factors in SQL and the counters in Redis, combine the ports:
 * `{ factors: kyselyStores(db).factors, state: redisStateStore(redis) }`.
 *
 * @module
 */
export { kyselyStores, migrate, mfakitMigrator } from './adapters/kysely/index.js';
export type { KyselyStores, KyselyStoresOptions, MigrateOptions, MigrateResult, SqlDialect } from './adapters/kysely/index.js';
