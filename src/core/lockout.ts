/**
 * Pure lockout rules: whether a user is locked, what a wrong entry does to the counts (the
 * timed lock after `maxFailures`, the admin-only lock at `hardLimit` consecutive failures),
 * and what an admin unlock clears.
 * @module
 */
import type { Failure } from './outcomes.js';
import type { Policy } from './policy.js';
import { type UserState, withoutDevices } from './state.js';
import type { Purpose } from './types.js';

/** Whether the user is locked now, and until when (`null` = until an admin unlocks). */
export function lockOf(s: UserState, now: number): { until: number | null } | undefined {
  if (s.hardLocked) return { until: null };
  if (s.lockedUntil !== undefined && now < s.lockedUntil) return { until: s.lockedUntil };
  return undefined;
}

/** The refusal for a locked user, or undefined. */
export function lockedRefusal(s: UserState, now: number): Failure<'locked_out'> | undefined {
  const lock = lockOf(s, now);
  if (!lock) return undefined;
  return lock.until === null
    ? { ok: false, error: 'locked_out', lockedUntil: null }
    : { ok: false, error: 'locked_out', lockedUntil: lock.until, retryAfterMs: lock.until - now };
}

/** What one wrong entry does to the counts: the new state, and the lock it set, if any. */
export interface CountedFailure {
  /** The state with the entry counted (and the lock set, when it locks). */
  readonly state: UserState;
  /** The lock this entry set: `null` = until an admin unlocks. */
  readonly lockedUntil?: number | null;
  /** Wrong entries left before the timed lock (absent when this entry locked). */
  readonly failuresLeft?: number;
}

/**
 * Counts one wrong entry toward the timed lock and the hard ceiling. A lock resets the
 * timed count (the user has `maxFailures` entries again when it ends); only a success or
 * an admin unlock resets the consecutive count. A lock also ends the trust of every device
 * (someone is guessing: the device tokens issued so far stop working).
 */
export function countFailure(s: UserState, p: Policy, now: number): CountedFailure {
  const failures = s.failures + 1;
  const consecutive = s.consecutive + 1;
  const counted: UserState = { ...s, failures, consecutive, lastFailureAt: now };
  if (consecutive >= p.hardLimit) return { state: { ...withoutDevices(counted), failures: 0, hardLocked: true }, lockedUntil: null };
  if (failures >= p.maxFailures) {
    const until = now + p.lockMs;
    return { state: { ...withoutDevices(counted), failures: 0, lockedUntil: until }, lockedUntil: until };
  }
  return { state: counted, failuresLeft: p.maxFailures - failures };
}

/**
 * What a right code does to the failure counts: a sign-in success clears them; a confirmed
 * enrollment leaves them (enrolling a new factor must not wipe the guesses counted against
 * the user's sign-in, nor the 100-consecutive ceiling).
 */
export function afterSuccess(s: UserState, purpose: Purpose): UserState {
  return purpose === 'sign_in' ? clearFailures(s) : s;
}

/** Clears the failure counts after a successful sign-in. */
export function clearFailures(s: UserState): UserState {
  const { lastFailureAt: _f, ...rest } = s;
  return { ...rest, failures: 0, consecutive: 0 };
}

/**
 * Clears the lock and the counters (admin unlock), and ends the trust of every device (the
 * account was in trouble: each device proves itself again). The send budgets and the
 * cooldown stay.
 */
export function unlockState(s: UserState): UserState {
  const { lockedUntil: _l, hardLocked: _h, ...rest } = withoutDevices(s);
  return clearFailures(rest);
}

/**
 * An admin lock: the user stays locked until an admin unlocks (as at the hard ceiling), the
 * live code dies (a new one is needed after the unlock), and every trusted device stops
 * being trusted. The counts stay as they were.
 *
 * @example
 * ```ts
 * adminLock({ failures: 0, consecutive: 0, sends: [] }); // { failures: 0, consecutive: 0, sends: [], hardLocked: true }
 * ```
 */
export function adminLock(s: UserState): UserState {
  const next: UserState = { ...withoutDevices(s), hardLocked: true };
  return next.code && !next.code.dead ? { ...next, code: { ...next.code, dead: true } } : next;
}
