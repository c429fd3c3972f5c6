/**
 * Pure rules of an authenticator-app (TOTP) entry: the lock, the shape, a time step that
 * was already used (replay), and the shared lockout for a wrong entry. Checking the code
 * against the secret is the caller's (`check` returns the matched time step, ±1 step).
 * @module
 */
import { countWrongEntry, isWellFormed, type VerifyDecision } from './codes.js';
import { afterSuccess, lockedRefusal } from './lockout.js';
import type { Policy } from './policy.js';
import { age, type UserState } from './state.js';
import type { Purpose } from './types.js';

/** Digits of an authenticator code (what the apps show). */
export const TOTP_DIGITS = 6;

/** An authenticator entry to check. */
export interface TotpCommand {
  readonly factorId: string;
  readonly purpose: Purpose;
  readonly code: string;
  /** The time step the code belongs to, within ±1 step of `now`, or `null` when it matches none. */
  readonly check: (code: string, now: number) => number | null;
}

/**
 * Checks one authenticator entry. Refusals that are not wrong entries (lock, malformed, and
 * a replay: the right code of a step already used, which tells nothing to a guesser and is
 * most often a double submit) change nothing; a wrong code counts once toward the shared
 * lockout; a right one records its step and, at sign-in, resets the failure counts.
 */
export function decideTotp(state: UserState, cmd: TotpCommand, p: Policy, now: number): VerifyDecision {
  const s = age(state, p, now);
  const locked = lockedRefusal(s, now);
  if (locked) return { outcome: locked };
  if (!isWellFormed(cmd.code, TOTP_DIGITS)) return { outcome: { ok: false, error: 'malformed_code' } };
  const step = cmd.check(cmd.code, now);
  const used = s.steps?.[cmd.factorId];
  if (step !== null && used !== undefined && step <= used) {
    const left = p.maxFailures - s.failures;
    return { outcome: { ok: false, error: 'code_mismatch', attemptsLeft: left, failuresLeft: left } };
  }
  if (step !== null) {
    return {
      state: { ...afterSuccess(s, cmd.purpose), steps: { ...s.steps, [cmd.factorId]: step } },
      outcome: { ok: true, factorId: cmd.factorId, channel: 'totp', purpose: cmd.purpose },
    };
  }
  return countWrongEntry(s, p, now);
}
