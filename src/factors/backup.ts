/**
 * Backup codes: a set drawn from the CSPRNG (easy to type, no ambiguous characters, never
 * all digits), shown once, kept only as keyed hashes bound to the user.
 * @internal
 * @module
 */
import { randomInt } from 'node:crypto';
import { BACKUP_ALPHABET, BACKUP_CODE_COUNT, BACKUP_CODE_LENGTH, normalizeBackupCode } from '../core/backup.js';
import type { CodeHasher } from './code.js';

/** One code as shown: two groups of five (`k7m2q-x9c4t`); `randomInt` draws without bias. */
function drawCode(): string {
  for (;;) {
    let code = '';
    for (let i = 0; i < BACKUP_CODE_LENGTH; i++) code += BACKUP_ALPHABET[randomInt(BACKUP_ALPHABET.length)];
    // An all-digit draw (about 1 in 770 000) would read as a sent code: draw again.
    if (normalizeBackupCode(code) !== null) return `${code.slice(0, 5)}-${code.slice(5)}`;
  }
}

/** A fresh set: the codes to show once, and their hashes to store (same order). */
export function newBackupSet(hasher: CodeHasher, userId: string): { codes: string[]; hashes: string[] } {
  const codes: string[] = [];
  while (codes.length < BACKUP_CODE_COUNT) {
    const code = drawCode();
    if (!codes.includes(code)) codes.push(code);
  }
  return { codes, hashes: codes.map((c) => hasher.tag(userId, normalizeBackupCode(c) as string)) };
}

/** The matcher `decideBackup` takes, for one user's codes. */
export function backupMatcher(hasher: CodeHasher, userId: string): (hashes: readonly string[], code: string) => number {
  return (hashes, code) => hasher.findTag(hashes, userId, code);
}
