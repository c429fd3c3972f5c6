/**
 * Checking an entered code: load → decide (core) → commit, then the events. A sign-in
 * success also records the factor's use, in the same commit where the store can.
 * @internal
 * @module
 */
import { decideVerify, type VerifiedCode, type VerifyRefusal } from '../core/codes.js';
import type { Failure, Result, Verified, VerifyError } from '../core/outcomes.js';
import type { UserState } from '../core/state.js';
import type { Purpose } from '../core/types.js';
import { updateUser } from '../store/user-state.js';
import type { Context } from './context.js';

/**
 * Checks a code for `purpose`; on success the code is consumed and the counts reset.
 * With `touch`, a success also records the factor's use (`touched`: whether the factor was
 * still active).
 */
export async function verifyCode(
  ctx: Context,
  userId: string,
  input: string,
  purpose: Purpose,
  touch = false,
  factorId?: string,
): Promise<(VerifiedCode & { touched?: boolean | undefined }) | VerifyRefusal> {
  const decide = (s: UserState, now: number) => {
    const d = decideVerify(s, { purpose, code: input.trim(), matches: ctx.hasher.matches, factorId }, ctx.policy, now);
    return { state: d.state, outcome: d };
  };
  const { outcome: d, touched } = await updateUser(ctx, userId, decide, {
    touch: (r) => (touch && r.outcome.ok ? { userId, factorId: r.outcome.factorId, at: ctx.clock.now() } : undefined),
  });
  const outcome = d.outcome;
  if (outcome.ok) return { ...outcome, touched };
  ctx.events.emit('verification.failed', {
    userId,
    purpose,
    error: outcome.error,
    ...('attemptsLeft' in outcome ? { attemptsLeft: outcome.attemptsLeft } : {}),
    ...('failuresLeft' in outcome && outcome.failuresLeft !== undefined ? { failuresLeft: outcome.failuresLeft } : {}),
  });
  const killed = d.state?.code;
  if (d.effect && killed) ctx.events.emit('code.exhausted', { userId, factorId: killed.factorId, purpose });
  if (d.effect === 'locked' && outcome.error === 'locked_out') {
    ctx.events.emit('user.locked', { userId, lockedUntil: outcome.lockedUntil, consecutiveFailures: d.state?.consecutive ?? 0 });
  }
  return outcome;
}

/** Verifies a sign-in code. */
export async function verify(ctx: Context, userId: string, input: string, factorId?: string): Promise<Result<Verified, VerifyError>> {
  const res = await verifyCode(ctx, userId, input, 'sign_in', true, factorId);
  if (!res.ok) return res;
  // The touch also proves the factor is still active (removing or invalidating a factor
  // drops its code first, so this is a backstop against a race, not the main guard).
  if (!res.touched) {
    const refusal: Failure<'factor_not_found'> = { ok: false, error: 'factor_not_found' };
    ctx.events.emit('verification.failed', { userId, purpose: 'sign_in', error: refusal.error });
    return refusal;
  }
  ctx.events.emit('verification.succeeded', { userId, factorId: res.factorId, channel: res.channel, purpose: 'sign_in' });
  return { ok: true, factorId: res.factorId, channel: res.channel, purpose: 'sign_in' };
}
