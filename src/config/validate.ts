/**
 * Argument checks for JavaScript callers: a wrong type or an absurd size throws
 * `MfaError('invalid_argument')` before anything is read or written.
 * @internal
 * @module
 */
import type { AuditNote } from '../core/audit.js';
import { MfaError } from './errors.js';

/** Longest accepted user id, factor id, or free-text field. */
export const MAX_ID_LENGTH = 256;
/** Longest accepted reason on an exception entry. */
export const MAX_REASON_LENGTH = 500;

/** A non-empty string of at most `max` characters, without control characters. */
export function text(value: unknown, name: string, max = MAX_ID_LENGTH): string {
  if (typeof value !== 'string') throw new MfaError('invalid_argument', `${name} must be a string, got ${typeOf(value)}`);
  if (value.length === 0 || value.trim().length === 0) throw new MfaError('invalid_argument', `${name} must not be empty`);
  if (value.length > max) throw new MfaError('invalid_argument', `${name} must be at most ${max} characters, got ${value.length}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new MfaError('invalid_argument', `${name} must not contain control characters`);
  return value;
}

/** A string of any content (a code or a phone number): its shape is a result, not an error. */
export function loose(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new MfaError('invalid_argument', `${name} must be a string, got ${typeOf(value)}`);
  return value;
}

/**
 * An optional plain object, copied once: every field is read here, a single time, so a
 * getter cannot answer one thing to a check and another to the use.
 */
export function options<T extends object>(value: unknown, name: string): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MfaError('invalid_argument', `${name} must be an object, got ${typeOf(value)}`);
  }
  return { ...value } as Partial<T>;
}

/** A purpose: `'sign_in'` or `'enroll'`. */
export function purposeOf(value: unknown): 'sign_in' | 'enroll' {
  if (value !== 'sign_in' && value !== 'enroll') throw new MfaError('invalid_argument', "purpose must be 'sign_in' or 'enroll'");
  return value;
}

/** An optional locale tag such as `en` or `fr-CA`. */
export function locale(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(value) || value.length > 35) {
    throw new MfaError('invalid_argument', 'locale must be a BCP 47 tag such as "en" or "fr-CA"');
  }
  return value;
}

/**
 * The optional `{ by, reason }` of an admin action, checked and copied once (absent fields
 * stay absent, so events carry only what the host said).
 */
export function auditInput(value: unknown, name = 'audit'): AuditNote {
  const o = options<{ by: unknown; reason: unknown }>(value, name);
  return {
    ...(o.by !== undefined ? { by: text(o.by, 'by') } : {}),
    ...(o.reason !== undefined ? { reason: text(o.reason, 'reason', MAX_REASON_LENGTH) } : {}),
  };
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * Checks the `ttlMs` argument of `StateStore.write`: `null` or a finite number ≥ 1.
 * @internal
 */
export function checkTtl(ttlMs: number | null): void {
  if (ttlMs === null) return;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 1) {
    throw new MfaError('invalid_argument', 'state store: ttlMs must be null or a finite number >= 1');
  }
}
