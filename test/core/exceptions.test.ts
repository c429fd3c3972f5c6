import { describe, expect, it } from 'vitest';
import { exceptionApplies, validExpiry } from '../../src/core/exceptions.js';
import type { ExceptionEntry } from '../../src/core/types.js';
import { DAY, T0 } from './fixtures.js';

const entry = (expiresAt?: number): ExceptionEntry => ({
  userId: 'kiosk-7',
  addedBy: 'admin-1',
  addedAt: T0 - DAY,
  reason: 'shared kiosk account',
  ...(expiresAt !== undefined ? { expiresAt } : {}),
});

describe('exceptionApplies', () => {
  it.each<[string, ExceptionEntry, number, boolean]>([
    ['no expiry, now', entry(), T0, true],
    ['no expiry, far future', entry(), T0 + 10_000 * DAY, true],
    ['expiry later', entry(T0 + DAY), T0, true],
    ['1 ms before expiry', entry(T0 + DAY), T0 + DAY - 1, true],
    ['at exactly expiry', entry(T0 + DAY), T0 + DAY, false],
    ['after expiry', entry(T0 + DAY), T0 + DAY + 1, false],
    ['expiry at epoch 0', entry(0), T0, false],
  ])('%s → %s', (_name, e, now, expected) => {
    expect(exceptionApplies(e, now)).toBe(expected);
  });
});

describe('validExpiry', () => {
  it.each<[string, unknown, boolean]>([
    ['absent', undefined, true],
    ['1 ms in the future', T0 + 1, true],
    ['a day in the future', T0 + DAY, true],
    ['a fractional time in the future', T0 + 0.5, true],
    ['exactly now', T0, false],
    ['1 ms in the past', T0 - 1, false],
    ['0', 0, false],
    ['negative', -1, false],
    ['NaN', Number.NaN, false],
    ['Infinity', Number.POSITIVE_INFINITY, false],
    ['-Infinity', Number.NEGATIVE_INFINITY, false],
    ['null', null, false],
    ['a numeric string', String(T0 + DAY), false],
    ['a Date', new Date(T0 + DAY), false],
    ['a bigint', BigInt(T0 + DAY), false],
    ['an object with valueOf', { valueOf: () => T0 + DAY }, false],
  ])('%s → %s', (_name, expiresAt, expected) => {
    expect(validExpiry(expiresAt, T0)).toBe(expected);
  });
});
