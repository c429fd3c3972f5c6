/**
 * What a code-sending factor kind (SMS, voice, email) gives the flows: where its codes go,
 * how that is shown, and how a code is delivered.
 * @internal
 * @module
 */
import type { Factor, Purpose } from '../core/types.js';
import type { DeliveryAttempt, DeliveryFailureReason } from '../ports/delivery.js';

/** A destination as the API shows it: always `maskedTo`, and the channel's own field. */
export type MaskedDestination =
  | { readonly maskedTo: string; readonly maskedPhone: string }
  | { readonly maskedTo: string; readonly maskedEmail: string };

/** What a code-sending factor kind provides to the flows. */
export interface CodeFactorKind {
  /**
   * What the per-destination send budget counts by: the E.164 number, or the email address
   * in lower case (so `Ada@` and `ada@` share one budget).
   */
  budgetKey(factor: Factor): string;
  /** That address as the API shows it. */
  masked(factor: Factor): MaskedDestination;
  /** Sends a code; resolves what the sender's receipt said. Throws when delivery failed. */
  send(factor: Factor, message: { code: string; purpose: Purpose; locale: string }): Promise<Receipt>;
  /** The sender's name, for events. */
  readonly senderName: string;
}

/** What mfakit keeps of a sender's receipt: the message id (`''` when none) and, after a failover, the provider and attempts. */
export interface Receipt {
  readonly id: string;
  readonly provider?: string;
  readonly attempts?: readonly DeliveryAttempt[];
}

/** A short, printable token (a provider's name or error code), or `undefined` for anything else. */
export const token = (v: unknown): string | undefined => (typeof v === 'string' && /^[\w.:@/+-]{1,64}$/.test(v) ? v : undefined);

/**
 * A failover's attempts, read once into plain values: each with a provider name and a
 * reason that are short tokens and a boolean `retryable` (at most 16; others are dropped).
 */
export function attemptsOf(raw: unknown): DeliveryAttempt[] {
  const attempts: DeliveryAttempt[] = [];
  if (!Array.isArray(raw)) return attempts;
  for (const a of raw.slice(0, 16) as unknown[]) {
    if (typeof a !== 'object' || a === null) continue;
    const { provider, reason, retryable, code } = a as Record<string, unknown>;
    const name = token(provider);
    const why = token(reason);
    if (name === undefined || why === undefined || typeof retryable !== 'boolean') continue;
    const c = token(code);
    attempts.push({ provider: name, reason: why as DeliveryFailureReason, retryable, ...(c === undefined ? {} : { code: c }) });
  }
  return attempts;
}

/**
 * Reads a sender's receipt once, into plain values: the id, and the provider and attempts
 * when they are well formed (anything else, which could hold a number or a text, is dropped).
 */
export function receiptOf(receipt: unknown): Receipt {
  if (typeof receipt !== 'object' || receipt === null) return { id: '' };
  const { id, provider, attempts } = receipt as { id?: unknown; provider?: unknown; attempts?: unknown };
  const name = token(provider);
  const at = typeof id === 'string' ? id : '';
  // The common receipt (no provider named) is one literal, not a spread.
  return name === undefined ? { id: at } : { id: at, provider: name, attempts: attemptsOf(attempts) };
}
