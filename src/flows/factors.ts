/**
 * Factor management: list, preferred factor, removal, and a STOP reply (opt-out).
 * @internal
 * @module
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { maskEmail } from '../config/email.js';
import { maskPhone } from '../config/phone.js';
import { backupCodesLeft, dropBackupSet } from '../core/backup.js';
import { type Channels, unusableReason } from '../core/choice.js';
import type { Result } from '../core/outcomes.js';
import type { UserState } from '../core/state.js';
import type { Factor, FactorView, InvalidReason } from '../core/types.js';
import type { DeliveryFailureReason } from '../ports/delivery.js';
import { updateUser } from '../store/user-state.js';
import { BACKUP_FACTOR_ID } from './backup.js';
import type { Context } from './context.js';
import { destinationOf, releaseDestination } from './destinations.js';
import { loadUserAndChannels } from './settings.js';
import { stepUpCheck } from './step-up.js';

/** A factor's destination as the API shows it: the number or the address, masked. */
export function maskedOf(f: Factor): { maskedPhone?: string; maskedEmail?: string } {
  return {
    ...(f.phone ? { maskedPhone: maskPhone(f.phone) } : {}),
    ...(f.email ? { maskedEmail: maskEmail(f.email) } : {}),
  };
}

/**
 * The public view of a factor: masked number, preferred flag, whether it is usable now
 * (`backupLeft`: the user's backup codes left), and for the backup factor how many codes are left.
 */
export function viewOf(f: Factor, preferredId: string | null, channels: Channels, backupLeft: number): FactorView {
  const why = unusableReason(channels, f, backupLeft);
  return {
    id: f.id,
    channel: f.channel,
    status: f.status,
    preferred: f.id === preferredId,
    usable: why === undefined,
    ...(why === undefined ? {} : { unusableReason: why }),
    createdAt: f.createdAt,
    ...maskedOf(f),
    ...(f.channel === 'backup' ? { backupCodesLeft: backupLeft } : {}),
    ...(f.lastUsedAt !== undefined ? { lastUsedAt: f.lastUsedAt } : {}),
    ...(f.invalidReason ? { invalidReason: f.invalidReason } : {}),
  };
}

/** The views of a loaded user's factors. */
export function viewsOf(user: { factors: readonly Factor[]; preferred: string | null; state: UserState }, channels: Channels): FactorView[] {
  const left = backupCodesLeft(user.state, BACKUP_FACTOR_ID);
  return user.factors.map((f) => viewOf(f, user.preferred, channels, left));
}

/**
 * Drops what could still complete a sign-in with `factorId`: the code sent to it (verify
 * then answers `no_pending_code`, as if none had been sent) and, for the backup factor,
 * its codes. Counters and budgets stay.
 */
async function dropCodeOf(ctx: Context, userId: string, factorId: string): Promise<void> {
  await updateUser(ctx, userId, (s: UserState) => {
    const base = dropBackupSet(s, factorId) ?? s;
    if (base.code?.factorId !== factorId) return { state: base === s ? undefined : base, outcome: undefined };
    const { code: _dropped, ...rest } = base;
    return { state: rest, outcome: undefined };
  });
}

/**
 * Changes a factor so that no code sent to it survives: drop the code, change the factor,
 * drop again (the second drop catches a code that a concurrent startChallenge issued from a
 * factor list read before the change).
 */
async function changeFactor(ctx: Context, userId: string, factorId: string, change: () => Promise<unknown>): Promise<void> {
  await dropCodeOf(ctx, userId, factorId);
  await change();
  await dropCodeOf(ctx, userId, factorId);
}

/** All factors of a user, masked (one read: factors, preferred factor and state together where the store can). */
export async function listFactors(ctx: Context, userId: string): Promise<FactorView[]> {
  const { user, channels } = await loadUserAndChannels(ctx, userId);
  return viewsOf(user, channels);
}

/** Marks an active factor preferred (`null` clears it). */
export async function setPreferred(
  ctx: Context,
  userId: string,
  factorId: string | null,
): Promise<Result<{ factorId: string | null }, 'factor_not_found' | 'factor_invalid'>> {
  const store = ctx.store.factors;
  if (factorId !== null) {
    const f = await store.getFactor(userId, factorId);
    if (!f || f.status === 'pending') return { ok: false, error: 'factor_not_found' };
    if (f.status === 'invalid') return { ok: false, error: 'factor_invalid' };
  }
  await store.setPreferred(userId, factorId);
  ctx.events.emit('preferred.changed', { userId, factorId });
  return { ok: true, factorId };
}

/**
 * Removes the factor a confirmed enrollment replaces (a number change): its live code dies
 * with it, and if it was the preferred factor, the new one is preferred instead.
 */
