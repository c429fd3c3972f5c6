/**
 * The schema, as Kysely migrations supplied in code (nothing is read from disk), and
 * `migrate`, which runs them with Kysely's `Migrator` under tables of the prefix.
 * @internal
 * @module
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { MfaError } from '../../config/errors.js';
import { dialectOf, plainError, type AnyKysely, type SqlDialect } from './dialect.js';
import { columnTypes, EMAIL_BYTES, ID_BYTES, PHONE_BYTES, STATE_KEY_BYTES, tableNames, type TableNames } from './tables.js';

/** The first schema: factors, preferred factors, the exception list and the state records. */
function initial(t: TableNames, dialect: SqlDialect): Migration {
  const c = columnTypes(dialect);
  // MySQL: InnoDB (transactions, row locks) and utf8mb4, whatever the server's defaults are.
  const tableEnd = dialect === 'mysql' ? sql.raw('engine = InnoDB default charset = utf8mb4') : sql.raw('');
  return {
    async up(db) {
      await db.schema
        .createTable(t.factors)
        .addColumn('user_id', c.key(ID_BYTES), (col) => col.notNull())
        .addColumn('factor_id', c.key(ID_BYTES), (col) => col.notNull())
        .addColumn('status', c.word, (col) => col.notNull())
        .addColumn('phone', c.key(PHONE_BYTES))
        .addColumn('created_at', c.integer, (col) => col.notNull())
        .addColumn('last_used_at', c.integer)
        .addColumn('data', c.document, (col) => col.notNull())
        .addPrimaryKeyConstraint(`${t.factors}_pk`, ['user_id', 'factor_id'])
        .modifyEnd(tableEnd)
        .execute();
      await db.schema.createIndex(t.factorsPhoneIndex).on(t.factors).column('phone').execute();

      await db.schema
        .createTable(t.preferred)
        .addColumn('user_id', c.key(ID_BYTES), (col) => col.notNull())
        .addColumn('factor_id', c.key(ID_BYTES), (col) => col.notNull())
        .addPrimaryKeyConstraint(`${t.preferred}_pk`, ['user_id'])
        .modifyEnd(tableEnd)
        .execute();

      await db.schema
        .createTable(t.exceptions)
        .addColumn('user_id', c.key(ID_BYTES), (col) => col.notNull())
        .addColumn('added_at', c.integer, (col) => col.notNull())
        .addColumn('expires_at', c.integer)
        .addColumn('data', c.document, (col) => col.notNull())
        .addPrimaryKeyConstraint(`${t.exceptions}_pk`, ['user_id'])
        .modifyEnd(tableEnd)
        .execute();
      await db.schema.createIndex(t.exceptionsAddedIndex).on(t.exceptions).column('added_at').execute();

      await db.schema
        .createTable(t.state)
        .addColumn('state_key', c.key(STATE_KEY_BYTES), (col) => col.notNull())
        .addColumn('value', c.document, (col) => col.notNull())
        .addColumn('version', c.integer, (col) => col.notNull())
        .addColumn('expires_at', c.integer)
        .addPrimaryKeyConstraint(`${t.state}_pk`, ['state_key'])
        .modifyEnd(tableEnd)
        .execute();
      await db.schema.createIndex(t.stateExpiresIndex).on(t.state).column('expires_at').execute();
    },
    async down(db) {
      for (const table of [t.state, t.exceptions, t.preferred, t.factors]) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}

/**
 * The factors' email address in a column of its own, indexed, for `findFactorsByEmail`
 * (`destinations.unique`): existing rows get it from their JSON document.
 */
function factorEmail(t: TableNames, dialect: SqlDialect): Migration {
  const c = columnTypes(dialect);
  return {
    async up(db) {
      await db.schema.alterTable(t.factors).addColumn('email', c.key(EMAIL_BYTES)).execute();
      await db.schema.createIndex(t.factorsEmailIndex).on(t.factors).column('email').execute();
      await fillEmails(db, t, dialect);
    },
    async down(db) {
      const drop = db.schema.dropIndex(t.factorsEmailIndex);
      await (dialect === 'mysql' ? drop.on(t.factors) : drop).execute();
      await db.schema.alterTable(t.factors).dropColumn('email').execute();
    },
  };
}

/**
 * Fills in the `email` column of rows whose document holds an address and whose column does
 * not: every row when the column is added, and, at every later {@link migrate}, the rows an
 * older mfakit (which does not know the column) wrote after it was added. Only rows whose
 * document holds an email are touched (every factor mfakit writes is valid JSON).
 */
async function fillEmails(db: AnyKysely, t: TableNames, dialect: SqlDialect): Promise<void> {
  await sql`update ${sql.table(t.factors)} set ${sql.ref('email')} = ${emailOfData(dialect)} where ${sql.ref('email')} is null and ${sql.ref('data')} like ${'%"email"%'}`.execute(db);
}

/** The `email` field of a factor row's JSON document, as SQL of the dialect (`null` when absent). */
function emailOfData(dialect: SqlDialect) {
  const data = sql.ref('data');
  switch (dialect) {
    case 'postgres':
      return sql`cast(${data} as json) ->> 'email'`;
    case 'mysql':
      return sql`json_unquote(json_extract(${data}, '$.email'))`;
    case 'sqlite':
      return sql`json_extract(${data}, '$.email')`;
  }
}

/**
 * The migrations of one prefix and dialect, by name (applied in name order).
 * @internal
 */
export function migrationsOf(t: TableNames, dialect: SqlDialect): Record<string, Migration> {
  return { '0001_initial': initial(t, dialect), '0002_factor_email': factorEmail(t, dialect) };
}

/** A Kysely `MigrationProvider` over {@link migrationsOf}: nothing is read from disk. @internal */
export function migrationProvider(t: TableNames, dialect: SqlDialect): MigrationProvider {
  return { getMigrations: async () => migrationsOf(t, dialect) };
}

/**
 * Options of {@link migrate} and {@link mfakitMigrator}.
 *
 * @example
 * ```ts
 * const options: MigrateOptions = { tablePrefix: 'acme_mfa_' };
 * ```
 */
export interface MigrateOptions {
  /** The table prefix (default `'mfakit_'`); give `kyselyStores` the same. */
  readonly tablePrefix?: string;
  /** Overrides the dialect read from the Kysely adapter. */
  readonly dialect?: SqlDialect;
}

/**
 * What {@link migrate} did.
 *
 * @example
 * ```ts
 * const { applied }: MigrateResult = await migrate(db); // ['0001_initial', '0002_factor_email'] the first time, [] after
 * ```
 */
export interface MigrateResult {
  /** The names of the migrations run now (empty when the schema was up to date). */
  readonly applied: readonly string[];
}

/**
 * A Kysely `Migrator` for mfakit's tables of one prefix, with the migrations supplied in
 * code (nothing is read from disk) and its own bookkeeping tables
 * (`<prefix>migrations`, `<prefix>migrations_lock`), so two prefixes never share one. For
 * hosts that drive migrations themselves (`migrateTo`, `migrateDown`, `getMigrations`);
 * {@link migrate} is `migrateToLatest` on it.
 *
 * @example
 * ```ts
 * import { mfakitMigrator } from 'mfakit/kysely';
 *
 * const migrator = mfakitMigrator(db, { tablePrefix: 'acme_mfa_' });
 * const migrations = await migrator.getMigrations(); // [{ name: '0001_initial', executedAt: Date | undefined, ... }]
 * ```
 */
export function mfakitMigrator<DB>(db: Kysely<DB>, options: MigrateOptions = {}): Migrator {
  const any = db as unknown as AnyKysely;
  const t = tableNames(options.tablePrefix);
  const dialect = dialectOf(any, options.dialect);
  return new Migrator({
    db: any,
    provider: migrationProvider(t, dialect),
    migrationTableName: t.migrations,
    migrationLockTableName: t.migrationsLock,
  });
}

/**
 * Brings mfakit's tables of one prefix up to date with Kysely's `Migrator`
 * (`migrateToLatest` of {@link mfakitMigrator}): creates the factor, preferred-factor,
 * exception-list and state tables and their indexes on the first run, upgrades tables an
 * older version created (running only the migrations they lack), runs none when
 * the schema is current, and is safe to run from several processes at once (the
 * Migrator's lock). Each run also fills in the `email` column of factor rows an older
 * mfakit wrote without it (run `migrate` first, deploy, then run it once more). Rejects with `MfaError('store_failed')` when a migration fails.
 *
 * @example
 * ```ts
 * import { migrate } from 'mfakit/kysely';
 *
 * await migrate(db);                                // tables mfakit_factors, mfakit_state, ...
 * await migrate(db, { tablePrefix: 'acme_mfa_' }); // a second set beside them
 * ```
 */
export async function migrate<DB>(db: Kysely<DB>, options: MigrateOptions = {}): Promise<MigrateResult> {
  const { error, results } = await mfakitMigrator(db, options).migrateToLatest();
  if (error !== undefined) {
    const cause = plainError(error);
    throw new MfaError('store_failed', `mfakit migrate failed (${cause.message})`, { cause });
  }
  // Rows an older instance wrote since the column came (deployed during a rolling upgrade).
  const t = tableNames(options.tablePrefix);
  try {
    await fillEmails(db as unknown as AnyKysely, t, dialectOf(db as unknown as AnyKysely, options.dialect));
  } catch (err) {
    const cause = plainError(err);
    throw new MfaError('store_failed', `mfakit migrate failed (${cause.message})`, { cause });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
