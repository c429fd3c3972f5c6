/**
 * What a failed delivery means for the factor: which provider answers say the destination
 * cannot receive (so the factor becomes `invalid` and a sign-in falls back to another one),
 * and which only failed this time.
 * @module
 */
import type { InvalidReason } from './types.js';

/**
 * The delivery failure reasons (the words of `DeliveryError.reason`) that invalidate the
 * factor, and as what. `blocked_country` is not one of them: the account's country settings
 * are the host's to fix, not the user's; every retryable reason is not either.
 */
const INVALIDATING: Readonly<Record<string, InvalidReason>> = {
  invalid_number: 'undeliverable',
  invalid_address: 'undeliverable',
  landline: 'undeliverable',
  opted_out: 'opt_out',
  blocked: 'undeliverable',
  unreachable: 'undeliverable',
};

/**
 * The failure reasons that make a factor `invalid`, for documentation and tests.
 *
 * @example
 * ```ts
 * INVALIDATING_REASONS.includes('landline'); // true
 * ```
 */
export const INVALIDATING_REASONS: readonly string[] = Object.keys(INVALIDATING);

/**
 * Whether a failed delivery makes the factor `invalid`, and as what: only a failure that is
 * not retryable and whose reason says the destination cannot receive. `undefined`: the
 * factor stays as it is (the send failed this time only).
 *
 * @example
 * ```ts
 * invalidationOf({ reason: 'opted_out', retryable: false });    // 'opt_out'
 * invalidationOf({ reason: 'landline', retryable: false });     // 'undeliverable'
 * invalidationOf({ reason: 'rate_limited', retryable: true });  // undefined
 * invalidationOf({ reason: 'blocked_country', retryable: false }); // undefined: the account's setting
 * ```
 */
export function invalidationOf(failure: { readonly reason: string | undefined; readonly retryable: boolean | undefined }): InvalidReason | undefined {
  if (failure.retryable !== false || failure.reason === undefined) return undefined;
  return Object.hasOwn(INVALIDATING, failure.reason) ? INVALIDATING[failure.reason] : undefined;
}
