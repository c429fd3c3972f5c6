/**
 * The names of the store's tables and indexes for one prefix, and the column types each
 * dialect gets. See `notes/README-kysely.md` (the README section) for the schema column by
 * column.
 * @internal
 * @module
 */
import { sql, type RawBuilder } from 'kysely';
import { MfaError } from '../../config/errors.js';
import type { SqlDialect } from './dialect.js';

/** The default table prefix. @internal */
export const DEFAULT_PREFIX = 'mfakit_';

/** Every table and index name of one prefix. @internal */
export interface TableNames {
  readonly prefix: string;
  /** One row per factor, keyed by (user_id, factor_id). */
  readonly factors: string;
  /** One row per user with a preferred factor. */
  readonly preferred: string;
  /** One row per exception-list entry. */
  readonly exceptions: string;
  /** One row per state key (a user's record, a number's send budget). */
  readonly state: string;
  /** Kysely `Migrator`'s bookkeeping tables for this prefix. */
  readonly migrations: string;
  readonly migrationsLock: string;
  /** Index names (global per schema on Postgres and SQLite, so they carry the prefix). */
  readonly factorsPhoneIndex: string;
  readonly factorsEmailIndex: string;
  readonly stateExpiresIndex: string;
  readonly exceptionsAddedIndex: string;
}

/**
 * The names for `prefix`: letters, digits and `_`, starting with a letter or `_`, at most
 * 40 characters (so every name stays under the 63-character identifier limit of Postgres).
 * @internal
 */
export function tableNames(prefix: string = DEFAULT_PREFIX): TableNames {
  if (typeof prefix !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(prefix)) {
    throw new MfaError('invalid_options', 'kysely store: tablePrefix must be 1-40 letters, digits or "_", not starting with a digit');
  }
  return {
    prefix,
    factors: `${prefix}factors`,
    preferred: `${prefix}preferred`,
    exceptions: `${prefix}exceptions`,
    state: `${prefix}state`,
    migrations: `${prefix}migrations`,
    migrationsLock: `${prefix}migrations_lock`,
    factorsPhoneIndex: `${prefix}factors_phone_idx`,
    factorsEmailIndex: `${prefix}factors_email_idx`,
    stateExpiresIndex: `${prefix}state_expires_idx`,
    exceptionsAddedIndex: `${prefix}exceptions_added_idx`,
  };
}

/** The column types of one dialect. @internal */
export interface ColumnTypes {
  /** A key compared byte for byte (ids, state keys, numbers): MySQL's `varbinary`, so no collation folds case or pads spaces. */
  key(maxBytes: number): RawBuilder<unknown>;
  /** A JSON document or a state value. */
  readonly document: RawBuilder<unknown>;
  /** Epoch milliseconds or a version. */
  readonly integer: RawBuilder<unknown>;
  /** A short ASCII word (`active`). */
  readonly word: RawBuilder<unknown>;
}

/** @internal */
export function columnTypes(dialect: SqlDialect): ColumnTypes {
  switch (dialect) {
    case 'mysql':
      return {
        key: (n) => sql.raw(`varbinary(${n})`),
        document: sql.raw('mediumtext character set utf8mb4 collate utf8mb4_bin'),
        integer: sql.raw('bigint'),
        word: sql.raw('varchar(16) character set ascii collate ascii_bin'),
      };
    case 'postgres':
      return { key: () => sql.raw('text'), document: sql.raw('text'), integer: sql.raw('bigint'), word: sql.raw('text') };
    case 'sqlite':
      return { key: () => sql.raw('text'), document: sql.raw('text'), integer: sql.raw('integer'), word: sql.raw('text') };
  }
}

/** Largest UTF-8 size of an id (256 characters of up to 4 bytes). @internal */
export const ID_BYTES = 1024;
/** Largest UTF-8 size of a state key (`user:` + an id). @internal */
export const STATE_KEY_BYTES = 1040;
/** Largest UTF-8 size of an email address (254 characters of up to 4 bytes). @internal */
export const EMAIL_BYTES = 1016;
/** Largest size of an E.164 number. @internal */
export const PHONE_BYTES = 32;
