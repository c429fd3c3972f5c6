/**
 * The result shapes every mfakit call resolves to.
 * @module
 */
import type { Channel, ExceptionEntry, FactorView, Purpose } from './types.js';

/**
 * Stable snake_case codes of expected failures. A UI can switch on them; they never change
 * meaning between versions.
 *
 * @example
 * ```ts
 * if (!res.ok && res.error === 'code_mismatch') show(`${res.attemptsLeft} tries left`);
 * ```
 */
export type FailureCode =
  | 'code_mismatch'
  | 'malformed_code'
  | 'code_expired'
  | 'code_exhausted'
  | 'no_pending_code'
  | 'locked_out'
  | 'resend_cooldown'
  | 'send_limit_reached'
  | 'delivery_failed'
  | 'invalid_phone_number'
  | 'not_mobile_number'
  | 'country_not_allowed'
  | 'phone_rejected'
  | 'factor_not_found'
  | 'factor_invalid'
  | 'channel_disabled'
  | 'no_usable_factor'
  | 'exception_not_allowed';

/**
 * A refusal. Numbers a UI needs are present where they apply:
 * `attemptsLeft` (tries left on the current code), `failuresLeft` (wrong entries left before
 * the lock), `retryAfterMs` (when to try again), `lockedUntil` (epoch ms; `null` when only an
 * admin can unlock).
 *
 * @example
 * ```ts
 * const res: Failure = { ok: false, error: 'locked_out', retryAfterMs: 1_200_000, lockedUntil: 1764061200000 };
 * ```
 */
export interface Failure<E extends FailureCode = FailureCode> {
  readonly ok: false;
  readonly error: E;
  /** Tries left on the current code (`code_mismatch`, `code_exhausted`). */
  readonly attemptsLeft?: number;
  /** Wrong entries left before the user is locked. */
  readonly failuresLeft?: number;
  /** Milliseconds until the call may succeed (`locked_out`, `resend_cooldown`, `send_limit_reached`). */
  readonly retryAfterMs?: number;
  /** End of the lock in epoch ms; `null` when only an admin can unlock (`locked_out`). */
  readonly lockedUntil?: number | null;
  /** Which budget ran out (`send_limit_reached`). */
  readonly scope?: 'user' | 'destination';
  /** The host hook's reason (`phone_rejected`). */
  readonly reason?: string;
  /** The channel that is off (`channel_disabled`). */
  readonly channel?: Channel;
}

/**
 * `{ ok: true, ...T }` or a {@link Failure}.
 *
 * @example
 * ```ts
 * const res: Result<{ factorId: string }> = await mfa.verify('u1', '123456');
 * if (res.ok) signIn(res.factorId);
 * ```
 */
export type Result<T extends object, E extends FailureCode = FailureCode> =
  | ({ readonly ok: true } & T)
  | Failure<E>;

/**
 * A code went out: where (masked), when it expires, when a resend is allowed.
 *
 * @example
 * ```ts
 * const res = await mfa.startChallenge('u1');
 * if (res.ok) render({ to: res.maskedPhone, resendInMs: res.resendAfterMs });
 * ```
 */
export interface CodeSent {
  readonly challengeId: string;
  readonly factorId: string;
  readonly channel: Channel;
  readonly purpose: Purpose;
  readonly maskedPhone: string;
  readonly expiresAt: number;
  /** Milliseconds until `resend` is allowed. */
  readonly resendAfterMs: number;
}

/** Outcome of {@link Mfa.verify} and {@link Mfa.confirmEnrollment} on success. */
export interface Verified {
  readonly factorId: string;
  readonly channel: Channel;
  readonly purpose: Purpose;
}

/** Outcome of `requiresMfa`. */
export interface MfaRequirement {
  readonly required: boolean;
  /** Why no MFA is required: on the exception list, or no factor enrolled yet (send the user to enrollment if you require MFA). */
  readonly reason?: 'exception' | 'not_enrolled';
  /** The exception entry when `reason` is `'exception'`. */
  readonly exception?: ExceptionEntry;
}

/** Outcome of `getStatus`. */
export interface MfaStatus {
  readonly locked: boolean;
  /** End of the lock; `null` = until an admin unlocks. */
  readonly lockedUntil?: number | null;
  readonly failures: number;
  readonly failuresLeft: number;
  readonly consecutiveFailures: number;
  /**
   * The last code sent, while `resend` can still replace it: `live` (can be entered),
   * `exhausted` (tries used up or killed by a lock) or `expired`.
   */
  readonly pending?: {
    readonly purpose: Purpose;
    readonly factorId: string;
    readonly expiresAt: number;
    readonly attemptsLeft: number;
    readonly state: 'live' | 'exhausted' | 'expired';
  };
  /** When the next send is allowed (absent: now). */
  readonly nextSendAt?: number;
  readonly sendsLeft: number;
  readonly factors: readonly FactorView[];
}

/**
 * A call that cannot fail in an expected way: `{ ok: true, ...T }`.
 *
 * @example
 * ```ts
 * const res: Ok<Unlocked> = await mfa.unlock('u1'); // { ok: true, wasLocked: true }
 * ```
 */
export type Ok<T extends object> = { readonly ok: true } & T;

/** Outcome of `listFactors`. */
export interface FactorList {
  /** Every factor of the user, numbers masked, in creation order. */
  readonly factors: FactorView[];
}

/** Outcome of `setPreferred`. */
export interface PreferredChanged {
  /** The new preferred factor (`null`: cleared). */
  readonly factorId: string | null;
}

/** Outcome of `removeFactor`. */
export interface FactorRemoved {
  /** The removed factor. */
  readonly factorId: string;
}

/** Outcome of `handleOptOut`. */
export interface OptOutHandled {
  /** How many factors became `invalid` (0 when none was on that number). */
  readonly invalidated: number;
}

/** Outcome of `unlock`. */
export interface Unlocked {
  /** Whether the user was locked. */
  readonly wasLocked: boolean;
}

/** Outcome of `exceptions.add`. */
export interface ExceptionAdded {
  /** The stored entry. */
  readonly entry: ExceptionEntry;
}

/** Outcome of `exceptions.remove`. */
export interface ExceptionRemoved {
  /** Whether there was an entry. */
  readonly removed: boolean;
}
