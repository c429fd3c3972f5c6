/**
 * The data mfakit's rules speak of: channels, purposes, factors, exception entries. Shared
 * by the core, the ports and the adapters.
 * @module
 */

/**
 * Every channel (factor kind) name, in the default fallback order.
 *
 * @example
 * ```ts
 * CHANNELS.includes('sms'); // true
 * ```
 */
export const CHANNELS = ['sms', 'voice', 'email', 'totp', 'backup'] as const;

/**
 * A factor kind: a code sent by SMS, voice call or email, read from an authenticator app
 * (`totp`), or one of a set of backup codes (`backup`).
 *
 * @example
 * ```ts
 * const channel: Channel = 'sms';
 * ```
 */
export type Channel = (typeof CHANNELS)[number];

/**
 * What a one-time code is for. A code issued for one purpose never completes the other.
 *
 * @example
 * ```ts
 * const purpose: Purpose = 'sign_in';
 * ```
 */
export type Purpose = 'enroll' | 'sign_in';

/**
 * Lifecycle of a factor: `pending` (enrollment code sent), `active` (confirmed), or
 * `invalid` (the number replied STOP or is undeliverable; never offered at sign-in).
 *
 * @example
 * ```ts
 * if (factor.status === 'invalid') showReEnrollHint();
 * ```
 */
export type FactorStatus = 'pending' | 'active' | 'invalid';

/**
 * Why a factor became `invalid`: `opt_out` (the number replied STOP, or a provider said it
 * opted out) or `undeliverable` (a provider said the number or address cannot receive:
 * invalid, a landline, blocked, unreachable for good).
 *
 * @example
 * ```ts
 * const why: InvalidReason = 'opt_out';
 * ```
 */
export type InvalidReason = 'opt_out' | 'undeliverable';

/**
 * A factor as the {@link FactorStore} keeps it. It holds the full phone number, because
 * codes must be sent to it; mfakit never returns it from its API (see {@link FactorView}).
 *
 * @example
 * ```ts
 * const factor: Factor = {
 *   id: 'f_3kq9', userId: 'u1', channel: 'sms', status: 'active',
 *   phone: '+14155552671', createdAt: Date.now(),
 * };
 * ```
 */
export interface Factor {
  /** Random identifier, unique per user. */
  readonly id: string;
  /** The host's user id. */
  readonly userId: string;
  /** The kind of factor. */
  readonly channel: Channel;
  /** Lifecycle state. */
  status: FactorStatus;
  /** E.164 number for `sms` and `voice` factors. */
  readonly phone?: string;
  /** Address of an `email` factor (domain in lower case). */
  readonly email?: string;
  /** The secret of a `totp` factor, sealed (AES-256-GCM); never in clear in a store. */
  readonly totpSecret?: string;
  /** When the factor was created (enrollment started). */
  readonly createdAt: number;
  /** When enrollment was confirmed. */
  activatedAt?: number;
  /** When the factor last completed a sign-in. */
  lastUsedAt?: number;
  /** When the factor became `invalid`. */
  invalidatedAt?: number;
  /** Why the factor became `invalid`. */
  invalidReason?: InvalidReason;
  /**
   * A pending factor only: the factor it replaces once confirmed (a number change, see
   * `enrollSms(userId, phone, { replaces })`). Never on an active factor.
   */
  readonly replaces?: string;
}

/**
 * Why a factor cannot be used for a challenge now (see {@link FactorView.unusableReason}).
 *
 * @example
 * ```ts
 * const reason: UnusableReason = 'channel_disabled'; // e.g. SMS switched off for a carrier outage
 * ```
 */
export type UnusableReason = 'pending' | 'invalid' | 'channel_disabled' | 'no_sender' | 'no_codes_left';

/**
 * A factor as the public API shows it: the number is masked (`+1 ••• ••• 2671`).
 *
 * @example
 * ```ts
 * const { factors } = await mfa.listFactors('u1');
 * factors[0]; // { id: 'f_3kq9', channel: 'sms', status: 'active', maskedPhone: '+1 ••• ••• 2671', preferred: true, ... }
 * ```
 */
export interface FactorView {
  /** Factor id, to pass to `setPreferred`, `removeFactor` or `startChallenge`. */
  readonly id: string;
  /** The kind of factor. */
  readonly channel: Channel;
  /** Lifecycle state. */
  readonly status: FactorStatus;
  /** The masked number, for `sms` and `voice` factors. */
  readonly maskedPhone?: string;
  /** The masked address, for `email` factors (`a•••@example.com`). */
  readonly maskedEmail?: string;
  /** Backup codes not used yet, for the `backup` factor. */
  readonly backupCodesLeft?: number;
  /** Whether this is the user's preferred factor. */
  readonly preferred: boolean;
  /** Whether a challenge could use this factor now. */
  readonly usable: boolean;
  /**
   * Why it cannot, when it cannot: still `pending` (not confirmed), `invalid` (STOP or
   * undeliverable), `channel_disabled` (its channel is switched off), `no_sender` (no
   * sender is configured for its channel) or `no_codes_left` (every backup code is used).
   */
  readonly unusableReason?: UnusableReason;
  /** When the factor was created. */
  readonly createdAt: number;
  /** When the factor last completed a sign-in. */
  readonly lastUsedAt?: number;
  /** Why the factor became `invalid`. */
  readonly invalidReason?: InvalidReason;
}

/**
 * One entry of the exception list: a user who skips MFA, with who added it, when, why,
 * and an optional expiry.
 *
 * @example
 * ```ts
 * const entry: ExceptionEntry = {
 *   userId: 'kiosk-7', addedBy: 'admin-1', addedAt: Date.now(), reason: 'shared kiosk account',
 * };
 * ```
 */
export interface ExceptionEntry {
  /** The excepted user. */
  readonly userId: string;
  /** Who added the entry (an admin's user id or name). */
  readonly addedBy: string;
  /** When the entry was added. */
  readonly addedAt: number;
  /** Why the user may skip MFA. */
  readonly reason: string;
  /** When the entry stops applying (absent: never). */
  readonly expiresAt?: number;
}
