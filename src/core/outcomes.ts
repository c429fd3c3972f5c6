/**
 * The result shapes every mfakit call resolves to (the failures are in `failures.ts`).
 * @module
 */
import type { Failure, FailureCode } from './failures.js';
import type { Channel, ExceptionEntry, FactorView, Purpose } from './types.js';

export type {
  ChallengeError,
  ConfirmEnrollmentError,
  EnrollEmailError,
  EnrollError,
  Failure,
  FailureCode,
  FailureDetails,
  ResendError,
  SendError,
  VerifyError,
} from './failures.js';

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
 * A challenge answered from something the user holds: nothing was sent; ask for the code
 * the authenticator app shows (`totp`) or for one of the backup codes (`backup`).
 *
 * @example
 * ```ts
 * const res = await mfa.startChallenge('u1');
 * if (res.ok && !res.sent) render(res.channel === 'totp' ? 'Enter the code from your authenticator app' : 'Enter one of your backup codes');
 * ```
 */
export interface AppChallenge {
  /** Nothing was sent. */
  readonly sent: false;
  /** The factor the code must come from: an authenticator app, or the backup codes. */
  readonly factorId: string;
  /** `'totp'` (ask for the app's code) or `'backup'` (ask for one of the backup codes). */
  readonly channel: 'totp' | 'backup';
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
  /** Backup codes left, when the code was a backup code (at 2 or fewer, suggest generating new ones). */
  readonly backupCodesLeft?: number;
  /**
   * With `verify(userId, code, { trustDevice: true })`: the device token to keep in a cookie
   * (HttpOnly, Secure, SameSite) and pass to `requiresMfa(userId, { deviceToken })`. Shown
   * once: mfakit does not store it.
   */
  readonly deviceToken?: string;
  /** When `deviceToken` stops being trusted (epoch ms): the cookie's expiry. */
  readonly deviceTrustedUntil?: number;
}

/**
 * Outcome of `requiresMfa`: whether this sign-in needs MFA, and what to do next.
 * - `required: true` without a reason: start a challenge (`startChallenge`).
 * - `required: true, reason: 'must_enroll'`: the user has no confirmed factor and the policy
 *   requires MFA: enroll one before the sign-in completes.
 * - `required: false`: `'exception'` (on the exception list; the entry is in `exception`),
 *   `'not_enrolled'` (policy `'optional'`, no factor), `'policy'` (the policy function said
 *   `'skip'` for this sign-in), `'trusted_device'` (the `deviceToken` given is valid; until
 *   `trustedUntil`).
 *
 * @example
 * ```ts
 * const need = await mfa.requiresMfa('u1', { method: 'password' });
 * if (need.required && need.reason === 'must_enroll') redirect('/mfa/enroll');
 * else if (need.required) await mfa.startChallenge('u1');
 * else if (need.reason === 'exception') audit(need.exception.reason);
 * ```
 */
export type MfaRequirement =
  | {
      /** MFA is needed: start a challenge. */
      readonly required: true;
      /** No reason: the user has a confirmed factor. */
      readonly reason?: undefined;
    }
  | {
      /** MFA is needed, and the user has no confirmed factor. */
      readonly required: true;
      /** Enroll a factor before the sign-in completes. */
      readonly reason: 'must_enroll';
    }
  | {
      /** No MFA for this sign-in. */
      readonly required: false;
      /** The user is on the exception list. */
      readonly reason: 'exception';
      /** The entry that applies. */
      readonly exception: ExceptionEntry;
    }
  | {
      /** No MFA for this sign-in. */
      readonly required: false;
      /** `'not_enrolled'`: no factor under the `'optional'` policy; `'policy'`: the policy function said `'skip'`. */
      readonly reason: 'not_enrolled' | 'policy';
    }
  | {
      /** No MFA for this sign-in. */
      readonly required: false;
      /** The `deviceToken` passed to `requiresMfa` is valid: this device passed MFA recently. */
      readonly reason: 'trusted_device';
      /** When the device stops being trusted (epoch ms). */
      readonly trustedUntil: number;
    };

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
  /**
   * Until when the user may change factors without another verify (step-up), when a recent
   * sign-in verify allows it now.
   */
  readonly stepUpUntil?: number;
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
