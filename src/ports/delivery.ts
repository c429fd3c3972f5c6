/**
 * How a sender says a message was not delivered, now (one error class with a reason, whether
 * another try can help, and the provider's code) or later (a provider's delivery report). It
 * lives with the sender ports so the flows (which cannot import `senders/`) can read both: a
 * permanent failure marks a factor undeliverable.
 * @module
 */
/**
 * Why a provider did not take a message.
 *
 * The recipient is at fault (permanent, {@link DeliveryError.retryable} is `false`; the number
 * or address should not be tried again):
 * - `invalid_number`: the number does not exist or cannot be a destination.
 * - `invalid_address`: the mail server refused the address (unknown mailbox, bad domain).
 * - `landline`: a fixed line or a number that cannot receive text messages.
 * - `opted_out`: the recipient replied STOP (or the provider's equivalent) to this sender.
 * - `blocked`: the number is barred for this sender (by the carrier or the provider).
 * - `blocked_country`: sending to the number's country is not allowed on the account.
 * - `unreachable`: the provider says the number cannot be reached for good.
 *
 * The recipient is not at fault (retryable, `true`: later, or through another provider):
 * - `rate_limited`: too many requests or messages (HTTP 429, throttling, queue full).
 * - `timeout`: no answer in time (the message may still go out).
 * - `network`: the provider could not be reached.
 * - `account`: the account cannot send (credentials, suspended, no credit, sender not allowed).
 * - `filtered`: a carrier filtered the message as spam.
 * - `provider_error`: a server error (5xx) or an answer mfakit does not recognise.
 *
 * @example
 * ```ts
 * const invalidates: DeliveryFailureReason[] = ['invalid_number', 'landline', 'opted_out'];
 * ```
 */
export type DeliveryFailureReason =
  | 'invalid_number'
  | 'invalid_address'
  | 'landline'
  | 'opted_out'
  | 'blocked'
  | 'blocked_country'
  | 'unreachable'
  | 'rate_limited'
  | 'timeout'
  | 'network'
  | 'account'
  | 'filtered'
  | 'provider_error';

const PERMANENT: ReadonlySet<DeliveryFailureReason> = new Set([
  'invalid_number',
  'invalid_address',
  'landline',
  'opted_out',
  'blocked',
  'blocked_country',
  'unreachable',
]);

/**
 * Whether a reason is the recipient's fault, so another try (or another provider) cannot help.
 *
 * @example
 * ```ts
 * isPermanentReason('opted_out');    // true
 * isPermanentReason('rate_limited'); // false
 * ```
 */
export function isPermanentReason(reason: DeliveryFailureReason): boolean {
  return PERMANENT.has(reason);
}

/**
 * One failed attempt of a {@link failoverSender}: which provider, and why.
 *
 * @example
 * ```ts
 * const attempt: DeliveryAttempt = { provider: 'twilio', reason: 'timeout', retryable: true };
 * ```
 */
export interface DeliveryAttempt {
  /** The sender's `name`. */
  readonly provider: string;
  /** Why it failed. */
  readonly reason: DeliveryFailureReason;
  /** Whether the next provider was tried after it. */
  readonly retryable: boolean;
  /** The provider's error code, when it gave one. */
  readonly code?: string;
}

/**
 * The one error the provider senders reject with. It says which provider failed, why
 * ({@link DeliveryFailureReason}), whether another try can help (`retryable`), and the
 * provider's own error code and HTTP status.
 *
 * It never holds the number, the address, the message or a credential: providers often repeat
 * the number in their error text, so only their code is kept, and the original error is not
 * attached as `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await sms.send(message);
 * } catch (err) {
 *   if (err instanceof DeliveryError && !err.retryable) markUndeliverable(err.reason); // e.g. 'opted_out'
 * }
 * ```
 */
export class DeliveryError extends Error {
  /** The sender's name (`'twilio'`, `'vonage'`, `'sns'`, `'smtp'`, or the failover's). */
  readonly provider: string;
  /** Why the message was not accepted. */
  readonly reason: DeliveryFailureReason;
  /** `false` when the recipient is at fault (see {@link isPermanentReason}); `true` otherwise. */
  readonly retryable: boolean;
  /** The provider's error code (`'21211'`, Vonage status `'1'`, `'ThrottlingException'`, SMTP `'550'`). */
  readonly providerCode: string | undefined;
  /** The HTTP status of the provider's answer, when there was one. */
  readonly httpStatus: number | undefined;
  /** For a failover: every attempt, in order (empty for a single sender). */
  readonly attempts: readonly DeliveryAttempt[];

  /**
   * @param provider - the sender's name.
   * @param reason - why it failed; `retryable` follows from it unless given.
   * @param details - the provider's code and HTTP status, the attempts, a safe `cause`.
   */
  constructor(
    provider: string,
    reason: DeliveryFailureReason,
    details: {
      providerCode?: string | undefined;
      httpStatus?: number | undefined;
      retryable?: boolean;
      attempts?: readonly DeliveryAttempt[];
      cause?: Error;
    } = {},
  ) {
    const code = details.providerCode === undefined ? '' : ` code ${details.providerCode}`;
    const status = details.httpStatus === undefined ? '' : ` HTTP ${details.httpStatus}`;
    const extra = code || status ? ` (${`${code}${status}`.trim()})` : '';
    super(`${provider} did not deliver the message: ${reason}${extra}`, details.cause ? { cause: details.cause } : undefined);
    this.name = 'DeliveryError';
    this.provider = provider;
    this.reason = reason;
    this.retryable = details.retryable ?? !isPermanentReason(reason);
    this.providerCode = details.providerCode;
    this.httpStatus = details.httpStatus;
    this.attempts = details.attempts ?? [];
  }
}

/**
 * Where a message stands, in one vocabulary for every provider:
 * `accepted` (queued by the provider), `sent` (handed to the carrier), `delivered` (the
 * handset has it), `failed` (it will not arrive), `unknown` (a status mfakit does not know).
 *
 * @example
 * ```ts
 * const done: DeliveryStatus[] = ['delivered', 'failed'];
 * ```
 */
export type DeliveryStatus = 'accepted' | 'sent' | 'delivered' | 'failed' | 'unknown';

/**
 * A provider's status callback, parsed ({@link parseTwilioStatus}, {@link parseVonageStatus}):
 * what `mfa.handleDeliveryReport` takes. It holds no number and no text.
 *
 * @example
 * ```ts
 * const report: DeliveryReport = { messageId: 'SM87105da94bff44b999e4e6eb90d8eb6a', status: 'failed', errorCode: '21610', reason: 'opted_out', permanent: true, providerStatus: 'undelivered' };
 * ```
 */
export interface DeliveryReport {
  /** The provider's message id: the `id` the sender resolved to. */
  readonly messageId: string;
  /** The status in mfakit's vocabulary. */
  readonly status: DeliveryStatus;
  /** The provider's error code, when the message failed and the provider gave one. */
  readonly errorCode?: string;
  /** Why it failed, when the provider's code is one mfakit knows. */
  readonly reason?: DeliveryFailureReason;
  /** For a failure: `true` when the recipient cannot receive (the factor should be marked undeliverable). */
  readonly permanent?: boolean;
  /** The provider's own status word (`undelivered`, `expired`, ...). */
  readonly providerStatus: string;
}
