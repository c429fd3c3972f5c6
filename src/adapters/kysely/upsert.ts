/**
 * An insert that replaces the row with the same primary key, in each dialect's words
 * (`on conflict … do update` on Postgres and SQLite, `on duplicate key update` on MySQL).
 * @internal
 * @module
 */
import { sql, type RawBuilder } from 'kysely';
import type { SqlDialect } from './dialect.js';

/**
 * `insert into <table> (<columns>) values (…)` replacing the row whose `keys` match.
 * @internal
 */
export function upsert(dialect: SqlDialect, table: string, keys: readonly string[], row: Readonly<Record<string, unknown>>): RawBuilder<unknown> {
  const columns = Object.keys(row);
  const values = sql.join(columns.map((c) => sql`${row[c]}`));
  const insert = sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values (${values})`;
  const rest = columns.filter((c) => !keys.includes(c));
  if (dialect === 'mysql') {
    return sql`${insert} on duplicate key update ${sql.join(rest.map((c) => sql`${sql.ref(c)} = values(${sql.ref(c)})`))}`;
  }
  return sql`${insert} on conflict (${sql.join(keys.map((k) => sql.ref(k)))}) do update set ${sql.join(rest.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}`;
}
