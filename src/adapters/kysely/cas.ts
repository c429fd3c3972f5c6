/**
 * The state records in SQL: a read that honours `expires_at`; the compare-and-set of one
 * record as one statement checked by its affected rows (two on MySQL for a new key: drop an
 * expired row, then insert); the factor touch; and, on Postgres, a whole commit (several
 * records and the touch) as one statement. Shared by the state store and the combined
 * store, so neither imports the other.
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { MfaError } from '../../config/errors.js';
import { checkTtl } from '../../config/validate.js';
import type { FactorTouch, StateWrite } from '../../ports/combined-store.js';
import type { VersionedRecord } from '../../ports/state-store.js';
import { asInteger, asText, isDuplicateKey, type SqlDialect } from './dialect.js';
import type { TableNames } from './tables.js';

/** What the state operations need: where, which dialect, and a database or transaction. @internal */
export interface SqlContext {
  readonly t: TableNames;
  readonly dialect: SqlDialect;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host's table types are not ours
type Executor = Kysely<any>;

/**
 * A fresh version: a random integer in [1, 2^53), never `previous`. Random rather than
 * counted, so a key deleted (or swept) and written again cannot get back a version a stale
 * reader still holds (the chance is 2^-53 per write).
 * @internal
 */
export function newVersion(previous: number | null = null): number {
  for (;;) {
    const b = randomBytes(7);
    const v = (b.readUIntBE(0, 6) * 32 + (b[6] ?? 0) % 32) % Number.MAX_SAFE_INTEGER;
    if (v >= 1 && v !== previous) return v;
  }
}

const affected = (r: { numAffectedRows?: bigint }): number => Number(r.numAffectedRows ?? 0n);

/** `(expires_at is null or expires_at > now)`: the row is live. */
const live = (now: number) => sql`(${sql.ref('expires_at')} is null or ${sql.ref('expires_at')} > ${now})`;

/** A state row as a record; a version mfakit could not have written fails closed. @internal */
export function recordOf(row: Record<string, unknown>): VersionedRecord {
  const version = asInteger(row['version'], 'state version');
  if (version === null || version < 1) throw new MfaError('store_failed', 'SQL store: a state row is malformed (not written by mfakit)');
  return { value: asText(row['value'], 'state value'), version };
}

/** Reads a live record, or `null`. @internal */
export async function readState(db: Executor, { t }: SqlContext, key: string, now: number): Promise<VersionedRecord | null> {
  const { rows } = await sql<Record<string, unknown>>`select ${sql.ref('value')}, ${sql.ref('version')} from ${sql.table(t.state)} where ${sql.ref('state_key')} = ${key} and ${live(now)}`.execute(db);
  const row = rows[0];
  return row === undefined ? null : recordOf(row);
}

/**
 * One compare-and-set: resolves the new version (a number), `null` for a delete that
 * happened, or `false` when the expected version did not match (nothing changed).
 * @internal
 */
export async function writeState(db: Executor, ctx: SqlContext, w: StateWrite, now: number): Promise<number | null | false> {
  const { t, dialect } = ctx;
  checkTtl(w.ttlMs);
  const table = sql.table(t.state);
  const key = w.key;
  const expected = w.expectedVersion;
  if (expected !== null && !Number.isSafeInteger(expected)) return false; // matches nothing mfakit wrote
  if (w.value === null) {
    if (expected !== null) {
      const r = await sql`delete from ${table} where ${sql.ref('state_key')} = ${key} and ${sql.ref('version')} = ${expected} and ${live(now)}`.execute(db);
      return affected(r) === 1 ? null : false;
    }
    // Must not exist: succeeds when nothing live is there (an expired row is dropped).
    await sql`delete from ${table} where ${sql.ref('state_key')} = ${key} and not ${live(now)}`.execute(db);
    return (await readState(db, ctx, key, now)) === null ? null : false;
  }
  const version = newVersion(expected);
  const expiresAt = w.ttlMs === null ? null : now + Math.ceil(w.ttlMs);
  if (expected !== null) {
    const r = await sql`update ${table} set ${sql.ref('value')} = ${w.value}, ${sql.ref('version')} = ${version}, ${sql.ref('expires_at')} = ${expiresAt} where ${sql.ref('state_key')} = ${key} and ${sql.ref('version')} = ${expected} and ${live(now)}`.execute(db);
    return affected(r) === 1 ? version : false;
  }
  if (dialect === 'mysql') {
    // No upsert whose affected rows can tell "inserted" from "left alone" under every client
    // flag (CLIENT_FOUND_ROWS): drop an expired row, then a plain insert; the primary key
    // lets exactly one of two concurrent inserters win.
    await sql`delete from ${table} where ${sql.ref('state_key')} = ${key} and not ${live(now)}`.execute(db);
    try {
      await sql`insert into ${table} (${sql.ref('state_key')}, ${sql.ref('value')}, ${sql.ref('version')}, ${sql.ref('expires_at')}) values (${key}, ${w.value}, ${version}, ${expiresAt})`.execute(db);
      return version;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }
  // Postgres and SQLite: one upsert that replaces only an expired row.
  const r = await sql`insert into ${table} (${sql.ref('state_key')}, ${sql.ref('value')}, ${sql.ref('version')}, ${sql.ref('expires_at')}) values (${key}, ${w.value}, ${version}, ${expiresAt})
    on conflict (${sql.ref('state_key')}) do update set ${sql.ref('value')} = excluded.${sql.ref('value')}, ${sql.ref('version')} = excluded.${sql.ref('version')}, ${sql.ref('expires_at')} = excluded.${sql.ref('expires_at')}
    where ${sql.table(t.state)}.${sql.ref('expires_at')} is not null and ${sql.table(t.state)}.${sql.ref('expires_at')} <= ${now}`.execute(db);
  return affected(r) === 1 ? version : false;
}

/**
 * Sets `last_used_at` of an active factor: one `UPDATE … where status = 'active'`.
 * Resolves whether the factor is active (and so was touched).
 * @internal
 */
export async function touchFactorRow(db: Executor, { t, dialect }: SqlContext, touch: FactorTouch): Promise<boolean> {
  const where = sql`${sql.ref('user_id')} = ${touch.userId} and ${sql.ref('factor_id')} = ${touch.factorId} and ${sql.ref('status')} = ${'active'}`;
  const r = await sql`update ${sql.table(t.factors)} set ${sql.ref('last_used_at')} = ${touch.at} where ${where}`.execute(db);
  if (affected(r) === 1) return true;
  if (dialect !== 'mysql') return false;
  // MySQL without CLIENT_FOUND_ROWS counts changed rows, not matched ones: a touch with the
  // time already there changed nothing. Ask whether the factor is active.
  const { rows } = await sql`select 1 as ${sql.ref('one')} from ${sql.table(t.factors)} where ${where}`.execute(db);
  return rows.length === 1;
}

const LOST_MARK = 'mfakit: lost race';

/**
 * Postgres only: every write of a commit, and the touch, in **one statement** (one
 * data-modifying `WITH` part each). A statement is atomic, so when a version does not
 * match, the final `SELECT` fails on purpose (casting a text to an integer) and every part
 * is undone: resolves `null`. Keys must be distinct.
 * @internal
 */
export async function commitInOneStatement(db: Executor, { t }: SqlContext, writes: readonly StateWrite[], touch: FactorTouch | undefined, now: number): Promise<{ versions: (number | null)[]; touched: boolean } | null> {
  const ref = sql.ref;
  const table = sql.table(t.state);
  const versions: (number | null)[] = [];
  const parts = writes.map((w, i) => {
    checkTtl(w.ttlMs);
    const name = ref(`w${i}`);
    const expected = w.expectedVersion;
    const key = sql`${ref('state_key')} = ${w.key}`;
    if (w.value === null) {
      versions.push(null);
      return expected === null
        ? sql`${name} as (select 1 as ${ref('one')} where not exists (select 1 from ${table} where ${key} and ${live(now)}))`
        : sql`${name} as (delete from ${table} where ${key} and ${ref('version')} = ${expected} and ${live(now)} returning 1 as ${ref('one')})`;
    }
    const version = newVersion(expected);
    versions.push(version);
    const expiresAt = w.ttlMs === null ? null : now + Math.ceil(w.ttlMs);
    if (expected !== null) {
      return sql`${name} as (update ${table} set ${ref('value')} = ${w.value}, ${ref('version')} = ${version}, ${ref('expires_at')} = ${expiresAt} where ${key} and ${ref('version')} = ${expected} and ${live(now)} returning 1 as ${ref('one')})`;
    }
    return sql`${name} as (insert into ${table} (${ref('state_key')}, ${ref('value')}, ${ref('version')}, ${ref('expires_at')}) values (${w.key}, ${w.value}, ${version}, ${expiresAt})
      on conflict (${ref('state_key')}) do update set ${ref('value')} = excluded.${ref('value')}, ${ref('version')} = excluded.${ref('version')}, ${ref('expires_at')} = excluded.${ref('expires_at')}
      where ${table}.${ref('expires_at')} is not null and ${table}.${ref('expires_at')} <= ${now} returning 1 as ${ref('one')})`;
  });
  if (touch !== undefined) {
    parts.push(sql`${ref('touch')} as (update ${sql.table(t.factors)} set ${ref('last_used_at')} = ${touch.at}
      where ${ref('user_id')} = ${touch.userId} and ${ref('factor_id')} = ${touch.factorId} and ${ref('status')} = ${'active'} returning 1 as ${ref('one')})`);
  }
  const total = sql.join(writes.map((_, i) => sql`(select count(*) from ${ref(`w${i}`)})`), sql` + `);
  const touched = touch === undefined ? sql`0` : sql`(select count(*) from ${ref('touch')})`;
  try {
    const { rows } = await sql<{ touched: unknown }>`with ${sql.join(parts)}
      select case when ${total} = ${sql.lit(writes.length)} then ${touched} else cast(concat(${sql.lit(LOST_MARK)}, ${total}) as integer) end as ${ref('touched')}`.execute(db);
    return { versions, touched: Number(rows[0]?.touched ?? 0) === 1 };
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    if (e.code === '22P02' && String(e.message).includes(LOST_MARK)) return null;
    throw err;
  }
}
