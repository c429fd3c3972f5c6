/**
 * Backup codes: generating a set (shown once, stored hashed in the user's state record, so
 * using one is a compare-and-set) and checking one at sign-in.
 * @internal
 * @module
 */
import { replaceBackupSet } from '../core/backup.js';
import type { Result } from '../core/outcomes.js';
import { hasConfirmedFactor, recordProof, stepUpRefusal } from '../core/step-up.js';
import type { Factor } from '../core/types.js';
import { newBackupSet } from '../factors/backup.js';
import { loadUser, updateUser } from '../store/user-state.js';
import type { Context } from './context.js';

/**
 * The id of a user's backup-codes factor. A user has at most one set, so the id is fixed:
 * two concurrent first generations write the same factor rather than two.
 */
export const BACKUP_FACTOR_ID = 'f_backup';

/**
 * What `generateBackupCodes` resolves: the codes, shown once.
 *
 * @example
 * ```ts
 * const { factorId, codes }: BackupCodes = await mfa.generateBackupCodes('u1');
 * codes; // ['k7m2q-x9c4t', …] (10 codes: show them once, offer a download)
 * ```
 */
export interface BackupCodes {
  /** The backup-codes factor (the same one across regenerations). */
  readonly factorId: string;
  /** Ten single-use codes (`xxxxx-xxxxx`). mfakit keeps only their hashes: show them once. */
  readonly codes: string[];
}

/**
 * Generates a new set of backup codes; the earlier set, if any, stops working at once. Once
 * the user has a confirmed factor this needs a recent sign-in verify (step-up); a first set
 * (the user's first factor) counts as that proof, like a first enrollment.
 */
export async function generateBackupCodes(ctx: Context, userId: string): Promise<Result<BackupCodes, 'step_up_required'>> {
  const user = await loadUser(ctx, userId);
  const now = ctx.clock.now();
  const first = !hasConfirmedFactor(user.factors);
  const refused = stepUpRefusal(user.state, !first, ctx.policy, now);
  if (refused) return refused;
  const created = !user.factors.some((f) => f.id === BACKUP_FACTOR_ID);
  if (created) {
    const factor: Factor = { id: BACKUP_FACTOR_ID, userId, channel: 'backup', status: 'active', createdAt: now, activatedAt: now };
    await ctx.store.factors.putFactor(factor);
  }
  const { codes, hashes } = newBackupSet(ctx.hasher, userId);
  await updateUser(ctx, userId, (s, at) => {
    const next = replaceBackupSet(s, BACKUP_FACTOR_ID, hashes, ctx.policy, at);
    return { state: first && ctx.policy.stepUpMs > 0 ? recordProof(next, at) : next, outcome: undefined };
  });
  if (created) ctx.events.emit('factor.enrolled', { userId, factorId: BACKUP_FACTOR_ID, channel: 'backup', at: now });
  ctx.events.emit('backup.generated', { userId, factorId: BACKUP_FACTOR_ID, count: codes.length });
  return { ok: true, factorId: BACKUP_FACTOR_ID, codes };
}
