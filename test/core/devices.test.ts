import { describe, expect, it } from 'vitest';
import { replaceBackupSet } from '../../src/core/backup.js';
import { decodeUser, encodeUser } from '../../src/core/codec.js';
import {
  deviceTrustedUntil,
  type DeviceTokenParts,
  factorFingerprint,
  formatDeviceToken,
  parseDeviceToken,
  trustDevice,
  withTrustedDevice,
} from '../../src/core/devices.js';
import { adminLock, countFailure, lockOf, unlockState } from '../../src/core/lockout.js';
import type { MfaRequirement } from '../../src/core/outcomes.js';
import { DEFAULTS, type Policy } from '../../src/core/policy.js';
import { age, ttlOf, type UserState, withoutDevices } from '../../src/core/state.js';
import type { Factor } from '../../src/core/types.js';
import { codeRecord, DAY, deepFreeze, MIN, SEC, T0, user } from './fixtures.js';

const P: Policy = DEFAULTS;
const GEN = 'g'.repeat(22);
const OTHER_GEN = 'h'.repeat(22);
const MAC = 'A'.repeat(22);
const UNTIL = T0 + 30 * DAY;
const trusted = (over: Partial<UserState> = {}) => user({ devices: { generation: GEN, until: UNTIL }, ...over });

describe('device token shape', () => {
  it.each<[string, string, DeviceTokenParts | null]>([
    ['a token mfakit writes', `1.${UNTIL}.${MAC}`, { expiresAt: UNTIL, mac: MAC }],
    ['base64url characters in the MAC', `1.${UNTIL}.ab-_AB09ab-_AB09ab-_AB`, { expiresAt: UNTIL, mac: 'ab-_AB09ab-_AB09ab-_AB' }],
    ['another version', `2.${UNTIL}.${MAC}`, null],
    ['no version', `.${UNTIL}.${MAC}`, null],
    ['a MAC one character short', `1.${UNTIL}.${MAC.slice(1)}`, null],
    ['a MAC one character long', `1.${UNTIL}.${MAC}A`, null],
    ['padding in the MAC', `1.${UNTIL}.${MAC.slice(2)}==`, null],
    ['standard base64 characters', `1.${UNTIL}.${MAC.slice(1)}+`, null],
    ['a negative expiry', `1.-${UNTIL}.${MAC}`, null],
    ['a leading zero', `1.0${UNTIL}.${MAC}`, null],
    ['an expiry past 2^53', `1.9999999999999999.${MAC}`, null],
    ['a fractional expiry', `1.${UNTIL}.5.${MAC}`, null],
    ['surrounding space', ` 1.${UNTIL}.${MAC}`, null],
    ['a trailing newline', `1.${UNTIL}.${MAC}\n`, null],
    ['empty', '', null],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl', null],
  ])('%s', (_name, token, parts) => {
    expect(parseDeviceToken(token)).toStrictEqual(parts);
  });

  it('formatDeviceToken writes what parseDeviceToken reads', () => {
    expect(parseDeviceToken(formatDeviceToken(UNTIL, MAC))).toStrictEqual({ expiresAt: UNTIL, mac: MAC });
  });
});

describe('factorFingerprint', () => {
  const sms: Factor = { id: 'f_sms', userId: 'u1', channel: 'sms', status: 'active', phone: '+14155552671', createdAt: T0 };
  const mail: Factor = { id: 'f_mail', userId: 'u1', channel: 'email', status: 'active', email: 'ada@example.com', createdAt: T0 };
  const app: Factor = { id: 'f_app', userId: 'u1', channel: 'totp', status: 'active', totpSecret: 'sealed', createdAt: T0 };
  const base = factorFingerprint([sms, mail]);
  it.each<[string, Factor[], boolean]>([
    ['the same factors in another order', [mail, sms], true],
    ['a pending enrollment added (not confirmed: not bound)', [sms, mail, { ...app, status: 'pending' }], true],
    ['a use recorded (lastUsedAt) changes nothing', [{ ...sms, lastUsedAt: T0 + MIN }, mail], true],
    ['a factor added', [sms, mail, app], false],
    ['a factor removed', [sms], false],
    ['a factor invalidated (STOP)', [{ ...sms, status: 'invalid' }, mail], false],
    ['a number changed under the same id', [{ ...sms, phone: '+14155550123' }, mail], false],
    ['an address changed under the same id', [sms, { ...mail, email: 'eve@example.com' }], false],
    ['an id changed', [{ ...sms, id: 'f_sms2' }, mail], false],
    ['no factors', [], false],
  ])('%s → same: %s', (_name, factors, same) => {
    expect(factorFingerprint(deepFreeze(factors)) === base).toBe(same);
  });

  it('is length-prefixed: fields cannot slide into each other', () => {
    const a: Factor = { ...sms, id: 'f_a|active|sms|', phone: '+1' };
    const b: Factor = { ...sms, id: 'f_a', phone: '|active|sms|+1' };
    expect(factorFingerprint([a])).not.toBe(factorFingerprint([b]));
    expect(factorFingerprint([])).toBe('');
  });
});

