/**
 * Support and admin: a user's status, admin unlock.
 * @internal
 * @module
 */
import type { AuditNote } from '../core/audit.js';
import { backupCodesLeft } from '../core/backup.js';
import { selectFactor } from '../core/choice.js';
import { lockOf, unlockState } from '../core/lockout.js';
import type { MfaStatus } from '../core/outcomes.js';
import { statusOf } from '../core/status.js';
import { stepUpUntil } from '../core/step-up.js';
import type { Purpose } from '../core/types.js';
import { updateUser } from '../store/user-state.js';
import type { Context } from './context.js';
import { BACKUP_FACTOR_ID } from './backup.js';
import { viewsOf } from './factors.js';
import { loadUserAndChannels } from './settings.js';

/** Lock, counters, pending code and budgets of a user, for support screens and UIs. */
export async function getStatus(ctx: Context, userId: string, purpose: Purpose | undefined): Promise<MfaStatus> {
  const { user, channels } = await loadUserAndChannels(ctx, userId);
  const { pending, ...status } = statusOf(user.state, ctx.policy, ctx.clock.now(), purpose);
  const factors = viewsOf(user, channels);
  const view = pending && factors.find((f) => f.id === pending.factorId);
  const to = view ? (view.maskedPhone ?? view.maskedEmail) : undefined;
  const stepUp = stepUpUntil(user.state, ctx.policy, ctx.clock.now());
  const next = selectFactor(user.factors, user.preferred, undefined, channels, backupCodesLeft(user.state, BACKUP_FACTOR_ID));
  return {
    ...status,
    ...(pending ? { pending: { ...pending, ...(to ? { maskedTo: to } : {}) } } : {}),
    factors,
    ...('ok' in next ? {} : { signInFactorId: next.id }),
    ...(stepUp !== undefined ? { stepUpUntil: stepUp } : {}),
  };
}

/** Admin unlock: clears the lock (timed or permanent) and the failure counters; `user.unlocked` carries who, when and why. */
export async function unlock(ctx: Context, userId: string, audit: AuditNote): Promise<{ ok: true; wasLocked: boolean }> {
  const { outcome: wasLocked } = await updateUser(ctx, userId, (s, now) => ({ state: unlockState(s), outcome: lockOf(s, now) !== undefined }));
  ctx.events.emit('user.unlocked', { userId, wasLocked, at: ctx.clock.now(), ...audit });
  return { ok: true, wasLocked };
}
