/**
 * The result shapes every mfakit call resolves to.
 * @module
 */
import type { Channel, ExceptionEntry, FactorView, Purpose } from './types.js';

/**
 * The fields each failure code carries, beyond `ok: false` and `error`. A field listed
 * without `?` is always present for that code, so after `res.error === 'code_mismatch'`
 * `res.attemptsLeft` is a `number`.
 *
 * @example
 * ```ts
 * const fields: FailureDetails['resend_cooldown'] = { retryAfterMs: 12_000 };
 * ```
 */
export interface FailureDetails {
  /** A wrong code that still has tries left. */
  code_mismatch: {
    /** Tries left on this code. */
    readonly attemptsLeft: number;
    /** Wrong entries left before the user is locked. */
    readonly failuresLeft: number;
  };
  /** Not the configured number of digits; counts as nothing. */
  malformed_code: object;
  /** The code's 10 minutes are over; request a new one. */
  code_expired: object;
  /** The code is dead (its tries are used up, or a lock killed it); request a new one. */
  code_exhausted: {
    /** Always 0. */
    readonly attemptsLeft: 0;
    /** Present when this very entry used the last try: wrong entries left before the lock. */
    readonly failuresLeft?: number;
  };
  /** No code of this purpose is waiting (none sent, consumed, replaced, or its factor removed). */
  no_pending_code: object;
  /** Verify and sends are refused until the lock ends. */
  locked_out:
    | {
        /** End of the lock, epoch ms. */
        readonly lockedUntil: number;
        /** Milliseconds until the lock ends. */
        readonly retryAfterMs: number;
      }
    | {
        /** `null`: locked until an admin unlocks (the hard ceiling). */
        readonly lockedUntil: null;
      };
  /** A code was sent less than the cooldown ago. */
  resend_cooldown: {
    /** Milliseconds until a send is allowed. */
    readonly retryAfterMs: number;
  };
  /** A send budget is used up. */
  send_limit_reached: {
    /** Milliseconds until the budget allows a send. */
    readonly retryAfterMs: number;
    /** Which budget: the user's, or the destination number's. */
    readonly scope: 'user' | 'destination';
  };
  /** The sender failed; the cooldown was given back. */
  delivery_failed: object;
  /** Not a phone number. */
  invalid_phone_number: {
    /**
     * Why, when mfakit can tell: `country_needed` (a national number with no `+` and no
     * country or `phone.defaultCountry`), `extension` (extensions cannot receive texts),
     * `too_long`.
     */
    readonly reason?: 'country_needed' | 'extension' | 'too_long';
  };
  /** A valid number that cannot receive text messages (fixed line, VoIP...). */
  not_mobile_number: object;
  /** Not an email address (or longer than 254 characters). */
  invalid_email: object;
  /** The number's country is not in `phone.allowedCountries`. */
  country_not_allowed: object;
  /** The host's `phone.check` refused the number. */
  phone_rejected: {
    /** The reason the hook gave, if it gave one. */
    readonly reason?: string;
  };
  /** No such factor (or it is still pending). */
  factor_not_found: object;
  /** The factor is `invalid` (STOP or undeliverable). */
  factor_invalid: object;
  /** The channel is switched off (or has no sender). */
  channel_disabled: {
    /** The channel that is off. */
    readonly channel: Channel;
  };
  /** The user has no factor that can receive a code now. */
  no_usable_factor: object;
  /** Admins can never be put on the exception list. */
  exception_not_allowed: object;
}

/**
 * Stable snake_case codes of expected failures. A UI can switch on them; they never change
 * meaning between versions.
 *
 * @example
 * ```ts
 * if (!res.ok && res.error === 'code_mismatch') show(`${res.attemptsLeft} tries left`);
 * ```
 */
export type FailureCode = keyof FailureDetails;

/**
 * A refusal: `ok: false`, the stable `error` code, and that code's fields
 * ({@link FailureDetails}). A union over the codes, so narrowing on `error` gives the
 * fields that code always has (`attemptsLeft` after `'code_mismatch'`, `lockedUntil` after
 * `'locked_out'`).
 *
 * @example
 * ```ts
 * const res: Failure<'locked_out'> = { ok: false, error: 'locked_out', retryAfterMs: 1_200_000, lockedUntil: 1764061200000 };
 * ```
 */
export type Failure<E extends FailureCode = FailureCode> = {
  [K in E]: {
    /** Always `false`. */
    readonly ok: false;
    /** The stable code of the refusal. */
    readonly error: K;
  } & FailureDetails[K];
}[E];

