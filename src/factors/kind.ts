/**
 * What a code-sending factor kind (SMS, voice, email) gives the flows: where its codes go,
 * how that is shown, and how a code is delivered.
 * @internal
 * @module
 */
import type { Factor, Purpose } from '../core/types.js';

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
  /** Sends a code; resolves the provider's message id. Throws when delivery failed. */
  send(factor: Factor, message: { code: string; purpose: Purpose; locale: string }): Promise<string>;
  /** The sender's name, for events. */
  readonly senderName: string;
}

/** The receipt's id, or `''` when the sender gave none. */
export const receiptId = (receipt: { id?: unknown } | undefined): string => (typeof receipt?.id === 'string' ? receipt.id : '');
