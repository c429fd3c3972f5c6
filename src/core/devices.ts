/**
 * Pure rules of trusted devices ("remember this browser"): what a trusting verify does to the
 * user's state, the shape of a device token, what a token is bound to (the user's factors),
 * and when one lets a sign-in skip MFA. The MAC itself is the shell's (`factors/device-token.ts`):
 * these rules are handed its answer, as `decideVerify` is handed the code check.
 *
 * A token is `1.<expiresAt>.<mac>`. Nothing of it is stored: the user's state keeps only a
 * random generation (and the latest expiry issued under it), so dropping the generation
 * kills every token at once, and a factor change kills them through the fingerprint.
 * @module
 */
import { lockOf } from './lockout.js';
import type { MfaRequirement } from './outcomes.js';
import type { UserState } from './state.js';
import type { Factor } from './types.js';

/** The version a token starts with (bound into its MAC, so a later format cannot be confused with it). */
export const DEVICE_TOKEN_VERSION = '1';

/** Characters of the MAC in a token: 22 base64url characters, 128 bits. */
export const DEVICE_MAC_LENGTH = 22;

/** Longest string `requiresMfa` accepts as a device token (a real one is under 40 characters). */
export const MAX_DEVICE_TOKEN_LENGTH = 256;

/** The parts of a well-formed device token. */
export interface DeviceTokenParts {
  /** When the token stops being trusted (epoch ms). */
  readonly expiresAt: number;
  /** Its MAC, base64url. */
  readonly mac: string;
}

const TOKEN_SHAPE = /^1\.([1-9][0-9]{0,15})\.([A-Za-z0-9_-]{22})$/;

/**
 * The parts of a device token, or `null` for anything mfakit could not have issued (a token
 * that does not parse is simply not trusted).
 *
 * @example
 * ```ts
 * parseDeviceToken('1.1790000000000.AAAAAAAAAAAAAAAAAAAAAA'); // { expiresAt: 1790000000000, mac: 'AAAA…' }
 * parseDeviceToken('garbage');                                 // null
 * ```
 */
export function parseDeviceToken(token: string): DeviceTokenParts | null {
  const m = TOKEN_SHAPE.exec(token);
  if (!m) return null;
  const expiresAt = Number(m[1]);
  if (!Number.isSafeInteger(expiresAt)) return null;
  return { expiresAt, mac: m[2] as string };
}

/**
 * Writes a device token from its expiry and MAC.
 *
 * @example
 * ```ts
 * formatDeviceToken(1790000000000, mac); // '1.1790000000000.<mac>'
 * ```
 */
export function formatDeviceToken(expiresAt: number, mac: string): string {
  return `${DEVICE_TOKEN_VERSION}.${expiresAt}.${mac}`;
}

/**
 * What a device token is bound to besides the user: each confirmed factor (active or
 * invalid; a pending enrollment is left out) as its id, status, channel and number or
 * address, sorted, every field and entry length-prefixed (no two lists share a fingerprint). Adding, removing or invalidating a factor, or
 * changing its number (even directly in the host's database), changes it, and with it every
 * token's MAC.
 *
 * @example
 * ```ts
 * factorFingerprint([{ id: 'f_1', userId: 'u1', channel: 'sms', status: 'active', phone: '+14155552671', createdAt: 0 }]);
 * // '33:3:f_16:active3:sms12:+14155552671'
 * ```
 */
export function factorFingerprint(factors: readonly Factor[]): string {
  return factors
    .filter((f) => f.status !== 'pending')
    .map((f) => [f.id, f.status, f.channel, f.phone ?? f.email ?? ''].map(prefixed).join(''))
    .sort()
    .map(prefixed)
    .join('');
}

/** A string behind its length, so consecutive fields cannot slide into each other. */
const prefixed = (v: string): string => `${v.length}:${v}`;

/**
 * The state after a sign-in verify that trusts the device, in the same compare-and-set: the
 * generation is kept (every device trusted earlier stays trusted), else the fresh
 * `candidate` drawn by the shell; the record is kept until the latest expiry.
 *
 * @example
 * ```ts
 * trustDevice(state, randomBytes(16).toString('base64url'), now + policy.deviceTtlMs);
 * ```
 */
export function trustDevice(s: UserState, candidate: string, until: number): UserState {
  const generation = s.devices?.generation ?? candidate;
  return { ...s, devices: { generation, until: Math.max(s.devices?.until ?? until, until) } };
}

/**
 * Until when a device token trusts the device now, or `undefined` when it does not: the
 * user is not locked, has a live generation, the token has not expired (nor claims an
 * expiry later than any issued), and `signed(generation)` says its MAC is right (bound to
 * this user, this generation, its expiry and the current factors).
 *
 * @example
 * ```ts
 * const until = deviceTrustedUntil(state, parts, (generation) => signer.verify(userId, generation, parts, fingerprint), now);
 * ```
 */
export function deviceTrustedUntil(s: UserState, token: DeviceTokenParts, signed: (generation: string) => boolean, now: number): number | undefined {
  if (lockOf(s, now) || !s.devices) return undefined;
  if (now >= token.expiresAt || token.expiresAt > s.devices.until) return undefined;
  return signed(s.devices.generation) ? token.expiresAt : undefined;
}

/**
 * The answer of `requiresMfa` with a device token: a sign-in that needs a challenge (the user
 * has a confirmed factor) skips it when the device is trusted; every other answer stays (an
 * exception, a policy skip, `must_enroll` and `not_enrolled` do not depend on the device).
 *
 * @example
 * ```ts
 * withTrustedDevice({ required: true }, until); // { required: false, reason: 'trusted_device', trustedUntil: until }
 * ```
 */
export function withTrustedDevice(requirement: MfaRequirement, trustedUntil: number | undefined): MfaRequirement {
  if (!requirement.required || requirement.reason !== undefined || trustedUntil === undefined) return requirement;
  return { required: false, reason: 'trusted_device', trustedUntil };
}