describe('trustDevice', () => {
  it.each<{ name: string; state: UserState; until: number; expected: UserState }>([
    { name: 'first device: the candidate becomes the generation', state: user(), until: UNTIL, expected: user({ devices: { generation: 'cand', until: UNTIL } }) },
    { name: 'another device: the generation is kept, the expiry raised', state: trusted(), until: UNTIL + DAY, expected: trusted({ devices: { generation: GEN, until: UNTIL + DAY } }) },
    { name: 'a shorter life (ttl lowered) never shortens the record', state: trusted(), until: UNTIL - DAY, expected: trusted() },
    { name: 'everything else kept', state: user({ failures: 3, consecutive: 3, lastFailureAt: T0, sends: [T0] }), until: UNTIL, expected: user({ failures: 3, consecutive: 3, lastFailureAt: T0, sends: [T0], devices: { generation: 'cand', until: UNTIL } }) },
  ])('$name', ({ state, until, expected }) => {
    expect(trustDevice(deepFreeze(state), 'cand', until)).toStrictEqual(expected);
  });
});

describe('deviceTrustedUntil', () => {
  const token: DeviceTokenParts = { expiresAt: UNTIL, mac: MAC };
  const signedFor = (generation: string) => (g: string) => g === generation;
  it.each<{ name: string; state: UserState; token?: DeviceTokenParts; signed?: (g: string) => boolean; now: number; expected: number | undefined }>([
    { name: 'valid', state: trusted(), now: T0, expected: UNTIL },
    { name: 'valid 1 ms before it expires', state: trusted(), now: UNTIL - 1, expected: UNTIL },
    { name: 'expired at its expiry', state: trusted(), now: UNTIL, expected: undefined },
    { name: 'a MAC that does not match (forged, other user, factors changed, wrong secret)', state: trusted(), signed: () => false, now: T0, expected: undefined },
    { name: 'signed under another generation (revoked, then trusted again)', state: trusted({ devices: { generation: OTHER_GEN, until: UNTIL } }), signed: signedFor(GEN), now: T0, expected: undefined },
    { name: 'no generation (revoked, locked, unlocked, new backup codes)', state: user(), now: T0, expected: undefined },
    { name: 'an expiry later than any issued', state: trusted(), token: { expiresAt: UNTIL + 1, mac: MAC }, now: T0, expected: undefined },
    { name: 'a timed lock running', state: trusted({ lockedUntil: T0 + 20 * MIN }), now: T0, expected: undefined },
    { name: 'a timed lock ended', state: trusted({ lockedUntil: T0 }), now: T0, expected: UNTIL },
    { name: 'an admin-only lock', state: trusted({ hardLocked: true }), now: T0, expected: undefined },
  ])('$name', ({ state, token: t, signed, now, expected }) => {
    expect(deviceTrustedUntil(deepFreeze(state), t ?? token, signed ?? signedFor(GEN), now)).toBe(expected);
  });
});

