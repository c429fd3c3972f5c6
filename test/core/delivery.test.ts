/**
 * The rule of `core/delivery.ts`: which failed deliveries make a factor `invalid`, and the
 * strict codec of the message record behind delivery reports.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type MessageRecord } from '../../src/core/codec.js';
import { INVALIDATING_REASONS, invalidationOf } from '../../src/core/delivery.js';
import type { InvalidReason } from '../../src/core/types.js';
import { type DeliveryFailureReason, isPermanentReason } from '../../src/ports/delivery.js';

describe('invalidationOf', () => {
  const table: [DeliveryFailureReason, boolean, InvalidReason | undefined][] = [
    ['invalid_number', false, 'undeliverable'],
    ['invalid_address', false, 'undeliverable'],
    ['landline', false, 'undeliverable'],
    ['opted_out', false, 'opt_out'],
    ['blocked', false, 'undeliverable'],
    ['unreachable', false, 'undeliverable'],
    // The account's setting, not the recipient: no invalidation.
    ['blocked_country', false, undefined],
    // A permanent word said to be retryable (a sender's override) does not invalidate.
    ['opted_out', true, undefined],
    ['landline', true, undefined],
    ['rate_limited', true, undefined],
    ['timeout', true, undefined],
    ['network', true, undefined],
    ['account', true, undefined],
    ['filtered', true, undefined],
    ['provider_error', true, undefined],
    // Retryable words marked not retryable still are not about the destination.
    ['account', false, undefined],
    ['provider_error', false, undefined],
  ];
  it.each(table)('%s (retryable %s) → %s', (reason, retryable, expected) => {
    expect(invalidationOf({ reason, retryable })).toBe(expected);
  });

  it('no reason, an unknown word, or an unknown retryability invalidates nothing', () => {
    expect(invalidationOf({ reason: undefined, retryable: false })).toBeUndefined();
    expect(invalidationOf({ reason: 'toString', retryable: false })).toBeUndefined();
    expect(invalidationOf({ reason: '__proto__', retryable: false })).toBeUndefined();
    expect(invalidationOf({ reason: 'opted_out', retryable: undefined })).toBeUndefined();
  });

  it('every invalidating reason is a permanent DeliveryFailureReason', () => {
    for (const r of INVALIDATING_REASONS) expect(isPermanentReason(r as DeliveryFailureReason)).toBe(true);
  });
});

describe('message record codec', () => {
  const m: MessageRecord = { userId: 'u1', factorId: 'f_sms', channel: 'sms', purpose: 'sign_in', destination: 'AbCdEfGhIjKlMnOpQrStUv' };
  it('round-trips', () => {
    expect(decodeMessage(encodeMessage(m))).toEqual(m);
    expect(decodeMessage(encodeMessage({ ...m, purpose: 'enroll', channel: 'email' }))).toEqual({ ...m, purpose: 'enroll', channel: 'email' });
  });
  it.each([
    'null',
    '[]',
    '{}',
    '{"u":"u1","f":"f","c":"sms","p":"s"}',
    '{"u":"u1","f":"f","c":"sms","p":"x","d":"h"}',
    '{"u":"u1","f":"f","c":"fax","p":"s","d":"h"}',
    '{"u":"","f":"f","c":"sms","p":"s","d":"h"}',
    '{"u":"u1","f":"f","c":"sms","p":"s","d":"h","to":"+14155552671"}',
  ])('refuses what mfakit could not have written: %s', (raw) => {
    expect(() => decodeMessage(raw)).toThrow();
  });
});
