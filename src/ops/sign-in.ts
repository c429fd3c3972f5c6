/**
 * Sign-in: requiresMfa, startChallenge, resend, verify.
 * @internal
 * @module
 */
import { loadUser, storeCall, updateUserAndTouch } from '../cas.js';
import { type Context, channelUsable } from '../context.js';
import { selectFactor } from '../core/select.js';
import { decideVerify } from '../core/verify.js';
import { lockedRefusal } from '../core/send.js';
import type { UserState } from '../core/state.js';
import type { CodeSent, Failure, MfaRequirement, Ok, Result, Verified } from '../results.js';
import type { Factor, Purpose } from '../types.js';
import { issueAndSend } from './deliver.js';
import { activeException } from './exceptions.js';

const factorsOf = (ctx: Context, userId: string) => storeCall('factor', 'list factors', () => ctx.factors.listFactors(userId));

/** Whether the user must pass MFA now. */
export async function requiresMfa(ctx: Context, userId: string): Promise<Ok<MfaRequirement>> {
  const exception = await activeException(ctx, userId);
  if (exception) return { ok: true, required: false, reason: 'exception', exception };
  const factors = await factorsOf(ctx, userId);
  // An invalid factor still counts: a STOP reply must never switch MFA off.
  const enrolled = factors.some((f) => f.status !== 'pending');
  return enrolled ? { ok: true, required: true } : { ok: true, required: false, reason: 'not_enrolled' };
}

/** Sends a sign-in code to the named, preferred or next usable factor. */
export async function startChallenge(
  ctx: Context,
  userId: string,
  opts: { factorId?: string | undefined; locale?: string | undefined },
): Promise<Result<CodeSent>> {
  const { state, snapshot, factors, preferred } = await loadUser(ctx, userId);
  // A locked user is refused before anything else is looked at.
  const locked = lockedRefusal(state, ctx.clock.now());
  if (locked) return locked;
  const chosen = selectFactor(factors, preferred, opts.factorId, {
    enabled: (c) => channelUsable(ctx, c),
    priority: ctx.options.channels.priority,
  });
  if ('ok' in chosen) return whyUnusable(ctx, factors, chosen);
  return issueAndSend(ctx, userId, chosen, 'sign_in', opts.locale, { snapshot });
}

function whyUnusable(ctx: Context, factors: readonly Factor[], refusal: Failure): Failure {
  if (refusal.error !== 'no_usable_factor') return refusal;
  const off = factors.find((f) => f.status === 'active' && ctx.disabled.has(f.channel));
  return off ? { ok: false, error: 'channel_disabled', channel: off.channel } : refusal;
}

/** Sends a new code for the live challenge (sign-in or enrollment) to the same factor. */
export async function resend(
  ctx: Context,
  userId: string,
  opts: { locale?: string | undefined; purpose?: Purpose | undefined },
): Promise<Result<CodeSent>> {
  const { state, snapshot, factors } = await loadUser(ctx, userId);
  const locked = lockedRefusal(state, ctx.clock.now());
  if (locked) return locked;
  const code = state.code;
  if (!code || (opts.purpose !== undefined && code.purpose !== opts.purpose)) return { ok: false, error: 'no_pending_code' };
  const factor = factors.find((f) => f.id === code.factorId);
  if (!factor) return { ok: false, error: 'no_pending_code' };
  if (factor.status === 'invalid') return { ok: false, error: 'factor_invalid' };
  if (!channelUsable(ctx, factor.channel)) return { ok: false, error: 'channel_disabled', channel: factor.channel };
  return issueAndSend(ctx, userId, factor, code.purpose, opts.locale, { snapshot });
}

/**
 * Checks a code for `purpose`; on success the code is consumed and the counts reset.
 * With `touch`, a success also records the factor's use in the same commit where the
 * store can (`touched` then says whether the factor was still active).
 */
export async function verifyCode(ctx: Context, userId: string, input: string, purpose: Purpose, touch = false) {
  const decide = (s: UserState, now: number) => {
    const r = decideVerify(s, { purpose, code: input.trim(), matches: ctx.hasher.matches }, ctx.policy, now);
    return { ...(r.state ? { state: r.state } : {}), outcome: r };
  };
  const { outcome: d, touched } = await updateUserAndTouch(ctx, userId, decide, (r) =>
    touch && r.outcome.ok ? { userId, factorId: r.outcome.factorId, at: ctx.clock.now() } : undefined,
  );
  const outcome = d.outcome;
  if (outcome.ok) return { ...outcome, touched };
  ctx.events.emit('verification.failed', {
    userId,
    purpose,
    error: outcome.error,
    ...(outcome.attemptsLeft !== undefined ? { attemptsLeft: outcome.attemptsLeft } : {}),
    ...(outcome.failuresLeft !== undefined ? { failuresLeft: outcome.failuresLeft } : {}),
  });
  const killed = d.state?.code;
  if (d.effect && killed) ctx.events.emit('code.exhausted', { userId, factorId: killed.factorId, purpose });
  if (d.effect === 'locked' && outcome.lockedUntil !== undefined) {
    ctx.events.emit('user.locked', { userId, lockedUntil: outcome.lockedUntil, consecutiveFailures: d.state?.consecutive ?? 0 });
  }
  return outcome;
}

/** Verifies a sign-in code. */
export async function verify(ctx: Context, userId: string, input: string): Promise<Result<Verified>> {
  const res = await verifyCode(ctx, userId, input, 'sign_in', true);
  if (!res.ok) return res;
  // Record the use; this also proves the factor is still active (removing or invalidating a
  // factor drops its code first, so this is a backstop against a race, not the main guard).
  const still = res.touched ?? (await storeCall('factor', 'record the factor use', () => touch(ctx, userId, res.factorId, ctx.clock.now())));
  if (!still) {
    ctx.events.emit('verification.failed', { userId, purpose: 'sign_in', error: 'factor_not_found' });
    return { ok: false, error: 'factor_not_found' };
  }
  ctx.events.emit('verification.succeeded', { userId, factorId: res.factorId, channel: res.channel, purpose: 'sign_in' });
  return { ok: true, factorId: res.factorId, channel: res.channel, purpose: 'sign_in' };
}

/** Sets `lastUsedAt` of an active factor: the store's fast path, else read and write. */
async function touch(ctx: Context, userId: string, factorId: string, at: number): Promise<boolean> {
  if (ctx.factors.touchFactor) return ctx.factors.touchFactor(userId, factorId, at);
  const factor = await ctx.factors.getFactor(userId, factorId);
  if (!factor || factor.status !== 'active') return false;
  await ctx.factors.putFactor({ ...factor, lastUsedAt: at });
  return true;
}
