/**
 * Checking an entered code: load → decide (core) → commit, then the events. A sign-in
 * success also records the factor's use, in the same commit where the store can.
 * @internal
 * @module
 */
import { decideVerify, isDigits, type VerifiedCode, type VerifyDecision, type VerifyRefusal } from '../core/codes.js';
import { BACKUP_LOW_AT, decideBackup, normalizeBackupCode } from '../core/backup.js';
import { recordProof } from '../core/step-up.js';
import { trustDevice } from '../core/devices.js';
import { decideTotp } from '../core/totp.js';
import type { Failure, Result, Verified, VerifyError } from '../core/outcomes.js';
import type { UserState } from '../core/state.js';
import type { Factor, Purpose } from '../core/types.js';
import { backupMatcher } from '../factors/backup.js';
import { totpCheck } from '../factors/totp.js';
import { updateUser } from '../store/user-state.js';
import type { Context } from './context.js';
import { totpFactorFor } from './totp.js';
import { deviceTokenOf, type DeviceTrustRequest, trustRequest } from './devices.js';

/**
 * How a check commits a success: `touch` records the factor's use (`touched`: whether the
 * factor was still active); `proof` records a proof of possession for step-up (a sign-in,
 * or the user's first factor being confirmed).
 */
export interface CheckOptions {
  readonly touch?: boolean | undefined;
  readonly proof?: boolean | undefined;
  /** Trust the device: a success keeps (else draws) the device generation and raises its expiry. */
  readonly trust?: DeviceTrustRequest | undefined;
}

/**
 * Checks a code for `purpose` (sent to `factorId`, when named); on success the code is
 * consumed and, at sign-in, the counts reset.
 */
export async function verifyCode(
  ctx: Context,
  userId: string,
  input: string,
  purpose: Purpose,
  opts: CheckOptions & { factorId?: string | undefined } = {},
): Promise<Checked> {
  const factorId = opts.factorId;
  const res = await verifyWith(ctx, userId, purpose, opts, (s, now) =>
    decideVerify(s, { purpose, code: input.trim(), matches: ctx.hasher.matches, factorId }, ctx.policy, now),
  );
  if (!res.ok && res.error === 'no_pending_code' && factorId === undefined) {
    // No code was sent: the entry may come from the user's authenticator app.
    const app = await totpFactorFor(ctx, userId, undefined, purpose === 'enroll' ? 'pending' : 'active');
    if (app) return verifyTotp(ctx, userId, app, input, purpose, opts);
  }
  if (!res.ok && res.error === 'no_pending_code') ctx.events.emit('verification.failed', { userId, purpose, error: res.error });
  return res;
}

/** Checks an authenticator code of a TOTP factor for `purpose` (its step recorded on success). */
export function verifyTotp(ctx: Context, userId: string, factor: Factor, input: string, purpose: Purpose, opts: CheckOptions = {}): Promise<Checked> {
  const check = totpCheck(ctx.box, factor);
  return verifyWith(ctx, userId, purpose, opts, (s, now) =>
    decideTotp(s, { factorId: factor.id, purpose, code: input.trim(), check }, ctx.policy, now),
  );
}

/**
 * What a check resolves: the verified factor (whether its use was recorded, and the device
 * trust it committed), or the refusal.
 */
export type Checked = (VerifiedCode & { touched?: boolean | undefined; device?: IssuedTrust | undefined }) | VerifyRefusal;

/** The device trust a trusting verify committed: the generation and the new token's expiry. */
export interface IssuedTrust {
  readonly generation: string;
  readonly expiresAt: number;
}

