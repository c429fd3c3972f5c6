/**
 * What differs between the databases the Kysely store runs on: which one the host's
 * `Kysely` talks to (read from its adapter), how each reports a deadlock or a duplicate
 * key, and how a value comes back (a `bigint` column is a string on `pg`, a key column a
 * `Buffer` on MySQL). Also the one place a driver error is made safe to keep as a cause.
 * @internal
 * @module
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MysqlAdapter, PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';
import { MfaError } from '../../config/errors.js';

/**
 * The SQL dialects the Kysely store speaks; normally read from the Kysely adapter.
 *
 * @example
 * ```ts
 * const dialect: SqlDialect = 'postgres';
 * ```
 */
export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

/** Any `Kysely` instance, whatever the host's table types. @internal */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host's DB type is not ours to know
export type AnyKysely = Kysely<any>;

const BY_NAME: Readonly<Record<string, SqlDialect>> = {
  PostgresAdapter: 'postgres',
  MysqlAdapter: 'mysql',
  SqliteAdapter: 'sqlite',
};

/**
 * The dialect of `db`, from `db.getExecutor().adapter`: an instance of Kysely's
 * `PostgresAdapter`, `MysqlAdapter` or `SqliteAdapter` (or of a class extending one, also
 * when it comes from another copy of Kysely). Throws `invalid_options` for any other.
 * @internal
 */
export function dialectOf(db: AnyKysely, override?: SqlDialect): SqlDialect {
  if (override !== undefined) {
    if (override !== 'postgres' && override !== 'mysql' && override !== 'sqlite') {
      throw new MfaError('invalid_options', "kyselyStores: dialect must be 'postgres', 'mysql' or 'sqlite'");
    }
    return override;
  }
  if (typeof db !== 'object' || db === null || typeof (db as { getExecutor?: unknown }).getExecutor !== 'function') {
    throw new MfaError('invalid_options', 'kyselyStores: db must be a Kysely instance');
  }
  const adapter: unknown = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  for (let proto: unknown = adapter === null || typeof adapter !== 'object' ? null : Object.getPrototypeOf(adapter); proto; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    const found = typeof name === 'string' ? BY_NAME[name] : undefined;
    if (found) return found;
  }
  throw new MfaError(
    'invalid_options',
    "kyselyStores: cannot tell the database from the Kysely adapter (not Postgres, MySQL or SQLite); pass { dialect: 'postgres' | 'mysql' | 'sqlite' }",
  );
}

/** The driver's error code (`pg`: SQLSTATE; mysql2: `ER_…` and errno; better-sqlite3: `SQLITE_…`). */
function codesOf(err: unknown): { code: unknown; errno: unknown } {
  if (typeof err !== 'object' || err === null) return { code: undefined, errno: undefined };
  const e = err as { code?: unknown; errno?: unknown };
  return { code: e.code, errno: e.errno };
}

/**
 * A deadlock, a serialization failure or a busy database: the transaction did nothing and
 * may be run again.
 * @internal
 */
export function isRetryable(err: unknown): boolean {
  const { code, errno } = codesOf(err);
  return (
    code === '40001' || // postgres serialization_failure
    code === '40P01' || // postgres deadlock_detected
    code === 'ER_LOCK_DEADLOCK' ||
    errno === 1213 ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_BUSY_SNAPSHOT'
  );
}

/** A unique-key violation (the row exists). @internal */
export function isDuplicateKey(err: unknown): boolean {
  const { code, errno } = codesOf(err);
  return code === '23505' || code === 'ER_DUP_ENTRY' || errno === 1062 || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

const LONG_NUMBER = /\+?\d{7,}/g;
const QUOTED = /'[^']*'|"[^"]*"|`[^`]*`/g;

/**
 * A driver error as a cause that may be kept: its name, code and the first line of its
 * message with quoted text and long numbers removed. Never the driver's error object,
 * which may hold the statement with its values (mysql2's `sql`, pg's `detail`).
 * @internal
 */
export function plainError(err: unknown): Error {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unknown error';
  const firstLine = (text.split('\n')[0] ?? '').replace(QUOTED, '…').replace(LONG_NUMBER, '…').slice(0, 300);
  const { code } = codesOf(err);
  const safeCode = typeof code === 'string' && /^\w{1,40}$/.test(code) ? code : undefined;
  const safe = new Error(safeCode ? `${safeCode}: ${firstLine}` : firstLine);
  if (err instanceof Error && /^\w{1,64}$/.test(err.name) && err.name !== 'Error') safe.name = err.name;
  return safe;
}

/**
 * Runs one database operation: a deadlock or serialization failure runs it again (at most
 * `attempts` times in all); any other fault, or the last one, rejects with
 * `MfaError('store_failed')` whose cause is a {@link plainError}.
 * @internal
 */
export async function guarded<T>(what: string, op: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await op();
    } catch (err) {
      if (err instanceof MfaError) throw err;
      if (attempt < attempts && isRetryable(err)) {
        await sleep(randomInt(0, 5 * 2 ** attempt)); // jitter, so retrying transactions spread out
        continue;
      }
      const cause = plainError(err);
      throw new MfaError('store_failed', `SQL store: ${what} failed (${cause.message})`, { cause });
    }
  }
}

/** A text column's value: a string, or a `Buffer` (MySQL binary columns); anything else fails closed. @internal */
export function asText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  throw new MfaError('store_failed', `SQL store: ${what} is not text (not written by mfakit)`);
}

/**
 * An integer column's value (`number`, `bigint`, or a decimal string as `pg` returns
 * `bigint`), as a safe integer; `null` stays `null`. Anything else fails closed.
 * @internal
 */
export function asInteger(value: unknown, what: string): number | null {
  if (value === null || value === undefined) return null;
  let n = Number.NaN;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^-?(0|[1-9][0-9]*)$/.test(value)) n = Number(value);
  if (!Number.isSafeInteger(n)) throw new MfaError('store_failed', `SQL store: ${what} is not a safe integer (not written by mfakit)`);
  return n;
}
