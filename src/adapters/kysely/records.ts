/**
 * How a factor and an exception-list entry are kept in their rows and checked when read
 * back: the JSON of the record plus the columns the lookups use, which must agree with
 * it. A row mfakit did not write (bad JSON, a missing field, a column that disagrees with
 * the JSON) fails closed with `store_failed`, never reads as a factor.
 * @internal
 * @module
 */
import { MfaError } from '../../config/errors.js';
import { CHANNELS, type ExceptionEntry, type Factor } from '../../core/types.js';
import { asInteger, asText } from './dialect.js';

/** The columns of a factor row, as written. @internal */
export interface FactorRow {
  readonly user_id: string;
  readonly factor_id: string;
  readonly status: string;
  readonly phone: string | null;
  /** The address of an email factor (migration `0002_factor_email`). */
  readonly email: string | null;
  readonly created_at: number;
  readonly last_used_at: number | null;
  /** The factor's JSON, without `lastUsedAt` (which is its own column, so a touch is one `UPDATE`). */
  readonly data: string;
}

const STATUSES: readonly unknown[] = ['pending', 'active', 'invalid'];
const REASONS: readonly unknown[] = ['opt_out', 'undeliverable'];

const bad = (what: string): MfaError => new MfaError('store_failed', `SQL store: a ${what} row is malformed (not written by mfakit)`);

function parseObject(json: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // The parser's message quotes the input: keep nothing of it.
    throw bad(what);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(what);
  return value as Record<string, unknown>;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);

/** The row of a factor. @internal */
export function factorRow(factor: Factor): FactorRow {
  const { lastUsedAt, ...rest } = factor;
  return {
    user_id: factor.userId,
    factor_id: factor.id,
    status: factor.status,
    phone: factor.phone ?? null,
    email: factor.email ?? null,
    created_at: factor.createdAt,
    last_used_at: lastUsedAt ?? null,
    data: JSON.stringify(rest),
  };
}

/**
 * The factor a row holds, checked: the JSON is a factor (known channel and status, the
 * fields of the right types) and its id, user, status and number (and address, when the
 * row was read with its `email` column) equal the row's columns.
 * @internal
 */
export function factorOf(row: Record<string, unknown>): Factor {
  const f = parseObject(asText(row['data'], 'factor data'), 'factor');
  const lastUsedAt = asInteger(row['last_used_at'], 'factor last_used_at');
  const phone = row['phone'] === null || row['phone'] === undefined ? undefined : asText(row['phone'], 'factor phone');
  const email = row['email'] === null || row['email'] === undefined ? undefined : asText(row['email'], 'factor email');
  const ok =
    isText(f['id']) &&
    isText(f['userId']) &&
    (CHANNELS as readonly unknown[]).includes(f['channel']) &&
    STATUSES.includes(f['status']) &&
    isTime(f['createdAt']) &&
    optional(f['phone'], isText) &&
    optional(f['email'], isText) &&
    optional(f['totpSecret'], isText) &&
    optional(f['activatedAt'], isTime) &&
    optional(f['invalidatedAt'], isTime) &&
    optional(f['invalidReason'], (v) => REASONS.includes(v)) &&
    optional(f['replaces'], isText) &&
    f['lastUsedAt'] === undefined &&
    f['id'] === asText(row['factor_id'], 'factor id') &&
    f['userId'] === asText(row['user_id'], 'factor user') &&
    f['status'] === asText(row['status'], 'factor status') &&
    f['phone'] === phone &&
    // A NULL column beside an address in the document: a row an instance older than the
    // column wrote after `migrate` ran (every deploy order works); `migrate` fills it in.
    (!('email' in row) || f['email'] === email || (email === undefined && isText(f['email'])));
  if (!ok) throw bad('factor');
  return (lastUsedAt === null ? f : { ...f, lastUsedAt }) as unknown as Factor;
}

/** Factors in creation order (ties by id, compared as JavaScript strings, on every dialect). @internal */
export function inCreationOrder(factors: Factor[]): Factor[] {
  return factors.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The columns of an exception row. @internal */
export interface ExceptionRow {
  readonly user_id: string;
  readonly added_at: number;
  readonly expires_at: number | null;
  readonly data: string;
}

/** The row of an exception-list entry. @internal */
export function exceptionRow(entry: ExceptionEntry): ExceptionRow {
  return { user_id: entry.userId, added_at: entry.addedAt, expires_at: entry.expiresAt ?? null, data: JSON.stringify(entry) };
}

/** The entry a row holds, checked like {@link factorOf}. @internal */
export function exceptionOf(row: Record<string, unknown>): ExceptionEntry {
  const e = parseObject(asText(row['data'], 'exception data'), 'exception');
  const ok =
    isText(e['userId']) &&
    typeof e['addedBy'] === 'string' &&
    isTime(e['addedAt']) &&
    typeof e['reason'] === 'string' &&
    optional(e['expiresAt'], isTime) &&
    e['userId'] === asText(row['user_id'], 'exception user');
  if (!ok) throw bad('exception');
  return e as unknown as ExceptionEntry;
}
