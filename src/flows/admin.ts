/**
 * Support and admin: a user's status, admin unlock.
 * @internal
 * @module
 */
import { lockOf, unlockState } from '../core/lockout.js';
import type { MfaStatus } from '../core/outcomes.js';
import { statusOf } from '../core/status.js';
import { updateUser } from '../store/user-state.js';
import type { Context } from './context.js';
import { viewOf } from './factors.js';
import { loadUser } from './sign-in.js';

/** Lock, counters, pending code and budgets of a user, for support screens and UIs. */
export async function getStatus(ctx: Context, userId: string): Promise<MfaStatus> {
  const user = await loadUser(ctx, userId);
  const status = statusOf(user.state, ctx.policy, ctx.clock.now());
  return { ...status, factors: user.factors.map((f) => viewOf(f, user.preferred)) };
}

/** Admin unlock: clears the lock (timed or permanent) and the failure counters. */
export async function unlock(ctx: Context, userId: string): Promise<{ ok: true; wasLocked: boolean }> {
  const { outcome: wasLocked } = await updateUser(ctx, userId, (s, now) => ({ state: unlockState(s), outcome: lockOf(s, now) !== undefined }));
  ctx.events.emit('user.unlocked', { userId });
  return { ok: true, wasLocked };
}
