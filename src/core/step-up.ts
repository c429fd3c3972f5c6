/**
 * Pure rules of step-up: a change to a user's factors (add, remove, change, new backup
 * codes) needs a recent proof of possession once the user has a confirmed factor, so a
 * stolen session alone cannot swap the phone number.
 * @module
 */
import type { Failure } from './outcomes.js';
import type { Policy } from './policy.js';
import { age, type UserState, userState } from './state.js';
import type { Factor } from './types.js';

/**
 * The refusal of a factor change, or `undefined` when it may go ahead: step-up is off, the
 * user has no confirmed factor yet (the first one needs no proof), or the last proof is
 * less than `stepUpMs` old.
 */
export function stepUpRefusal(state: UserState, hasConfirmedFactor: boolean, p: Policy, now: number): Failure<'step_up_required'> | undefined {
  if (p.stepUpMs === 0 || !hasConfirmedFactor) return undefined;
  const at = age(state, p, now).verifiedAt;
  return at !== undefined && now >= at ? undefined : { ok: false, error: 'step_up_required' };
}

/** Until when factor changes are allowed, or `undefined` when no proof is recent. */
export function stepUpUntil(state: UserState, p: Policy, now: number): number | undefined {
  const at = age(state, p, now).verifiedAt;
  return p.stepUpMs > 0 && at !== undefined ? at + p.stepUpMs : undefined;
}

/** Whether a user has a confirmed factor: active, or invalid (a STOP reply does not make a user new). */
export function hasConfirmedFactor(factors: readonly Factor[]): boolean {
  return factors.some((f) => f.status !== 'pending');
}

/** The state after a proof of possession at `now`. */
export function recordProof(s: UserState, now: number): UserState {
  return userState({
    code: s.code,
    failures: s.failures,
    consecutive: s.consecutive,
    lastFailureAt: s.lastFailureAt,
    lockedUntil: s.lockedUntil,
    hardLocked: s.hardLocked,
    lastSentAt: s.lastSentAt,
    sends: s.sends,
    steps: s.steps,
    verifiedAt: now,
    backup: s.backup,
    devices: s.devices,
  });
}
