/**
 * The failures every mfakit call can resolve to: the stable codes, the fields each carries,
 * and the union of codes each method can return.
 * @module
 */
import type { Channel, InvalidReason } from './types.js';

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
    /**
     * Which budget: the user's, the destination number's (or address's), the number's
     * prefix, the client IP's, or the deployment's global cap.
     */
    readonly scope: 'user' | 'destination' | 'prefix' | 'ip' | 'global';
  };
  /**
   * The host's `riskCheck` refused this send (or failed: then `reason` is
   * `'risk_check_failed'`); nothing was sent and nothing was charged.
   */
  send_refused: {
    /** The reason the hook gave, if any (`'risk_check_failed'` when the hook threw or answered nonsense). */
    readonly reason?: string;
  };
  /**
   * `destinations.unique` is on and the number (or address) is already an active factor of
   * another user.
   */
  destination_in_use: object;
  /** The sender failed; the cooldown was given back. */
  delivery_failed: {
    /**
     * Present when the provider said the destination cannot receive (invalid, a landline,
     * opted out, blocked, unreachable for good): the factor is now `invalid`, so offer
     * another one ("try another way") instead of "try again".
     */
    readonly invalidReason?: InvalidReason;
  };
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
  /**
   * The number's country is not in `phone.allowedCountries`, or not in the allowlist of the
   * channel (`phone.channels.voice.allowedCountries`); at send time too, when the list changed.
   */
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
  /** Every backup code of the set is used: generate a new set. */
  no_codes_left: object;
  /** Admins can never be put on the exception list. */
  exception_not_allowed: object;
  /**
   * A change to the user's factors (add, remove, new backup codes) needs a recent sign-in
   * verify: run a challenge (`startChallenge`, `verify`), then retry the change.
   */
  step_up_required: object;
  /**
   * `enrollSms(userId)` / `enrollVoice(userId)` without a number: the user has no confirmed
   * number to enroll again; ask for one.
   */
  no_verified_number: object;
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
 * What `confirmEnrollment` can refuse with: what `verify` can, and `destination_in_use`
 * (`destinations.unique`: another user confirmed the same number or address first; the
 * enrollment is removed, the user holds no factor for it).
 *
 * @example
 * ```ts
 * const e: ConfirmEnrollmentError = 'destination_in_use';
 * ```
 */
export type ConfirmEnrollmentError = VerifyError | 'destination_in_use';

/**
 * What any send can refuse with (`startChallenge`, `resend`, `enrollSms`).
 *
 * @example
 * ```ts
 * const e: SendError = 'resend_cooldown';
 * ```
 */
export type SendError = 'locked_out' | 'resend_cooldown' | 'send_limit_reached' | 'delivery_failed' | 'send_refused' | 'country_not_allowed';

/**
 * What `startChallenge` can refuse with.
 *
 * @example
 * ```ts
 * const e: ChallengeError = 'no_usable_factor';
 * ```
 */
export type ChallengeError = SendError | 'factor_not_found' | 'factor_invalid' | 'channel_disabled' | 'no_codes_left' | 'no_usable_factor';

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
export type EnrollEmailError = SendError | 'invalid_email' | 'step_up_required' | 'destination_in_use';

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
  | 'phone_rejected'
  | 'step_up_required'
  | 'no_verified_number'
  | 'factor_not_found'
  | 'destination_in_use';
