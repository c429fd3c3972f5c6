/**
 * Pure rules of backup codes: their shape (easy to type, no ambiguous characters), how an
 * entry is normalised, and what an entry does to the user's state: a right code is used up
 * in the same write that accepts it, a wrong one counts toward the shared lockout.
 * Matching an entry against the stored hashes is the caller's (`match`).
 * @module
 */
import { clearFailures, lockedRefusal } from './lockout.js';
import type { Policy } from './policy.js';
import { age, type UserState, withoutDevices } from './state.js';
import { countWrongEntry, type VerifyDecision } from './codes.js';

/**
 * The characters of a backup code: digits and lower-case letters without `0 1 i l o`, which
 * read alike (31 characters, so a 10-character code holds about 49.5 bits).
 */
export const BACKUP_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
/** Characters in one backup code (shown as two groups of 5: `k7m2q-x9c4t`). */
export const BACKUP_CODE_LENGTH = 10;
/** Codes in one set. */
export const BACKUP_CODE_COUNT = 10;
/** At or below this many codes left, mfakit says so (`backup.low`). */
export const BACKUP_LOW_AT = 2;

const ALLOWED: ReadonlySet<string> = new Set(BACKUP_ALPHABET);

/**
 * The canonical form of an entry (lower case, spaces and dashes dropped), or `null` when it
 * is not shaped like a backup code. A code is never all digits (generation redraws such a
 * code), so an entry of digits is always a sent or app code, never a backup code.
 */
export function normalizeBackupCode(input: string): string | null {
  if (input.length > 4 * BACKUP_CODE_LENGTH) return null;
  const code = input.toLowerCase().replace(/[\s-]/g, '');
  if (code.length !== BACKUP_CODE_LENGTH) return null;
  let letters = 0;
  for (const c of code) {
    if (!ALLOWED.has(c)) return null;
    if (c > '9') letters++;
  }
  return letters > 0 ? code : null;
}

/** A backup code entry to check. */
export interface BackupCommand {
  /** The entry as typed. */
  readonly code: string;
  /** The backup factor the entry must belong to, when the caller names one. */
  readonly factorId?: string | undefined;
  /** The index of the stored hash `code` (normalised) matches, or -1; constant time per hash. */
  readonly match: (hashes: readonly string[], code: string) => number;
}

/** Whether code `i` of a set is used. */
const isUsed = (used: number, i: number): boolean => (used & (1 << i)) !== 0;

/** Backup codes the user has left (0 without a set, or for another factor). */
export function backupCodesLeft(s: UserState, factorId: string): number {
  if (s.backup?.factorId !== factorId) return 0;
  let left = 0;
  for (let i = 0; i < s.backup.hashes.length; i++) if (!isUsed(s.backup.used, i)) left++;
  return left;
}

/**
 * Checks one backup code entry (sign-in only). The lock, a malformed entry and a code
 * already used (a replay: it tells a guesser nothing, and is most often a double submit)
 * change nothing; a wrong code (or any code when no set is live) counts once toward the
 * shared lockout; a right one is marked used (so it never works again) and resets the
 * failure counts. The success says how many codes are left.
 */
export function decideBackup(state: UserState, cmd: BackupCommand, p: Policy, now: number): VerifyDecision {
  const s = age(state, p, now);
  const locked = lockedRefusal(s, now);
  if (locked) return { outcome: locked };
  const code = normalizeBackupCode(cmd.code);
  if (code === null) return { outcome: { ok: false, error: 'malformed_code' } };
  const set = s.backup && (cmd.factorId === undefined || s.backup.factorId === cmd.factorId) ? s.backup : undefined;
  const at = set ? cmd.match(set.hashes, code) : -1;
  if (set && at >= 0 && isUsed(set.used, at)) {
    const left = p.maxFailures - s.failures;
    return { outcome: { ok: false, error: 'code_mismatch', attemptsLeft: left, failuresLeft: left } };
  }
  if (set && at >= 0) {
    const next: UserState = { ...clearFailures(s), backup: { ...set, used: set.used | (1 << at) } };
    return { state: next, outcome: { ok: true, factorId: set.factorId, channel: 'backup', purpose: 'sign_in', backupCodesLeft: backupCodesLeft(next, set.factorId) } };
  }
  return countWrongEntry(s, p, now);
}

/**
 * The state with a new set of backup codes, replacing any earlier set (whose codes stop
 * working). Every trusted device stops being trusted too: new codes are asked for when the
 * old ones may be out, and the factor's fingerprint does not change with them.
 */
export function replaceBackupSet(state: UserState, factorId: string, hashes: readonly string[], p: Policy, now: number): UserState {
  return { ...withoutDevices(age(state, p, now)), backup: { factorId, hashes, used: 0 } };
}

/** The state without the backup codes of `factorId` (the factor was removed), or `undefined` when it holds none. */
export function dropBackupSet(state: UserState, factorId: string): UserState | undefined {
  if (state.backup?.factorId !== factorId) return undefined;
  const { backup: _dropped, ...rest } = state;
  return rest;
}
