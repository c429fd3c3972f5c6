/**
 * Small builders shared by the table tests of `src/core/`: a fixed epoch, one code record,
 * one user state, and a deep freeze so that a rule that mutates its input throws.
 */
import type { CodeRecord, UserState } from '../../src/core/state.js';
import { EMPTY_STATE } from '../../src/core/state.js';
import type { Purpose } from '../../src/core/types.js';

/** A fixed instant; every row is written relative to it. */
export const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);
export const SEC = 1_000;
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** The right code of every fixture record. */
export const RIGHT = '123456';

/** Stand-in for the HMAC: readable, and bound to the challenge id and the purpose. */
export const hashOf = (id: string, purpose: Purpose, code: string): string => `${id}|${purpose}|${code}`;

/** Compares an entry against the stored stand-in hash, as the shell's HMAC check does. */
export const matches = (record: CodeRecord, code: string): boolean => record.hash === hashOf(record.id, record.purpose, code);

/** A sign-in code issued at `T0` to the SMS factor `f_sms`, whose right value is `RIGHT`. */
export function codeRecord(over: Partial<CodeRecord> = {}): CodeRecord {
  const id = over.id ?? 'ch_1';
  const purpose = over.purpose ?? 'sign_in';
  const issuedAt = over.issuedAt ?? T0;
  return {
    id,
    purpose,
    factorId: 'f_sms',
    channel: 'sms',
    hash: hashOf(id, purpose, RIGHT),
    issuedAt,
    expiresAt: issuedAt + 10 * MIN,
    tries: 0,
    ...over,
  };
}

/** A user state: `EMPTY_STATE` with the given fields. */
export function user(over: Partial<UserState> = {}): UserState {
  return { ...EMPTY_STATE, ...over };
}

/** Freezes a value and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
