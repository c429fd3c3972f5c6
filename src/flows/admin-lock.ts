/**
 * The admin lock: a user locked until an admin unlocks, as at the hard ceiling.
 * @internal
 * @module
 */
import { adminLock, lockOf } from '../core/lockout.js';
import { updateUser } from '../store/user-state.js';
import type { Context } from './context.js';

/**
 * Who locked the user, and why: both required, they go into the `user.locked` event.
 *
 * @example
 * ```ts
 * const audit: LockAudit = { by: 'admin-1', reason: 'account reported stolen, ticket #4521' };
 * ```
 */
export interface LockAudit {
  /** Who locked the user (an admin id). */
  readonly by: string;
  /** Why. */
  readonly reason: string;
}

/**
 * Outcome of `lock`.
 *
 * @example
 * ```ts
 * await mfa.lock('u1', { by: 'admin-1', reason: 'stolen account' }); // { ok: true, wasLocked: false }
 * ```
 */
export interface UserLocked {
  /** Whether the user was already locked (timed or until an admin unlocks). */
  readonly wasLocked: boolean;
}

/**
 * Locks a user until an admin unlocks: every verify and send is refused, the live code
 * dies, every trusted device stops being trusted. Emits `user.locked` with
 * `lockedUntil: null`, `by`, `at` and `reason`.
 */
export async function lockUser(ctx: Context, userId: string, audit: LockAudit): Promise<{ ok: true; wasLocked: boolean }> {
  const { outcome } = await updateUser(ctx, userId, (s, now) => {
    const next = adminLock(s);
    return { state: next, outcome: { wasLocked: lockOf(s, now) !== undefined, consecutive: next.consecutive } };
  });
  ctx.events.emit('user.locked', {
    userId,
    lockedUntil: null,
    consecutiveFailures: outcome.consecutive,
    by: audit.by,
    at: ctx.clock.now(),
    reason: audit.reason,
  });
  return { ok: true, wasLocked: outcome.wasLocked };
}
