/**
 * Factor management, opt-out, status and admin unlock.
 * @internal
 * @module
 */
import { loadUser, storeCall, updateUser } from '../cas.js';
import type { Context } from '../context.js';
import { age, lockOf, type UserState } from '../core/state.js';
import { unlockState } from '../core/verify.js';
import { maskPhone } from '../phone.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { MfaStatus, Result } from '../results.js';
import type { Factor, FactorView } from '../types.js';

/** The public view of a factor: masked number, preferred flag. */
export function viewOf(f: Factor, preferredId: string | null): FactorView {
  return {
    id: f.id,
    channel: f.channel,
    status: f.status,
    preferred: f.id === preferredId,
    createdAt: f.createdAt,
    ...(f.phone ? { maskedPhone: maskPhone(f.phone) } : {}),
    ...(f.lastUsedAt !== undefined ? { lastUsedAt: f.lastUsedAt } : {}),
    ...(f.invalidReason ? { invalidReason: f.invalidReason } : {}),
  };
}

/**
 * Drops the code sent to `factorId`, so it can no longer complete anything (verify then
 * answers `no_pending_code`, as if none had been sent). Counters and budgets stay.
 */
async function dropCodeOf(ctx: Context, userId: string, factorId: string): Promise<void> {
  await updateUser(ctx, userId, (s: UserState) => {
    if (s.code?.factorId !== factorId) return { outcome: undefined };
    const { code: _dropped, ...rest } = s;
    return { state: rest, outcome: undefined };
  });
}

/** All factors of a user, masked. */
export async function listFactors(ctx: Context, userId: string): Promise<FactorView[]> {
  const [factors, preferred] = await Promise.all([
    storeCall('factor', 'list factors', () => ctx.factors.listFactors(userId)),
    storeCall('factor', 'read the preferred factor', () => ctx.factors.getPreferred(userId)),
  ]);
  return factors.map((f) => viewOf(f, preferred));
}

/** Marks an active factor preferred (`null` clears it). */
export async function setPreferred(
  ctx: Context,
  userId: string,
  factorId: string | null,
): Promise<Result<{ factorId: string | null }, 'factor_not_found' | 'factor_invalid'>> {
  if (factorId !== null) {
    const f = await storeCall('factor', 'read a factor', () => ctx.factors.getFactor(userId, factorId));
    if (!f || f.status === 'pending') return { ok: false, error: 'factor_not_found' };
    if (f.status === 'invalid') return { ok: false, error: 'factor_invalid' };
  }
  await storeCall('factor', 'set the preferred factor', () => ctx.factors.setPreferred(userId, factorId));
  ctx.events.emit('preferred.changed', { userId, factorId });
  return { ok: true, factorId };
}

/** Removes a factor; its live code dies with it. */
export async function removeFactor(ctx: Context, userId: string, factorId: string): Promise<Result<{ factorId: string }, 'factor_not_found'>> {
  const f = await storeCall('factor', 'read a factor', () => ctx.factors.getFactor(userId, factorId));
  if (!f) return { ok: false, error: 'factor_not_found' };
  // Drop the code, change the factor, drop again: the second drop catches a code that a
  // concurrent startChallenge issued from a factor list read before the change.
  await dropCodeOf(ctx, userId, factorId);
  await storeCall('factor', 'delete a factor', () => ctx.factors.deleteFactor(userId, factorId));
  await dropCodeOf(ctx, userId, factorId);
  const preferred = await storeCall('factor', 'read the preferred factor', () => ctx.factors.getPreferred(userId));
  if (preferred === factorId) {
    await storeCall('factor', 'clear the preferred factor', () => ctx.factors.setPreferred(userId, null));
    ctx.events.emit('preferred.changed', { userId, factorId: null });
  }
  ctx.events.emit('factor.removed', { userId, factorId, channel: f.channel });
  return { ok: true, factorId };
}

/** A STOP reply (or an undeliverable number): every factor on that number becomes `invalid`. */
export async function invalidateNumber(
  ctx: Context,
  input: string,
  reason: 'opt_out' | 'undeliverable',
): Promise<Result<{ invalidated: number }, 'invalid_phone_number'>> {
  const parsed = input.length <= 64 ? parsePhoneNumberFromString(input) : undefined;
  if (!parsed || !parsed.isPossible()) return { ok: false, error: 'invalid_phone_number' };
  const e164 = parsed.number;
  const factors = await storeCall('factor', 'find factors by number', () => ctx.factors.findFactorsByPhone(e164));
  const now = ctx.clock.now();
  let invalidated = 0;
  for (const f of factors) {
    if (f.status === 'invalid') continue;
    await dropCodeOf(ctx, f.userId, f.id); // before and after, as in removeFactor
    await storeCall('factor', 'invalidate a factor', () =>
      ctx.factors.putFactor({ ...f, status: 'invalid', invalidatedAt: now, invalidReason: reason }),
    );
    await dropCodeOf(ctx, f.userId, f.id);
    invalidated++;
    ctx.events.emit('factor.invalidated', { userId: f.userId, factorId: f.id, channel: f.channel, maskedPhone: maskPhone(e164), reason });
  }
  return { ok: true, invalidated };
}

/** Lock, counters, pending code and budgets of a user, for support screens and UIs. */
export async function getStatus(ctx: Context, userId: string): Promise<MfaStatus> {
  const now = ctx.clock.now();
  const p = ctx.policy;
  const user = await loadUser(ctx, userId);
  const s = age(user.state, p, now);
  const lock = lockOf(s, now);
  const code = s.code;
  const budgetAt = s.sends.length >= p.sendsPerUser && s.sends[0] !== undefined ? s.sends[0] + p.sendWindowMs : undefined;
  const cooldownAt = s.lastSentAt !== undefined ? s.lastSentAt + p.cooldownMs : undefined;
  const next = Math.max(budgetAt ?? 0, cooldownAt ?? 0, lock?.until ?? 0);
  return {
    locked: lock !== undefined,
    ...(lock ? { lockedUntil: lock.until } : {}),
    failures: s.failures,
    failuresLeft: p.maxFailures - s.failures,
    consecutiveFailures: s.consecutive,
    ...(code
      ? {
          pending: {
            purpose: code.purpose,
            factorId: code.factorId,
            expiresAt: code.expiresAt,
            attemptsLeft: code.dead ? 0 : p.maxTries - code.tries,
            state: code.dead ? ('exhausted' as const) : now >= code.expiresAt ? ('expired' as const) : ('live' as const),
          },
        }
      : {}),
    ...(next > now ? { nextSendAt: next } : {}),
    sendsLeft: Math.max(0, p.sendsPerUser - s.sends.length),
    factors: user.factors.map((f) => viewOf(f, user.preferred)),
  };
}

/** Admin unlock: clears the lock (timed or permanent) and the failure counters. */
export async function unlock(ctx: Context, userId: string): Promise<{ ok: true; wasLocked: boolean }> {
  const wasLocked = await updateUser(ctx, userId, (s, now) => {
    const was = lockOf(s, now) !== undefined;
    const next = unlockState(s);
    return { state: next, outcome: was };
  });
  ctx.events.emit('user.unlocked', { userId });
  return { ok: true, wasLocked };
}
