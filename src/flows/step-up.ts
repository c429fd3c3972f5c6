/**
 * Step-up around factor changes: the check before a change (a confirmed factor asks for a
 * recent proof of possession; the first factor needs none).
 * @internal
 * @module
 */
import type { Failure } from '../core/outcomes.js';
import { hasConfirmedFactor, stepUpRefusal } from '../core/step-up.js';
import { loadUser } from '../store/user-state.js';
import type { Context } from './context.js';

/** The refusal of a change to `userId`'s factors, or `undefined` when it may go ahead. */
export async function stepUpCheck(ctx: Context, userId: string): Promise<Failure<'step_up_required'> | undefined> {
  if (ctx.policy.stepUpMs === 0) return undefined;
  const user = await loadUser(ctx, userId);
  return stepUpRefusal(user.state, hasConfirmedFactor(user.factors), ctx.policy, ctx.clock.now());
}
