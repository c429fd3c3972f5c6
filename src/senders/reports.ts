
export type { DeliveryReport, DeliveryStatus } from '../ports/delivery.js';

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
