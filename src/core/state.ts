/**
 * The short-lived security state of one user, and the pure helpers that age it.
 * Kept as one record in the {@link StateStore} (one key per user), serialized compactly.
 * @internal
 * @module
 */
import type { Policy } from './policy.js';
import type { Channel, Purpose } from './types.js';

/** The live (or dead) one-time code of a user. Only its HMAC is kept. */
export interface CodeRecord {
  /** Challenge id: bound into the HMAC. */
  readonly id: string;
  readonly purpose: Purpose;
  readonly factorId: string;
  /** The factor's channel (so a verify needs no factor read). */
  readonly channel: Channel;
  /** base64url HMAC-SHA-256(secret, id ‖ purpose ‖ code). */
  readonly hash: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Wrong entries against this code. */
  readonly tries: number;
  /** Killed by its last try or by a lock; a new code must be requested. */
  readonly dead?: true;
}

/** One user's security state. Absent fields mean "none". */
export interface UserState {
  readonly code?: CodeRecord;
  /** Wrong entries toward the timed lock (reset by success, by a lock, by unlock). */
  readonly failures: number;
  /** Consecutive wrong entries toward the hard ceiling (reset only by success or unlock). */
  readonly consecutive: number;
  readonly lastFailureAt?: number;
  /** Timed lock: refused while `now < lockedUntil`. */
  readonly lockedUntil?: number;
  /** Locked until an admin unlocks. */
  readonly hardLocked?: true;
  /** When the last code was sent (cooldown). */
  readonly lastSentAt?: number;
  /** Send times within the send window (per-user budget), oldest first. */
  readonly sends: readonly number[];
  /** The last TOTP time step used, by factor id, while a replay of it could still be accepted. */
  readonly steps?: Readonly<Record<string, number>>;
  /** The last proof of possession (a sign-in verify, or the first factor's confirmation): factor changes are allowed within `stepUpMs` of it. */
  readonly verifiedAt?: number;
  /** The user's backup codes (only their keyed hashes); kept until regenerated or removed. */
  readonly backup?: BackupSet;
  /** Trusted devices: the generation every device token is bound to, and the latest expiry of one. */
  readonly devices?: DeviceTrust;
}

/**
 * The trust given to devices ("remember this browser"). No token is kept: a token is a MAC
 * over the user, this `generation` and its own expiry, so dropping the generation (revoke,
 * lock, unlock, new backup codes) kills every token issued under it.
 */
export interface DeviceTrust {
  /** Random (128 bits, base64url), drawn when the first device is trusted. */
  readonly generation: string;
  /** The latest expiry of a token issued under it: the record is kept until then. */
  readonly until: number;
}

/** The state without trusted devices: every device token issued so far stops working. */
export function withoutDevices(s: UserState): UserState {
  if (!s.devices) return s;
  const { devices: _dropped, ...rest } = s;
  return rest;
}

/**
 * The live set of backup codes: the factor they belong to, a keyed hash of each code, and
 * which are used (bit `i` of `used` for `hashes[i]`). A code is marked used in the same
 * compare-and-set that accepts it, so one code completes one sign-in however many verifies
 * race for it; a used code is still recognised, so entering it again is a replay, not a guess.
 */
export interface BackupSet {
  readonly factorId: string;
  readonly hashes: readonly string[];
  readonly used: number;
}

/** The TOTP time step, in ms (RFC 6238's default, and what authenticator apps use). */
export const TOTP_STEP_MS = 30_000;

/** Until when a used step must be remembered: a code of step S is accepted up to step S + 1. */
export const stepMemoryEnd = (step: number): number => (step + 2) * TOTP_STEP_MS;

/** Per-destination-number send history (budget shared by every user of that number). */
export interface DestinationState {
  readonly sends: readonly number[];
}

/** A user with no state at all. */
export const EMPTY_STATE: UserState = { failures: 0, consecutive: 0, sends: [] };

/** Every field of a user state, each given: `undefined` for an optional one that is absent. */
export type UserFields = { readonly [K in keyof UserState]-?: Pick<UserState, K> extends Required<Pick<UserState, K>> ? UserState[K] : UserState[K] | undefined };

/**
 * The user state of `f`, built as one object in one fixed field order, an `undefined` field
 * left out (as a rest copy leaves it out). The transitions of a sign-in build their state
 * with it instead of a spread or rest copy: on a frozen record (every state a store holds)
 * those take V8's slow path, and states built here share one shape per set of fields.
 */
export function userState(f: UserFields): UserState {
  const s: { -readonly [K in keyof UserState]?: UserState[K] } = { failures: f.failures, consecutive: f.consecutive, sends: f.sends };
  if (f.code !== undefined) s.code = f.code;
  if (f.lastFailureAt !== undefined) s.lastFailureAt = f.lastFailureAt;
  if (f.lockedUntil !== undefined) s.lockedUntil = f.lockedUntil;
  if (f.hardLocked !== undefined) s.hardLocked = f.hardLocked;
  if (f.lastSentAt !== undefined) s.lastSentAt = f.lastSentAt;
  if (f.steps !== undefined) s.steps = f.steps;
  if (f.verifiedAt !== undefined) s.verifiedAt = f.verifiedAt;
  if (f.backup !== undefined) s.backup = f.backup;
  if (f.devices !== undefined) s.devices = f.devices;
  return s as UserState;
}