describe('withTrustedDevice', () => {
  const exception = { userId: 'u1', addedBy: 'admin', reason: 'kiosk', addedAt: T0 };
  it.each<[string, MfaRequirement, number | undefined, MfaRequirement]>([
    ['required, trusted: skipped', { required: true }, UNTIL, { required: false, reason: 'trusted_device', trustedUntil: UNTIL }],
    ['required, not trusted', { required: true }, undefined, { required: true }],
    ['must enroll: a device cannot stand in for a factor', { required: true, reason: 'must_enroll' }, UNTIL, { required: true, reason: 'must_enroll' }],
    ['exception stays an exception', { required: false, reason: 'exception', exception }, UNTIL, { required: false, reason: 'exception', exception }],
    ['policy skip stays', { required: false, reason: 'policy' }, UNTIL, { required: false, reason: 'policy' }],
    ['not enrolled stays', { required: false, reason: 'not_enrolled' }, UNTIL, { required: false, reason: 'not_enrolled' }],
  ])('%s', (_name, requirement, until, expected) => {
    expect(withTrustedDevice(deepFreeze(requirement), until)).toStrictEqual(expected);
  });
});

describe('what ends the trust', () => {
  const now = T0 + SEC;
  it.each<[string, (s: UserState) => UserState]>([
    ['withoutDevices (revoke)', withoutDevices],
    ['the 8th wrong entry (timed lock)', (s) => countFailure(s, P, now).state],
    ['the 100th consecutive wrong entry (admin-only lock)', (s) => countFailure({ ...s, failures: 3, consecutive: 99 }, P, now).state],
    ['an admin unlock', unlockState],
    ['an admin lock', adminLock],
    ['new backup codes', (s) => replaceBackupSet(s, 'f_backup', ['h1'], P, now)],
  ])('%s drops the generation', (_name, change) => {
    const state = deepFreeze(trusted({ failures: 7, consecutive: 7, lastFailureAt: T0 }));
    expect(change(state).devices).toBeUndefined();
  });

  it('a wrong entry that does not lock keeps it', () => {
    expect(countFailure(deepFreeze(trusted()), P, now).state.devices).toStrictEqual({ generation: GEN, until: UNTIL });
  });

  it('adminLock: locked until an admin unlocks, the live code dead, the counts kept', () => {
    const state = deepFreeze(trusted({ code: codeRecord(), failures: 2, consecutive: 5, lastFailureAt: T0 }));
    const locked = adminLock(state);
    expect(locked).toStrictEqual(user({ code: codeRecord({ dead: true }), failures: 2, consecutive: 5, lastFailureAt: T0, hardLocked: true }));
    expect(lockOf(locked, T0 + 365 * DAY)).toStrictEqual({ until: null });
    expect(lockOf(unlockState(locked), T0)).toBeUndefined();
    expect(adminLock(user())).toStrictEqual(user({ hardLocked: true }));
  });
});

describe('the generation in the state record', () => {
  it('age keeps it until its expiry, drops it at the expiry', () => {
    expect(age(deepFreeze(trusted()), P, UNTIL - 1).devices).toStrictEqual({ generation: GEN, until: UNTIL });
    expect(age(deepFreeze(trusted()), P, UNTIL)).toStrictEqual(user());
  });

  it('ttlOf keeps the record until the latest expiry, and no longer', () => {
    expect(ttlOf(trusted(), P, T0)).toBe(UNTIL - T0);
    expect(ttlOf(trusted({ sends: [T0] }), P, T0)).toBe(UNTIL - T0);
    expect(ttlOf(trusted({ hardLocked: true }), P, T0)).toBeNull();
  });

  it('round-trips through the codec, alone and beside other times', () => {
    for (const s of [trusted(), trusted({ sends: [T0 - MIN, T0], lastSentAt: T0, failures: 1, consecutive: 1, lastFailureAt: T0 })]) {
      expect(decodeUser(encodeUser(s))).toStrictEqual(s);
    }
    expect(JSON.parse(encodeUser(trusted()))).toStrictEqual({ dv: GEN, de: UNTIL });
  });

  it.each([
    ['a generation without an expiry', `{"dv":"${GEN}"}`],
    ['an expiry without a generation', `{"de":${UNTIL}}`],
    ['a short generation (under 96 bits)', `{"dv":"abc","de":${UNTIL}}`],
    ['a generation with other characters', `{"dv":"${'g'.repeat(20)}/+","de":${UNTIL}}`],
    ['a generation that is not a string', `{"dv":12345678901234567890,"de":${UNTIL}}`],
    ['an expiry that is not a number', `{"dv":"${GEN}","de":"${UNTIL}"}`],
  ])('refuses %s', (_name, raw) => {
    expect(() => decodeUser(raw)).toThrow(TypeError);
  });
});
