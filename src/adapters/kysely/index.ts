/**
 * The kysely layer's exports; the public entry with its documentation is `src/kysely.ts`.
 * @internal
 * @module
 */
import { sql, type Kysely } from 'kysely';
import { MfaError } from '../../config/errors.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { CombinedStore } from '../../ports/combined-store.js';
import type { FactorStore, Stores } from '../../ports/factor-store.js';
import type { StateStore } from '../../ports/state-store.js';
import type { SqlContext } from './cas.js';
import { createKyselyCombinedStore } from './combined-store.js';
import { dialectOf, guarded, type AnyKysely, type SqlDialect } from './dialect.js';
import { createKyselyFactorStore } from './factor-store.js';
import { createKyselyStateStore } from './state-store.js';
import { tableNames } from './tables.js';

export { migrate, mfakitMigrator } from './migrations.js';
export type { MigrateOptions, MigrateResult } from './migrations.js';
export type { SqlDialect } from './dialect.js';

/**
 * Options of {@link kyselyStores}.
 *
 * @example
 * ```ts
 * const options: KyselyStoresOptions = { tablePrefix: 'acme_mfa_', clock: { now: () => Date.now() } };
 * ```
 */
export interface KyselyStoresOptions {
  /** Prefix of every table (default `'mfakit_'`); the same as given to `migrate`. */
  readonly tablePrefix?: string;
  /**
   * Time source for the state records' expiry (`expires_at`, epoch ms). Default: the wall
   * clock. Pass the same clock as `createMfa`; every process sharing the database should
   * have a synchronised clock.
   */
  readonly clock?: Clock;
  /** Overrides the dialect read from the Kysely adapter (`db.getExecutor().adapter`). */
  readonly dialect?: SqlDialect;
}

/**
 * What {@link kyselyStores} returns: both ports, their fast paths, and `sweep`.
 *
 * @example
 * ```ts
 * const { factors, state, combined, sweep }: KyselyStores = kyselyStores(db);
 * await sweep(); // number of expired state rows deleted
 * ```
 */
export interface KyselyStores extends Stores {
  /** Durable data: factors, preferred factor, exception list. */
  readonly factors: FactorStore;
  /** Short-lived security state, compare-and-set by a version column, expiry by `expires_at`. */
  readonly state: StateStore;
  /** `loadUser` in one statement and `commit` in one transaction (see `CombinedStore`). */
  readonly combined: CombinedStore;
  /**
   * Deletes the expired state rows (reads already treat them as missing); resolves how
   * many. Schedule it as often as you like (e.g. every few minutes); nothing depends on it.
   */
  sweep(): Promise<number>;
}

/**
 * Creates both stores over the host's own `Kysely` instance (Postgres, MySQL/MariaDB or
 * SQLite, told from its adapter). Run {@link migrate} with the same `tablePrefix` first.
 * Nothing is sent to the database until the first call.
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { kyselyStores, migrate } from 'mfakit/kysely';
 *
 * const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
 * await migrate(db);
 * const mfa = createMfa({ stores: kyselyStores(db), ...options });
 * ```
 */
export function kyselyStores<DB>(db: Kysely<DB>, options: KyselyStoresOptions = {}): KyselyStores {
  const any = db as unknown as AnyKysely;
  const ctx: SqlContext = { t: tableNames(options.tablePrefix), dialect: dialectOf(any, options.dialect) };
  const clock = options.clock ?? systemClock;
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
    throw new MfaError('invalid_options', 'kyselyStores: clock must have a now() method');
  }
  return {
    factors: createKyselyFactorStore(any, ctx),
    state: createKyselyStateStore(any, ctx, clock),
    combined: createKyselyCombinedStore(any, ctx, clock),
    async sweep() {
      const now = clock.now();
      const r = await guarded('sweep', () =>
        sql`delete from ${sql.table(ctx.t.state)} where ${sql.ref('expires_at')} is not null and ${sql.ref('expires_at')} <= ${now}`.execute(any),
      );
      return Number(r.numAffectedRows ?? 0n);
    },
  };
}