/** Drops what time has made irrelevant: ended locks, old sends, forgotten failures. */
export function age(s: UserState, p: Policy, now: number): UserState {
  const sends = recent(s.sends, p.sendWindowMs, now);
  const dropLock = s.lockedUntil !== undefined && now >= s.lockedUntil;
  const dropSent = s.lastSentAt !== undefined && now - s.lastSentAt >= p.cooldownMs;
  const forget = !s.hardLocked && s.lastFailureAt !== undefined && now - s.lastFailureAt >= p.failureMemoryMs;
  // An expired or dead code is kept a while so verify can say `code_expired` and resend
  // knows the factor; past one send window it is of no use.
  const dropCode = s.code !== undefined && now >= s.code.expiresAt + p.sendWindowMs;
  const dropVerified = s.verifiedAt !== undefined && now - s.verifiedAt >= p.stepUpMs;
  const dropDevices = s.devices !== undefined && now >= s.devices.until;
  const steps = s.steps === undefined ? undefined : liveSteps(s.steps, now);
  // Fast path (most calls): nothing has aged, so the state itself is the answer (no copy).
  if (sends === s.sends && !dropLock && !dropSent && !forget && !dropCode && !dropVerified && !dropDevices && steps === s.steps) return s;
  return userState({
    code: dropCode ? undefined : s.code,
    failures: forget ? 0 : s.failures,
    consecutive: forget ? 0 : s.consecutive,
    lastFailureAt: forget ? undefined : s.lastFailureAt,
    lockedUntil: dropLock ? undefined : s.lockedUntil,
    hardLocked: s.hardLocked,
    lastSentAt: dropSent ? undefined : s.lastSentAt,
    sends,
    steps,
    verifiedAt: dropVerified ? undefined : s.verifiedAt,
    backup: s.backup,
    devices: dropDevices ? undefined : s.devices,
  });
}

/** The TOTP steps still remembered (`steps` itself when none ended; `undefined` when none is left). */
function liveSteps(steps: Readonly<Record<string, number>>, now: number): Readonly<Record<string, number>> | undefined {
  const entries = Object.entries(steps);
  const kept = entries.filter(([, step]) => now < stepMemoryEnd(step));
  if (kept.length === entries.length && kept.length > 0) return steps;
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** `times` and then `t`, in a new array of exactly that length (a spread copy grows with slack). */
export function appended(times: readonly number[], t: number): number[] {
  const n = times.length;
  const out = new Array<number>(n + 1);
  for (let i = 0; i < n; i++) out[i] = times[i] as number;
  out[n] = t;
  return out;
}

/** Send times still inside the window (`sends` itself when none has left it: no copy). */
export function recent(sends: readonly number[], windowMs: number, now: number): readonly number[] {
  for (let i = 0; i < sends.length; i++) {
    if (!(now - (sends[i] as number) < windowMs)) return sends.filter((t) => now - t < windowMs);
  }
  return sends;
}

/**
 * How long the record must live, in ms from `now`: until its last rule window ends.
 * `null` = forever (admin-only lock, backup codes); `0` = nothing left, delete the record.
 */
export function ttlOf(s: UserState, p: Policy, now: number): number | null {
  // Backup codes last until regenerated or removed; an admin-only lock until an admin acts.
  if (s.hardLocked || s.backup) return null;
  let end = now;
  if (s.code) end = Math.max(end, s.code.expiresAt);
  if (s.lockedUntil !== undefined) end = Math.max(end, s.lockedUntil);
  if (s.lastSentAt !== undefined) end = Math.max(end, s.lastSentAt + p.cooldownMs);
  if (s.verifiedAt !== undefined) end = Math.max(end, s.verifiedAt + p.stepUpMs);
  if (s.devices) end = Math.max(end, s.devices.until);
  if (s.steps) for (const id in s.steps) end = Math.max(end, stepMemoryEnd(s.steps[id] as number));
  const last = s.sends[s.sends.length - 1];
  if (last !== undefined) end = Math.max(end, last + p.sendWindowMs);
  if (s.lastFailureAt !== undefined && (s.failures > 0 || s.consecutive > 0)) {
    end = Math.max(end, s.lastFailureAt + p.failureMemoryMs);
  }
  return end - now;
}

/** TTL of a destination record. */
export function destinationTtl(d: DestinationState, p: Policy, now: number): number {
  const last = d.sends[d.sends.length - 1];
  return last === undefined ? 0 : last + p.sendWindowMs - now;
}
