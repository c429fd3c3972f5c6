import type { DeliveryFailureReason } from './delivery-error.js';

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

/**
 * A text message someone sent to the application's number, parsed
 * ({@link parseTwilioInbound}, {@link parseVonageInbound}). A STOP reply goes to `mfa.handleOptOut(from)`.
 *
 * @example
 * ```ts
 * const inbound: InboundMessage = { from: '+14155552671', body: 'STOP', isOptOut: true };
 * ```
 */
export interface InboundMessage {
  /** The sender's number, E.164 with its `+`. */
  readonly from: string;
  /** The text as received. */
  readonly body: string;
  /** Whether the text is an opt-out keyword (STOP, UNSUBSCRIBE, ...) or the provider flagged it as one. */
  readonly isOptOut: boolean;
}

/**
 * The opt-out keywords the providers act on for long codes (Twilio: STOP, STOPALL, UNSUBSCRIBE,
 * CANCEL, END, QUIT, REVOKE, OPTOUT; carriers in Canada and AWS also ARRET, OPT-OUT, REMOVE, TD).
 */
const OPT_OUT = new Set(['STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT-OUT', 'OPT OUT', 'ARRET', 'REMOVE', 'TD']);

/**
 * Whether an inbound text is an opt-out: the whole text, whatever its case and surrounding
 * spaces or punctuation, is one of the keywords ("Stop" is; "don't stop" is not).
 *
 * @example
 * ```ts
 * isOptOutText(' Stop. '); // true
 * isOptOutText('stop sending me codes'); // false
 * ```
 */
export function isOptOutText(text: string): boolean {
  const word = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')
    .replace(/\s+/g, ' ')
    .toUpperCase();
  return OPT_OUT.has(word);
}

/** A string field of a webhook's parameters (form fields, query or JSON body). */
export function param(params: unknown, name: string): string | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const value: unknown = (params as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A number as E.164: Vonage sends it without the `+`. */
export function withPlus(number: string): string {
  const trimmed = number.trim();
  return /^\d{6,15}$/.test(trimmed) ? `+${trimmed}` : trimmed;
}
