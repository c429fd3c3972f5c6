import { describe, expect, it } from 'vitest';
import { backupCodesLeft, decideBackup, dropBackupSet, normalizeBackupCode, replaceBackupSet } from '../../src/core/backup.js';
import { decodeUser, encodeUser } from '../../src/core/codec.js';
import { DEFAULTS } from '../../src/core/policy.js';
import { ttlOf, type BackupSet, type UserState } from '../../src/core/state.js';
import { codeRecord, deepFreeze, MIN, T0, user } from './fixtures.js';

const NOW = T0 + 5 * MIN;
/** A set of three codes whose hashes are stand-ins: `h:<code>`. */
const set = (used = 0): BackupSet => ({ factorId: 'f_backup', hashes: ['h:aaaaa22222', 'h:bbbbb33333', 'h:ccccc44444'], used });
const match = (hashes: readonly string[], code: string) => hashes.indexOf(`h:${code}`);
const cmd = (code: string, factorId?: string) => ({ code, factorId, match });

describe('normalizeBackupCode', () => {
  it.each<[string, string | null]>([
    ['k7m2q-x9c4t', 'k7m2qx9c4t'],
    [' K7M2Q X9C4T ', 'k7m2qx9c4t'],
    ['k7m2qx9c4t', 'k7m2qx9c4t'],
    ['k7m2q-x9c4', null], // 9 characters
    ['k7m2q-x9c4t2', null], // 11
    ['k7m2q-x9c40', null], // 0 is not in the alphabet
    ['k7m2q-x9c4l', null], // nor l
    ['23456-78923', null], // all digits: a sent or app code, never a backup code
    ['123456', null],
    ['k'.repeat(100), null],
  ])('%j → %j', (input, expected) => {
    expect(normalizeBackupCode(input)).toBe(expected);
  });
});

describe('decideBackup', () => {
  it.each<{ name: string; state: UserState; code: string; factorId?: string; expected: ReturnType<typeof decideBackup> }>([
    { name: 'right code: marked used, counts cleared, 2 left', state: user({ backup: set(), failures: 3, consecutive: 3, lastFailureAt: NOW - MIN }), code: 'bbbbb-33333',
      expected: { state: user({ backup: set(0b010) }), outcome: { ok: true, factorId: 'f_backup', channel: 'backup', purpose: 'sign_in', backupCodesLeft: 2 } } },
    { name: 'last code: 0 left', state: user({ backup: set(0b011) }), code: 'ccccc44444',
      expected: { state: user({ backup: set(0b111) }), outcome: { ok: true, factorId: 'f_backup', channel: 'backup', purpose: 'sign_in', backupCodesLeft: 0 } } },
    { name: 'a used code again: refused, nothing counted', state: user({ backup: set(0b001) }), code: 'aaaaa22222',
      expected: { outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 8, failuresLeft: 8 } } },
    { name: 'wrong code: counted once', state: user({ backup: set() }), code: 'zzzzz22222',
      expected: { state: user({ backup: set(), failures: 1, consecutive: 1, lastFailureAt: NOW }), outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 7, failuresLeft: 7 } } },
    { name: 'no set at all: any code is wrong', state: user(), code: 'aaaaa22222',
      expected: { state: user({ failures: 1, consecutive: 1, lastFailureAt: NOW }), outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 7, failuresLeft: 7 } } },
    { name: 'named factor is not the set’s: wrong', state: user({ backup: set() }), code: 'aaaaa22222', factorId: 'f_other',
      expected: { state: user({ backup: set(), failures: 1, consecutive: 1, lastFailureAt: NOW }), outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 7, failuresLeft: 7 } } },
    { name: '8th wrong entry: locked; the live sent code dies', state: user({ backup: set(), code: codeRecord(), failures: 7, consecutive: 7, lastFailureAt: NOW - MIN }), code: 'zzzzz22222',
      expected: { state: user({ backup: set(), code: codeRecord({ dead: true }), failures: 0, consecutive: 8, lastFailureAt: NOW, lockedUntil: NOW + 20 * MIN }), outcome: { ok: false, error: 'locked_out', lockedUntil: NOW + 20 * MIN, retryAfterMs: 20 * MIN }, effect: 'locked' } },
    { name: 'malformed: counts nothing', state: user({ backup: set() }), code: '123456', expected: { outcome: { ok: false, error: 'malformed_code' } } },
    { name: 'locked: even a right code is refused and stays unused', state: user({ backup: set(), lockedUntil: NOW + MIN, consecutive: 8, lastFailureAt: NOW - MIN }), code: 'aaaaa22222',
      expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: NOW + MIN, retryAfterMs: MIN } } },
  ])('$name', ({ state, code, factorId, expected }) => {
    expect(decideBackup(deepFreeze(state), cmd(code, factorId), DEFAULTS, NOW)).toStrictEqual(expected);
  });

  it('a set keeps the record forever (until replaced or dropped), and survives the codec', () => {
    const s = user({ backup: set(0b101) });
    expect(ttlOf(s, DEFAULTS, NOW)).toBe(null);
    expect(decodeUser(encodeUser(s))).toStrictEqual(s);
    expect(backupCodesLeft(s, 'f_backup')).toBe(1);
    expect(backupCodesLeft(s, 'f_other')).toBe(0);
    expect(replaceBackupSet(s, 'f_backup', ['h:x'], DEFAULTS, NOW).backup).toEqual({ factorId: 'f_backup', hashes: ['h:x'], used: 0 });
    expect(dropBackupSet(s, 'f_backup')).toStrictEqual(user());
    expect(dropBackupSet(s, 'f_other')).toBe(undefined);
  });

  it.each([
    ['no hashes', { f: 'f_backup', h: [] }],
    ['a used bit past the last hash', { f: 'f_backup', h: ['x'], u: 2 }],
    ['a zero mask written out', { f: 'f_backup', h: ['x'], u: 0 }],
    ['an unknown field', { f: 'f_backup', h: ['x'], z: 1 }],
    ['a hash that is not a string', { f: 'f_backup', h: [1] }],
  ])('the codec refuses a set mfakit could not have written: %s', (_name, bk) => {
    expect(() => decodeUser(JSON.stringify({ bk }))).toThrow(TypeError);
  });
});