/**
 * What `verify` and `confirmEnrollment` can refuse with.
 *
 * @example
 * ```ts
 * function message(e: VerifyError): string { return e === 'code_mismatch' ? 'Wrong code' : e; }
 * ```
 */
export type VerifyError =
  | 'malformed_code'
  | 'no_pending_code'
  | 'code_exhausted'
  | 'code_expired'
  | 'code_mismatch'
  | 'locked_out'
  | 'factor_not_found';

/**
 * What any send can refuse with (`startChallenge`, `resend`, `enrollSms`).
 *
 * @example
 * ```ts
 * const e: SendError = 'resend_cooldown';
 * ```
 */
export type SendError = 'locked_out' | 'resend_cooldown' | 'send_limit_reached' | 'delivery_failed';

/**
 * What `startChallenge` can refuse with.
 *
 * @example
 * ```ts
 * const e: ChallengeError = 'no_usable_factor';
 * ```
 */
export type ChallengeError = SendError | 'factor_not_found' | 'factor_invalid' | 'channel_disabled' | 'no_usable_factor';

/**
 * What `resend` can refuse with.
 *
 * @example
 * ```ts
 * const e: ResendError = 'no_pending_code';
 * ```
 */
export type ResendError = SendError | 'no_pending_code' | 'factor_invalid' | 'channel_disabled';

/**
 * What `enrollEmail` can refuse with.
 *
 * @example
 * ```ts
 * const e: EnrollEmailError = 'invalid_email';
 * ```
 */
export type EnrollEmailError = SendError | 'invalid_email';

/**
 * What `enrollSms` and `enrollVoice` can refuse with.
 *
 * @example
 * ```ts
 * const e: EnrollError = 'not_mobile_number';
 * ```
 */
export type EnrollError =
  | SendError
  | 'invalid_phone_number'
  | 'not_mobile_number'
  | 'country_not_allowed'
  | 'phone_rejected';

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
  | Ok<T>
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
  /** A code went out (an authenticator challenge sends nothing: {@link AppChallenge}). */
  readonly sent: true;
  /** The challenge the code belongs to. */
  readonly challengeId: string;
  /** The factor the code went to. */
  readonly factorId: string;
  /** Its channel. */
  readonly channel: Channel;
  /** What the code is for. */
  readonly purpose: Purpose;
  /** Where it went, masked, whatever the channel (`+1 ••• ••• 2671`, `a•••@example.com`). */
  readonly maskedTo: string;
  /** The number it went to, masked (`sms` and `voice`). */
  readonly maskedPhone?: string;
  /** The address it went to, masked (`email`). */
  readonly maskedEmail?: string;
  /** When the code stops being valid (epoch ms). */
  readonly expiresAt: number;
  /** Milliseconds until `resend` is allowed. */
  readonly resendAfterMs: number;
}

/**
 * A challenge answered from an authenticator app: nothing was sent; ask for the code the
 * app shows.
 *
 * @example
 * ```ts
 * const res = await mfa.startChallenge('u1');
 * if (res.ok && !res.sent) render('Enter the code from your authenticator app');
 * ```
 */
export interface AppChallenge {
  /** Nothing was sent. */
  readonly sent: false;
  /** The TOTP factor the code must come from. */
  readonly factorId: string;
  /** Always `'totp'`. */
  readonly channel: 'totp';
  /** Always `'sign_in'`. */
  readonly purpose: 'sign_in';
}

/**
 * Outcome of {@link Mfa.verify} and {@link Mfa.confirmEnrollment} on success.
 *
 * @example
 * ```ts
 * const res = await mfa.verify('u1', code); if (res.ok) res.factorId; // 'f_3kq9…'
 * ```
 */
export interface Verified {
  /** The factor the code was sent to. */
  readonly factorId: string;
  /** Its channel. */
  readonly channel: Channel;
  /** What the code was for. */
  readonly purpose: Purpose;
}

/**
 * Outcome of `requiresMfa`.
 *
 * @example
 * ```ts
 * const { required, reason } = await mfa.requiresMfa('u1'); // { required: false, reason: 'exception' }
 * ```
 */
export interface MfaRequirement {
  /** Whether the user must pass MFA now. */
  readonly required: boolean;
  /** Why no MFA is required: on the exception list, or no factor enrolled yet (send the user to enrollment if you require MFA). */
  readonly reason?: 'exception' | 'not_enrolled';
  /** The exception entry when `reason` is `'exception'`. */
  readonly exception?: ExceptionEntry;
}

