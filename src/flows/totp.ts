/**
 * Authenticator apps (TOTP): enrollment (a sealed secret and its `otpauth://` URI; the
 * factor turns active when a first code is confirmed) and finding the TOTP factor an entry
 * is for.
 * @internal
 * @module
 */
import type { Result } from '../core/outcomes.js';
import type { Factor } from '../core/types.js';
import { randomId } from '../factors/code.js';
import { newTotpSecret } from '../factors/totp.js';
import type { Context } from './context.js';
import { stepUpCheck } from './step-up.js';

/**
 * What `enrollTotp` resolves: the factor to confirm, and the secret shown once.
 *
 * @example
 * ```ts
 * const { factorId, secret, uri }: TotpEnrollment = await mfa.enrollTotp('u1', { label: 'ada@example.com' });
 * showQrCode(uri); showText(secret); // then confirmEnrollment('u1', codeFromApp, { factorId })
 * ```
 */
export interface TotpEnrollment {
  /** The pending factor; confirm it with `confirmEnrollment(userId, code, { factorId })`. */
  readonly factorId: string;
  /** The base32 secret, for typing into an app; shown once, stored only sealed. */
  readonly secret: string;
  /** `otpauth://totp/<issuer>:<label>?secret=…&issuer=…`, for a QR code. */
  readonly uri: string;
}

/** Creates a pending TOTP factor (replacing an earlier pending one) and returns its secret once. */
export async function enrollTotp(ctx: Context, userId: string, label: string): Promise<Result<TotpEnrollment, 'step_up_required'>> {
  const stepUp = await stepUpCheck(ctx, userId);
  if (stepUp) return stepUp;
  const store = ctx.store.factors;
  const id = randomId('f');
  const { secret, sealed, uri } = newTotpSecret(ctx.box, { userId, id }, ctx.options.appName, label);
  const factor: Factor = { id, userId, channel: 'totp', status: 'pending', totpSecret: sealed, createdAt: ctx.clock.now() };
  await store.putFactor(factor);
  const stale = (await store.listFactors(userId)).filter((f) => f.channel === 'totp' && f.status === 'pending' && f.id !== id);
  for (const f of stale) await store.deleteFactor(userId, f.id);
  return { ok: true, factorId: id, secret, uri };
}

/**
 * The TOTP factor an entry is for: the named one when it is a TOTP factor of `status`, else
 * (no name) the user's only TOTP factor of that status; `undefined` when there is none.
 */
export async function totpFactorFor(ctx: Context, userId: string, factorId: string | undefined, status: 'pending' | 'active'): Promise<Factor | undefined> {
  if (factorId !== undefined) {
    const f = await ctx.store.factors.getFactor(userId, factorId);
    return f?.channel === 'totp' && f.status === status ? f : undefined;
  }
  const all = (await ctx.store.factors.listFactors(userId)).filter((f) => f.channel === 'totp' && f.status === status);
  return all.length === 1 ? all[0] : undefined;
}
