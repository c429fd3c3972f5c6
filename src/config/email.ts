/**
 * Email addresses: checked with zod, normalised (trimmed, domain in lower case; the local
 * part is kept as typed, since servers may treat its case as meaningful), masked for display.
 * @internal
 * @module
 */
import { z } from 'zod';
import type { Failure } from '../core/outcomes.js';

/** Longest accepted address (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;

const address = z.email();

/** Checks and normalises an address typed by a user. */
export function parseEmail(input: string): { email: string } | Failure<'invalid_email'> {
  const trimmed = input.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH || !address.safeParse(trimmed).success) return { ok: false, error: 'invalid_email' };
  const at = trimmed.lastIndexOf('@');
  return { email: `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}` };
}

/**
 * Masks an address for display, events and logs: the first character of the local part and
 * the domain stay.
 *
 * @example
 * ```ts
 * maskEmail('ada.lovelace@example.com'); // 'a•••@example.com'
 * ```
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}
