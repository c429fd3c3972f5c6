/**
 * Trusted devices ("remember this browser"): issuing a device token after a trusting
 * verify, checking one in `requiresMfa`, and revoking them all. The rules are in
 * `core/devices.ts`, the MAC in `factors/device-token.ts`; no token is ever stored.
 * @internal
 * @module
 */
import { randomBytes } from 'node:crypto';
import { deviceTrustedUntil, factorFingerprint, formatDeviceToken, parseDeviceToken, withTrustedDevice } from '../core/devices.js';
import type { SignInContext } from '../config/options.js';
import type { AuditNote } from '../core/audit.js';
import type { MfaRequirement } from '../core/outcomes.js';
import { withoutDevices } from '../core/state.js';
import { loadUser, updateUser } from '../store/user-state.js';
import type { Context } from './context.js';

/**
 * The context of `requiresMfa`: how the first factor was checked (passed to a policy
 * function) and the device token of the browser, if it has one.
 *
 * @example
 * ```ts
 * const context: RequiresMfaContext = { method: 'password', deviceToken: req.cookies.mfa_device };
 * ```
 */
export interface RequiresMfaContext extends SignInContext {
  /**
   * The token a trusting verify answered (`verify(userId, code, { trustDevice: true })`),
   * read from the browser's cookie. An invalid, expired or revoked one is simply not
   * trusted; a value that is not a string or longer than 256 characters throws
   * `MfaError('invalid_argument')`.
   */
  readonly deviceToken?: string | undefined;
}

/**
 * Options of `verify`.
 *
 * @example
 * ```ts
 * const opts: VerifyOptions = { trustDevice: req.body.remember === 'on' };
 * ```
 */
export interface VerifyOptions {
  /** The factor the code came from (default: the pending code's, or the one the entry's shape names). */
  readonly factorId?: string | undefined;
  /**
   * Trust this device ("remember this browser"): a success also answers `deviceToken` (and
   * `deviceTrustedUntil`), which lets `requiresMfa` skip MFA on this device until it expires
   * (`trustedDevices.ttlMs`, default 30 days), the user's factors change, or the trust is
   * revoked, locked or unlocked away. Costs one factor read more.
   */
  readonly trustDevice?: boolean | undefined;
}

/** Bytes of a device generation: 16 (128 bits). */
const GENERATION_BYTES = 16;

/**
 * What a trusting verify needs before it runs: a fresh generation (used only when the user
 * has none) and the fingerprint of the user's factors as they are now.
 */
export interface DeviceTrustRequest {
  readonly candidate: string;
  readonly fingerprint: string;
}

/** Reads the user's factors and draws a candidate generation from the CSPRNG. */
export async function trustRequest(ctx: Context, userId: string): Promise<DeviceTrustRequest> {
  const factors = await ctx.store.factors.listFactors(userId);
  return { candidate: randomBytes(GENERATION_BYTES).toString('base64url'), fingerprint: factorFingerprint(factors) };
}

/** The token of a committed trust, and its expiry, for the verify result. */
export function deviceTokenOf(
  ctx: Context,
  userId: string,
  request: DeviceTrustRequest,
  issued: { readonly generation: string; readonly expiresAt: number },
): { deviceToken: string; deviceTrustedUntil: number } {
  const mac = ctx.devices.sign({ userId, generation: issued.generation, expiresAt: issued.expiresAt, fingerprint: request.fingerprint });
  return { deviceToken: formatDeviceToken(issued.expiresAt, mac), deviceTrustedUntil: issued.expiresAt };
}

/**
 * `requirement` with the device token applied: only a sign-in that would start a challenge
 * can be skipped, and only for a token that is well formed, unexpired, signed under one of
 * the secrets for this user, the user's current generation and current factors, while the
 * user is not locked. Anything else is simply not trusted.
 */
export async function trustedRequirement(ctx: Context, userId: string, requirement: MfaRequirement, token: string): Promise<MfaRequirement> {
  if (!requirement.required || requirement.reason !== undefined) return requirement;
  const parts = parseDeviceToken(token);
  if (!parts) return requirement;
  const { state, factors } = await loadUser(ctx, userId);
  const fingerprint = factorFingerprint(factors);
  const signed = (generation: string) => ctx.devices.verify({ userId, generation, expiresAt: parts.expiresAt, fingerprint }, parts.mac);
  return withTrustedDevice(requirement, deviceTrustedUntil(state, parts, signed, ctx.clock.now()));
}

/**
 * Outcome of `revokeTrustedDevices`.
 *
 * @example
 * ```ts
 * await mfa.revokeTrustedDevices('u1'); // { ok: true, revoked: true }
 * ```
 */
export interface DevicesRevoked {
  /** Whether some device was trusted (a live token may have existed). */
  readonly revoked: boolean;
}

/** Drops the user's device generation: every device token issued so far stops working. */
export async function revokeTrustedDevices(ctx: Context, userId: string, audit: AuditNote): Promise<{ ok: true; revoked: boolean }> {
  const { outcome: revoked } = await updateUser(ctx, userId, (s, now) => {
    const live = s.devices !== undefined && now < s.devices.until;
    return s.devices ? { state: withoutDevices(s), outcome: live } : { outcome: false };
  });
  ctx.events.emit('devices.revoked', { userId, at: ctx.clock.now(), ...audit });
  return { ok: true, revoked };
}