export async function replaceFactor(ctx: Context, old: Factor, replacement: string): Promise<void> {
  const store = ctx.store.factors;
  const userId = old.userId;
  await changeFactor(ctx, userId, old.id, () => store.deleteFactor(userId, old.id));
  await releaseOf(ctx, old);
  if ((await store.getPreferred(userId)) === old.id) {
    await store.setPreferred(userId, replacement);
    ctx.events.emit('preferred.changed', { userId, factorId: replacement });
  }
  ctx.events.emit('factor.removed', { userId, factorId: old.id, channel: old.channel, ...maskedOf(old), at: ctx.clock.now(), replacedBy: replacement });
}

/**
 * Removes a factor; its live code dies with it. A confirmed factor needs a recent sign-in
 * verify (step-up) unless an admin removes it (`admin`: who and why, in the event).
 */
export async function removeFactor(
  ctx: Context,
  userId: string,
  factorId: string,
  admin?: { by: string; reason: string | undefined },
): Promise<Result<{ factorId: string }, 'factor_not_found' | 'step_up_required'>> {
  const store = ctx.store.factors;
  const f = await store.getFactor(userId, factorId);
  if (!f) return { ok: false, error: 'factor_not_found' };
  // An unconfirmed enrollment can be dropped freely: it never guarded anything.
  if (!admin && f.status !== 'pending') {
    const stepUp = await stepUpCheck(ctx, userId);
    if (stepUp) return stepUp;
  }
  await changeFactor(ctx, userId, factorId, () => store.deleteFactor(userId, factorId));
  await releaseOf(ctx, f);
  if ((await store.getPreferred(userId)) === factorId) {
    await store.setPreferred(userId, null);
    ctx.events.emit('preferred.changed', { userId, factorId: null });
  }
  ctx.events.emit('factor.removed', { userId, factorId, channel: f.channel, ...maskedOf(f), at: ctx.clock.now(), ...(admin ? { by: admin.by, ...(admin.reason !== undefined ? { reason: admin.reason } : {}) } : {}) });
  return { ok: true, factorId };
}

/** `destinations.unique`: a removed factor's number or address is given up if it was the user's last. */
async function releaseOf(ctx: Context, removed: Factor): Promise<void> {
  const d = destinationOf(removed);
  if (d !== undefined) await releaseDestination(ctx, removed.userId, d);
}

/** What told mfakit that a factor cannot receive, for `factor.invalidated`. */
export interface InvalidationCause {
  readonly reason: InvalidReason;
  readonly source: 'opt_out' | 'send' | 'report';
  readonly deliveryReason?: DeliveryFailureReason | undefined;
  readonly providerCode?: string | undefined;
}

/**
 * Makes one factor `invalid` (no code sent to it survives: see `changeFactor`) and emits
 * `factor.invalidated`, if it is not invalid already (`same`, when given, also says it is
 * still the one meant, e.g. the same number). Re-reads the factor so nothing newer is
 * overwritten. Resolves whether the factor became `invalid`.
 *
 * A `pending` factor (an enrollment not confirmed yet) is dropped instead, with its code: its
 * enrollment just fails. Kept as `invalid` it would count as a confirmed factor, and a user who
 * never finished enrolling would be required to pass MFA with nothing to pass it with.
 */
export async function invalidateFactor(
  ctx: Context,
  userId: string,
  factorId: string,
  cause: InvalidationCause,
  same?: (f: Factor) => boolean,
): Promise<boolean> {
  const store = ctx.store.factors;
  const f = await store.getFactor(userId, factorId);
  if (!f || f.status === 'invalid' || (same && !same(f))) return false;
  if (f.status === 'pending') {
    await changeFactor(ctx, userId, factorId, () => store.deleteFactor(userId, factorId));
    return false;
  }
  await changeFactor(ctx, userId, factorId, () =>
    store.putFactor({ ...f, status: 'invalid', invalidatedAt: ctx.clock.now(), invalidReason: cause.reason }),
  );
  ctx.events.emit('factor.invalidated', {
    userId,
    factorId,
    channel: f.channel,
    ...maskedOf(f),
    reason: cause.reason,
    source: cause.source,
    ...(cause.deliveryReason === undefined ? {} : { deliveryReason: cause.deliveryReason }),
    ...(cause.providerCode === undefined ? {} : { providerCode: cause.providerCode }),
  });
  return true;
}

/** A STOP reply (or an undeliverable number): every SMS factor on that number becomes `invalid` (a voice factor on it keeps working). */
export async function invalidateNumber(
  ctx: Context,
  input: string,
  reason: InvalidReason,
): Promise<Result<{ invalidated: number }, 'invalid_phone_number'>> {
  const parsed = input.length <= 64 ? parsePhoneNumberFromString(input) : undefined;
  if (!parsed || !parsed.isPossible()) return { ok: false, error: 'invalid_phone_number' };
  const e164 = parsed.number;
  const factors = await ctx.store.factors.findFactorsByPhone(e164);
  let invalidated = 0;
  for (const f of factors) {
    if (f.status === 'invalid' || f.channel !== 'sms') continue;
    if (await invalidateFactor(ctx, f.userId, f.id, { reason, source: 'opt_out' }, (now) => now.phone === e164)) invalidated++;
  }
  return { ok: true, invalidated };
}
