/**
 * Pure rules of a one-time code: its shape, expiry, tries per code and purpose binding.
 * A wrong entry is counted by the lockout rules (`lockout.ts`).
 * @module
 */
import { countFailure, lockedRefusal } from './lockout.js';
import type { Failure } from './outcomes.js';
import type { Policy } from './policy.js';
import { age, type CodeRecord, type UserState, userState } from './state.js';
import type { Channel, Purpose } from './types.js';

/** An entry to check. `matches` compares in constant time against the stored HMAC. */
export interface VerifyCommand {
  readonly purpose: Purpose;
  readonly code: string;
  readonly matches: (record: CodeRecord, code: string) => boolean;
  /** The factor the entry is for, when the caller names one: a code sent elsewhere is not pending for it. */
  readonly factorId?: string | undefined;
}

/** Success of `decideVerify`. */
export interface VerifiedCode {
  readonly ok: true;
  readonly factorId: string;
  readonly channel: Channel;
  readonly purpose: Purpose;
  /** Backup codes left after this one (a backup code only). */
  readonly backupCodesLeft?: number;
}

/** Every refusal of `decideVerify`. */
export type VerifyRefusal = Failure<
  'malformed_code' | 'no_pending_code' | 'code_exhausted' | 'code_expired' | 'code_mismatch' | 'locked_out'
>;

/** What `decideVerify` decided: the new state (absent: nothing changes), the outcome, and what the entry ended. */
export interface VerifyDecision {
  readonly state?: UserState;
  readonly outcome: VerifiedCode | VerifyRefusal;
  /** The entry locked the user, or killed the code (its last try). */
  readonly effect?: 'locked' | 'exhausted';
}

/** Whether `code` has the configured shape: exactly `length` ASCII digits. */
export function isWellFormed(code: string, length: number): boolean {
  return code.length === length && isDigits(code);
}

/** Whether `s` is one or more ASCII digits (every generated code is; a backup code never). */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Checks one entry. Refusals that are not wrong entries (lock, malformed, no code, dead or
 * expired code) change nothing; a wrong entry counts once against the code, the lock and
 * the hard ceiling; a right one consumes the code and, at sign-in, resets the failure counts.
 */
export function decideVerify(state: UserState, cmd: VerifyCommand, p: Policy, now: number): VerifyDecision {
  const s = age(state, p, now);
  const locked = lockedRefusal(s, now);
  if (locked) return { outcome: locked };
  if (!isWellFormed(cmd.code, p.codeLength)) return { outcome: { ok: false, error: 'malformed_code' } };
  const code = s.code;
  if (!code || code.purpose !== cmd.purpose || (cmd.factorId !== undefined && code.factorId !== cmd.factorId)) {
    return { outcome: { ok: false, error: 'no_pending_code' } };
  }
  if (code.dead) return { outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0 } };
  if (now >= code.expiresAt) return { outcome: { ok: false, error: 'code_expired' } };

  if (cmd.matches(code, cmd.code)) {
    // The code is used and the cooldown over; at sign-in the failure counts are cleared.
    const signIn = code.purpose === 'sign_in';
    return {
      state: userState({
        code: undefined,
        failures: signIn ? 0 : s.failures,
        consecutive: signIn ? 0 : s.consecutive,
        lastFailureAt: signIn ? undefined : s.lastFailureAt,
        lockedUntil: s.lockedUntil,
        hardLocked: s.hardLocked,
        lastSentAt: undefined,
        sends: s.sends,
        steps: s.steps,
        verifiedAt: s.verifiedAt,
        backup: s.backup,
        devices: s.devices,
      }),
      outcome: { ok: true, factorId: code.factorId, channel: code.channel, purpose: code.purpose },
    };
  }

  const tries = code.tries + 1;
  const counted = countFailure(s, p, now);
  if (counted.lockedUntil !== undefined) {
    const lockedUntil = counted.lockedUntil;
    return {
      state: { ...counted.state, code: { ...code, tries, dead: true } },
      outcome:
        lockedUntil === null
          ? { ok: false, error: 'locked_out', lockedUntil: null }
          : { ok: false, error: 'locked_out', lockedUntil, retryAfterMs: p.lockMs },
      effect: 'locked',
    };
  }
  const failuresLeft = counted.failuresLeft ?? 0;
  if (tries >= p.maxTries) {
    return {
      state: { ...counted.state, code: { ...code, tries, dead: true } },
      outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0, failuresLeft },
      effect: 'exhausted',
    };
  }
  return {
    state: { ...counted.state, code: { ...code, tries } },
    outcome: { ok: false, error: 'code_mismatch', attemptsLeft: p.maxTries - tries, failuresLeft },
  };
}

/**
 * A wrong entry of a code with no per-code limit (an authenticator or backup code): it
 * counts once toward the shared lockout; a lock it sets kills the live sent code, if any,
 * as a wrong sent code does, so a new one is needed after the lock.
 */
export function countWrongEntry(s: UserState, p: Policy, now: number): VerifyDecision {
  const counted = countFailure(s, p, now);
  if (counted.lockedUntil !== undefined) {
    const lockedUntil = counted.lockedUntil;
    const code = counted.state.code;
    return {
      state: code ? { ...counted.state, code: { ...code, dead: true } } : counted.state,
      outcome: lockedUntil === null ? { ok: false, error: 'locked_out', lockedUntil: null } : { ok: false, error: 'locked_out', lockedUntil, retryAfterMs: p.lockMs },
      effect: 'locked',
    };
  }
  const left = counted.failuresLeft ?? 0;
  // No per-code limit applies: the tries left are those before the lock.
  return { state: counted.state, outcome: { ok: false, error: 'code_mismatch', attemptsLeft: left, failuresLeft: left } };
}