/** Runs one decision of `core/` in a compare-and-set on the user's record, then emits the events. */
async function verifyWith(
  ctx: Context,
  userId: string,
  purpose: Purpose,
  opts: CheckOptions,
  decideOne: (s: UserState, now: number) => VerifyDecision,
): Promise<Checked> {
  const decide = (s: UserState, now: number) => {
    const d = decideOne(s, now);
    // A sign-in success is the proof of possession that step-up asks for.
    const proved = d.outcome.ok && opts.proof && d.state ? recordProof(d.state, now) : d.state;
    // Trusting the device is part of the same commit as the success.
    const expiresAt = now + ctx.policy.deviceTtlMs;
    const state = d.outcome.ok && opts.trust && proved ? trustDevice(proved, opts.trust.candidate, expiresAt) : proved;
    const device = state?.devices && opts.trust && d.outcome.ok ? { generation: state.devices.generation, expiresAt } : undefined;
    return { state, outcome: { d, device } };
  };
  const { outcome: { d, device }, touched } = await updateUser(ctx, userId, decide, {
    touch: (r) => (opts.touch && r.d.outcome.ok ? { userId, factorId: r.d.outcome.factorId, at: ctx.clock.now() } : undefined),
  });
  const outcome = d.outcome;
  if (outcome.ok) {
    // The common answer (a sent or app code) is built as one literal, not a spread.
    if (outcome.backupCodesLeft !== undefined) return { ...outcome, touched, device };
    return { ok: true, factorId: outcome.factorId, channel: outcome.channel, purpose: outcome.purpose, touched, device };
  }
  // No code pending: the caller may try an authenticator app before it says so.
  if (outcome.error === 'no_pending_code') return outcome;
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

/** A sign-in success records the factor's use and the proof of possession. */
const SIGN_IN: CheckOptions = { touch: true, proof: true };

/** Checks a backup code (sign-in only): a right one is used up in the same commit. */
function verifyBackup(ctx: Context, userId: string, input: string, factorId: string | undefined, opts: CheckOptions): Promise<Checked> {
  const match = backupMatcher(ctx.hasher, userId);
  return verifyWith(ctx, userId, 'sign_in', opts, (s, now) => decideBackup(s, { code: input.trim(), factorId, match }, ctx.policy, now));
}

/**
 * Verifies a sign-in code: of the named factor, else a backup code when the entry is
 * shaped like one (letters; sent and app codes are digits), else the pending sent code or
 * the authenticator app. With `trustDevice`, a success also trusts the device (any kind of
 * code: sent, app or backup) and answers a device token.
 */
export async function verify(ctx: Context, userId: string, input: string, factorId?: string, trustDevice = false): Promise<Result<Verified, VerifyError>> {
  // The factors are read before the verify: a change racing it kills the token (fail closed).
  const trust = trustDevice ? await trustRequest(ctx, userId) : undefined;
  const opts: CheckOptions = trust ? { ...SIGN_IN, trust } : SIGN_IN;
  const named = factorId === undefined ? null : await ctx.store.factors.getFactor(userId, factorId);
  const active = named?.status === 'active' ? named : null;
  let res: Checked;
  if (active?.channel === 'totp') res = await verifyTotp(ctx, userId, active, input, 'sign_in', opts);
  else if (active?.channel === 'backup') res = await verifyBackup(ctx, userId, input, active.id, opts);
  // Fast path: digits alone are never a backup code (it has letters), so they skip its normalising.
  else if (factorId === undefined && !isDigits(input) && normalizeBackupCode(input.trim()) !== null) res = await verifyBackup(ctx, userId, input, undefined, opts);
  else res = await verifyCode(ctx, userId, input, 'sign_in', factorId === undefined ? opts : { ...opts, factorId });
  if (!res.ok) return res;
  // The touch also proves the factor is still active (removing or invalidating a factor
  // drops its code first, so this is a backstop against a race, not the main guard).
  if (!res.touched) {
    const refusal: Failure<'factor_not_found'> = { ok: false, error: 'factor_not_found' };
    ctx.events.emit('verification.failed', { userId, purpose: 'sign_in', error: refusal.error });
    return refusal;
  }
  if (ctx.events.listens('verification.succeeded')) ctx.events.emit('verification.succeeded', { userId, factorId: res.factorId, channel: res.channel, purpose: 'sign_in' });
  const left = res.backupCodesLeft;
  if (left !== undefined && left <= BACKUP_LOW_AT) ctx.events.emit('backup.low', { userId, factorId: res.factorId, remaining: left });
  // The common answer is built as one literal (no spreads of empty objects).
  if (left === undefined && !(trust && res.device)) return { ok: true, factorId: res.factorId, channel: res.channel, purpose: 'sign_in' };
  return {
    ok: true,
    factorId: res.factorId,
    channel: res.channel,
    purpose: 'sign_in',
    ...(left !== undefined ? { backupCodesLeft: left } : {}),
    ...(trust && res.device ? deviceTokenOf(ctx, userId, trust, res.device) : {}),
  };
}