/**
 * Outcome of `getStatus`.
 *
 * @example
 * ```ts
 * const s = await mfa.getStatus('u1'); if (s.locked) show(`locked until ${s.lockedUntil}`);
 * ```
 */
export interface MfaStatus {
  /** Whether verify and sends are refused now. */
  readonly locked: boolean;
  /** End of the lock; `null` = until an admin unlocks. */
  readonly lockedUntil?: number | null;
  /** Wrong entries counted toward the lock. */
  readonly failures: number;
  /** Wrong entries left before the lock. */
  readonly failuresLeft: number;
  /** Consecutive wrong entries (the hard ceiling counts these). */
  readonly consecutiveFailures: number;
  /**
   * The last code sent, while `resend` can still replace it: `live` (can be entered),
   * `exhausted` (tries used up or killed by a lock) or `expired`.
   */
  readonly pending?: {
    /** What the code is for. */
    readonly purpose: Purpose;
    /** Where it went, masked (`+1 ••• ••• 2671`, `a•••@example.com`), while its factor exists. */
    readonly maskedTo?: string;
    /** The factor it went to. */
    readonly factorId: string;
    /** When it stops (or stopped) being valid. */
    readonly expiresAt: number;
    /** Tries left on it. */
    readonly attemptsLeft: number;
    /** Whether it can still be entered. */
    readonly state: 'live' | 'exhausted' | 'expired';
  };
  /**
   * When the next send is allowed, epoch ms (absent: now). For the purpose named in
   * `getStatus(userId, { purpose })`, else for the pending code's purpose.
   */
  readonly nextSendAt?: number;
  /** The same, in ms from now (0: a send is allowed now), for a countdown. */
  readonly nextSendInMs: number;
  /** Sends left in the user's hourly budget. */
  readonly sendsLeft: number;
  /** The user's factors, masked. */
  readonly factors: readonly FactorView[];
  /** The factor `startChallenge` would send to now (absent: none can receive a code). */
  readonly signInFactorId?: string;
}

/**
 * A call that cannot fail in an expected way: `{ ok: true, ...T }`.
 *
 * @example
 * ```ts
 * const res: Ok<Unlocked> = await mfa.unlock('u1'); // { ok: true, wasLocked: true }
 * ```
 */
export type Ok<T extends object> = {
  /** Always `true`. */
  readonly ok: true;
} & T;

/**
 * Outcome of `listFactors`.
 *
 * @example
 * ```ts
 * const { factors } = await mfa.listFactors('u1');
 * ```
 */
export interface FactorList {
  /** Every factor of the user, numbers masked, in creation order. */
  readonly factors: FactorView[];
}

/**
 * Outcome of `setPreferred`.
 *
 * @example
 * ```ts
 * await mfa.setPreferred('u1', 'f_3kq9'); // { ok: true, factorId: 'f_3kq9' }
 * ```
 */
export interface PreferredChanged {
  /** The new preferred factor (`null`: cleared). */
  readonly factorId: string | null;
}

/**
 * Outcome of `removeFactor`.
 *
 * @example
 * ```ts
 * await mfa.removeFactor('u1', 'f_3kq9'); // { ok: true, factorId: 'f_3kq9' }
 * ```
 */
export interface FactorRemoved {
  /** The removed factor. */
  readonly factorId: string;
}

/**
 * Outcome of `handleOptOut`.
 *
 * @example
 * ```ts
 * await mfa.handleOptOut(req.body.From); // { ok: true, invalidated: 1 }
 * ```
 */
export interface OptOutHandled {
  /** How many factors became `invalid` (0 when none was on that number). */
  readonly invalidated: number;
}

/**
 * Outcome of `unlock`.
 *
 * @example
 * ```ts
 * await mfa.unlock('u1'); // { ok: true, wasLocked: true }
 * ```
 */
export interface Unlocked {
  /** Whether the user was locked. */
  readonly wasLocked: boolean;
}

/**
 * Outcome of `exceptions.add`.
 *
 * @example
 * ```ts
 * const res = await mfa.exceptions.add('u1', { by: 'admin', reason: 'kiosk' }); if (res.ok) res.entry.addedAt;
 * ```
 */
export interface ExceptionAdded {
  /** The stored entry. */
  readonly entry: ExceptionEntry;
}

/**
 * Outcome of `exceptions.remove`.
 *
 * @example
 * ```ts
 * await mfa.exceptions.remove('u1'); // { ok: true, removed: true }
 * ```
 */
export interface ExceptionRemoved {
  /** Whether there was an entry. */
  readonly removed: boolean;
}
