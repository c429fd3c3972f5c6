/**
 * Pure rules of the exception list: when an entry applies.
 * @module
 */
import type { ExceptionEntry } from './types.js';

/** Whether an exception entry applies at `now` (it has no expiry, or the expiry is later). */
export function exceptionApplies(entry: ExceptionEntry, now: number): boolean {
  return entry.expiresAt === undefined || now < entry.expiresAt;
}

/** Whether `expiresAt` is acceptable for a new entry: absent, or a finite time after `now`. */
export function validExpiry(expiresAt: unknown, now: number): expiresAt is number | undefined {
  return expiresAt === undefined || (typeof expiresAt === 'number' && Number.isFinite(expiresAt) && expiresAt > now);
}
