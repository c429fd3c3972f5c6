/**
 * Pure verify rules: expiry, tries per code, lockout, hard ceiling, purpose binding.
 * @internal
 * @module
 */
import type { Policy } from '../options.js';
import type { Failure } from '../results.js';
import type { Channel, Purpose } from '../types.js';
import { lockedRefusal } from './send.js';
import { age, type CodeRecord, type UserState } from './state.js';

/** An entry to check. `matches` compares in constant time against the stored HMAC. */
export interface VerifyCommand {
  readonly purpose: Purpose;
  readonly code: string;
  readonly matches: (record: CodeRecord, code: string) => boolean;
}

/** Success of `decideVerify`. */
export interface VerifiedCode {
  readonly ok: true;
  readonly factorId: string;
  readonly channel: Channel;
  readonly purpose: Purpose;
}

export type VerifyRefusal = Failure<
  'malformed_code' | 'no_pending_code' | 'code_exhausted' | 'code_expired' | 'code_mismatch' | 'locked_out'
>;

/** Whether `code` has the configured shape: exactly `length` ASCII digits. */
export function isWellFormed(code: string, length: number): boolean {
  if (code.length !== length) return false;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Checks one entry. Refusals that are not wrong entries (lock, malformed, no code, dead or
 * expired code) change nothing; a wrong entry counts once against the code, the lock and
 * the hard ceiling; a right one consumes the code and resets the failure counts.
 */
export function decideVerify(
  state: UserState,
  cmd: VerifyCommand,
  p: Policy,
  now: number,
): { state?: UserState; outcome: VerifiedCode | VerifyRefusal; effect?: 'locked' | 'exhausted' } {
  const s = age(state, p, now);
  const locked = lockedRefusal(s, now);
  if (locked) return { outcome: locked };
  if (!isWellFormed(cmd.code, p.codeLength)) return { outcome: { ok: false, error: 'malformed_code' } };
  const code = s.code;
  if (!code || code.purpose !== cmd.purpose) return { outcome: { ok: false, error: 'no_pending_code' } };
  if (code.dead) return { outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0 } };
  if (now >= code.expiresAt) return { outcome: { ok: false, error: 'code_expired' } };

  if (cmd.matches(code, cmd.code)) {
    const { code: _used, lastSentAt: _cooldown, lastFailureAt: _f, ...rest } = s;
    return {
      state: { ...rest, failures: 0, consecutive: 0 },
      outcome: { ok: true, factorId: code.factorId, channel: code.channel, purpose: code.purpose },
    };
  }

  const tries = code.tries + 1;
  const failures = s.failures + 1;
  const consecutive = s.consecutive + 1;
  const counted = { ...s, failures, consecutive, lastFailureAt: now };
  if (consecutive >= p.hardLimit) {
    return {
      state: { ...counted, failures: 0, code: { ...code, tries, dead: true }, hardLocked: true },
      outcome: { ok: false, error: 'locked_out', lockedUntil: null },
      effect: 'locked',
    };
  }
  if (failures >= p.maxFailures) {
    const until = now + p.lockMs;
    return {
      state: { ...counted, failures: 0, code: { ...code, tries, dead: true }, lockedUntil: until },
      outcome: { ok: false, error: 'locked_out', lockedUntil: until, retryAfterMs: p.lockMs },
      effect: 'locked',
    };
  }
  const failuresLeft = p.maxFailures - failures;
  if (tries >= p.maxTries) {
    return {
      state: { ...counted, code: { ...code, tries, dead: true } },
      outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0, failuresLeft },
      effect: 'exhausted',
    };
  }
  return {
    state: { ...counted, code: { ...code, tries } },
    outcome: { ok: false, error: 'code_mismatch', attemptsLeft: p.maxTries - tries, failuresLeft },
  };
}

/** Clears the lock and the counters (admin unlock). The send budgets stay. */
export function unlockState(s: UserState): UserState {
  const { lockedUntil: _l, hardLocked: _h, lastFailureAt: _f, ...rest } = s;
  return { ...rest, failures: 0, consecutive: 0 };
}
