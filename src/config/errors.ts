/**
 * Codes of {@link MfaError}: misuse by the host and infrastructure faults. Expected
 * outcomes (wrong code, cooldown, lockout) are never thrown; they are `{ ok: false }` results.
 *
 * @example
 * ```ts
 * if (err instanceof MfaError && err.code === 'store_failed') alertOnCall(err);
 * ```
 */
export type MfaErrorCode =
  /** `createMfa` options failed validation; `cause` holds the zod issues. */
  | 'invalid_options'
  /** An argument has the wrong type or shape (an empty user id, an id longer than 256 characters, a number where a code string belongs...). */
  | 'invalid_argument'
  /** A store rejected or returned something unreadable; the call changed nothing it could not undo. */
  | 'store_failed'
  /** Compare-and-set kept losing races past the retry bound; the call failed closed. */
  | 'contention'
  /** No sender is configured for the channel mfakit had to use. */
  | 'sender_missing';

/**
 * The one error class mfakit throws. Carries a stable {@link MfaErrorCode} and the
 * underlying `cause` (a zod error, a store's error). Its message never contains a code
 * or a full phone number.
 *
 * @example
 * ```ts
 * try {
 *   createMfa({ stores, senders, secret: 'short' });
 * } catch (err) {
 *   if (err instanceof MfaError) console.error(err.code, err.message); // invalid_options secret: ...
 * }
 * ```
 */
export class MfaError extends Error {
  /** The stable code. */
  readonly code: MfaErrorCode;

  /**
   * @param code - the stable code.
   * @param message - a sentence for developers; never a secret.
   * @param options - the underlying cause.
   */
  constructor(code: MfaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MfaError';
    this.code = code;
  }
}
