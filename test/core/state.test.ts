import { describe, expect, it } from 'vitest';
import { DEFAULTS, type Policy } from '../../src/core/policy.js';
import { age, type DestinationState, destinationTtl, EMPTY_STATE, recent, ttlOf, type UserState, userState } from '../../src/core/state.js';
import { codeRecord, DAY, deepFreeze, HOUR, MIN, SEC, T0, user } from './fixtures.js';

const P: Policy = DEFAULTS;
const TTL = 10 * MIN;
const COOLDOWN = 30 * SEC;

describe('EMPTY_STATE', () => {
  it('is no code, no counts, no sends', () => {
    expect(EMPTY_STATE).toStrictEqual({ failures: 0, consecutive: 0, sends: [] });
  });
});

describe('recent', () => {
  it.each<[string, number[], number, number, number[]]>([
    ['nothing', [], HOUR, T0, []],
    ['1 ms inside the window kept, at the window dropped', [T0 - HOUR, T0 - HOUR + 1, T0], HOUR, T0, [T0 - HOUR + 1, T0]],
    ['all older than the window', [T0 - 3 * HOUR, T0 - 2 * HOUR], HOUR, T0, []],
    ['order kept', [T0 - 3 * MIN, T0 - 2 * MIN, T0 - MIN], HOUR, T0, [T0 - 3 * MIN, T0 - 2 * MIN, T0 - MIN]],
    ['custom window 10 s', [T0 - 10 * SEC, T0 - 10 * SEC + 1], 10 * SEC, T0, [T0 - 10 * SEC + 1]],
  ])('%s', (_name, sends, windowMs, now, expected) => {
    expect(recent(deepFreeze(sends), windowMs, now)).toStrictEqual(expected);
  });
});

describe('age', () => {
  const code = codeRecord();
  it.each<{ name: string; state: UserState; now: number; policy?: Policy; expected: UserState }>([
    { name: 'nothing to age', state: user(), now: T0, expected: user() },
    // the timed lock
    { name: 'lock kept 1 ms before it ends', state: user({ lockedUntil: T0 + 1, consecutive: 8, lastFailureAt: T0 - MIN }), now: T0, expected: user({ lockedUntil: T0 + 1, consecutive: 8, lastFailureAt: T0 - MIN }) },
    { name: 'lock dropped at lockedUntil', state: user({ lockedUntil: T0, consecutive: 8, lastFailureAt: T0 - MIN }), now: T0, expected: user({ consecutive: 8, lastFailureAt: T0 - MIN }) },
    // the cooldown
    { name: 'cooldown kept at 29 999 ms', state: user({ lastSentAt: T0, sends: [T0] }), now: T0 + COOLDOWN - 1, expected: user({ lastSentAt: T0, sends: [T0] }) },
    { name: 'cooldown dropped at 30 000 ms', state: user({ lastSentAt: T0, sends: [T0] }), now: T0 + COOLDOWN, expected: user({ sends: [T0] }) },
    // the send window
    { name: 'sends: one hour old dropped, 1 ms younger kept', state: user({ sends: [T0 - HOUR, T0 - HOUR + 1] }), now: T0, expected: user({ sends: [T0 - HOUR + 1] }) },
    // failure memory
    { name: 'failures kept 1 ms before 24 h', state: user({ failures: 3, consecutive: 40, lastFailureAt: T0 - DAY + 1 }), now: T0, expected: user({ failures: 3, consecutive: 40, lastFailureAt: T0 - DAY + 1 }) },
    { name: 'failures and the consecutive count forgotten at 24 h', state: user({ failures: 3, consecutive: 40, lastFailureAt: T0 - DAY }), now: T0, expected: user() },
    { name: 'an admin-only lock keeps its counts past 24 h', state: user({ consecutive: 100, lastFailureAt: T0 - 3 * DAY, hardLocked: true }), now: T0, expected: user({ consecutive: 100, lastFailureAt: T0 - 3 * DAY, hardLocked: true }) },
    // the code
    { name: 'an expired code kept 1 ms before one send window past expiry', state: user({ code }), now: T0 + TTL + HOUR - 1, expected: user({ code }) },
    { name: 'an expired code dropped one send window past expiry', state: user({ code }), now: T0 + TTL + HOUR, expected: user() },
    { name: 'a dead code dropped one send window past expiry', state: user({ code: codeRecord({ tries: 4, dead: true }) }), now: T0 + TTL + HOUR, expected: user() },
    {
      name: 'everything at once, a day later',
      state: user({ code, failures: 2, consecutive: 10, lastFailureAt: T0, lockedUntil: T0 + MIN, lastSentAt: T0, sends: [T0 - MIN, T0] }),
      now: T0 + DAY,
      expected: user(),
    },
    {
      name: 'custom policy: 5 s cooldown, 1 min window, 2 min memory',
      state: user({ code, failures: 2, consecutive: 2, lastFailureAt: T0, lastSentAt: T0, sends: [T0 - MIN, T0] }),
      now: T0 + 2 * MIN,
      policy: { ...DEFAULTS, cooldownMs: 5 * SEC, sendWindowMs: MIN, failureMemoryMs: 2 * MIN },
      expected: user({ code }),
    },
  ])('$name', ({ state, now, policy, expected }) => {
    expect(age(deepFreeze(state), policy ?? P, now)).toStrictEqual(expected);
  });
});

describe('ttlOf', () => {
  const now = T0 + SEC;
  it.each<{ name: string; state: UserState; policy?: Policy; expected: number | null }>([
    { name: 'nothing: delete the record', state: user(), expected: 0 },
    { name: 'admin-only lock: forever', state: user({ hardLocked: true, consecutive: 100, lastFailureAt: T0 }), expected: null },
    { name: 'a code: until it expires', state: user({ code: codeRecord() }), expected: TTL - SEC },
    { name: 'a timed lock: until it ends', state: user({ lockedUntil: T0 + 20 * MIN }), expected: 20 * MIN - SEC },
    { name: 'a cooldown: until it ends', state: user({ lastSentAt: T0 }), expected: COOLDOWN - SEC },
    { name: 'sends: until the last leaves the window', state: user({ sends: [T0 - MIN, T0] }), expected: HOUR - SEC },
    { name: 'failures: 24 h after the last', state: user({ failures: 1, consecutive: 1, lastFailureAt: T0 }), expected: DAY - SEC },
    { name: 'a consecutive count alone: 24 h after the last failure', state: user({ consecutive: 8, lastFailureAt: T0 }), expected: DAY - SEC },
    { name: 'a failure time with no counts keeps nothing', state: user({ lastFailureAt: T0 }), expected: 0 },
    { name: 'a just-issued code: the send window outlasts it', state: user({ code: codeRecord(), lastSentAt: T0, sends: [T0] }), expected: HOUR - SEC },
    {
      name: 'the longest window wins',
      state: user({ code: codeRecord(), lastSentAt: T0, sends: [T0], lockedUntil: T0 + 20 * MIN, failures: 0, consecutive: 8, lastFailureAt: T0 }),
      expected: DAY - SEC,
    },
    { name: 'everything already over: 0', state: user({ code: codeRecord({ expiresAt: T0 }), lockedUntil: T0, lastSentAt: T0 - COOLDOWN }), expected: 0 },
    { name: 'custom policy: 2 min memory', state: user({ failures: 1, consecutive: 1, lastFailureAt: T0 }), policy: { ...DEFAULTS, failureMemoryMs: 2 * MIN }, expected: 2 * MIN - SEC },
  ])('$name', ({ state, policy, expected }) => {
    expect(ttlOf(deepFreeze(state), policy ?? P, now)).toBe(expected);
  });
});

describe('destinationTtl', () => {
  it.each<{ name: string; state: DestinationState; now: number; policy?: Policy; expected: number }>([
    { name: 'no sends: delete', state: { sends: [] }, now: T0, expected: 0 },
    { name: 'one send just now: one hour', state: { sends: [T0] }, now: T0, expected: HOUR },
    { name: 'the last send decides', state: { sends: [T0 - 30 * MIN, T0 - 10 * MIN] }, now: T0, expected: 50 * MIN },
    { name: '1 ms before the last send leaves', state: { sends: [T0 - HOUR + 1] }, now: T0, expected: 1 },
    { name: 'custom window 10 min', state: { sends: [T0] }, now: T0 + MIN, policy: { ...DEFAULTS, sendWindowMs: 10 * MIN }, expected: 9 * MIN },
  ])('$name', ({ state, now, policy, expected }) => {
    expect(destinationTtl(deepFreeze(state), policy ?? P, now)).toBe(expected);
  });
});

describe('userState (the one builder of a sign-in transition)', () => {
  // Every field set: a field added to UserState fails to type-check here until it is listed,
  // and then fails below until userState copies it.
  const full: Required<UserState> = {
    code: codeRecord(),
    failures: 3,
    consecutive: 2,
    lastFailureAt: T0 - MIN,
    lockedUntil: T0 + MIN,
    hardLocked: true,
    lastSentAt: T0 - SEC,
    sends: [T0 - HOUR / 2, T0 - SEC],
    steps: { f_totp: Math.floor(T0 / 30_000) }, // a step still remembered at T0
    verifiedAt: T0 - DAY,
    backup: { factorId: 'f_backup', hashes: ['h1', 'h2'], used: 1 },
    devices: { generation: 'gen', until: T0 + DAY },
  };

  it('keeps every field it is given, in one object, and leaves out the undefined ones', () => {
    expect(userState(deepFreeze({ ...full }))).toStrictEqual(full);
    expect(Object.keys(userState({ ...full }))).toHaveLength(Object.keys(full).length);
    const bare = userState({ ...full, code: undefined, lastFailureAt: undefined, lockedUntil: undefined, hardLocked: undefined, lastSentAt: undefined, steps: undefined, verifiedAt: undefined, backup: undefined, devices: undefined });
    expect(bare).toStrictEqual({ failures: 3, consecutive: 2, sends: full.sends });
    expect('code' in bare).toBe(false);
  });

  it('age drops only what has aged, through the same builder', () => {
    // A dead code is kept one send window past its expiry (verify still answers `code_expired`).
    const { hardLocked: _kept, ...soft } = full;
    const aged = age(deepFreeze({ ...soft, code: codeRecord({ expiresAt: T0 - P.sendWindowMs }), lockedUntil: T0 - 1 }), P, T0);
    expect(aged.code).toBeUndefined();
    expect(aged.lockedUntil).toBeUndefined();
    expect(aged.backup).toStrictEqual(full.backup);
    expect(aged.devices).toStrictEqual(full.devices);
    expect(aged.steps).toStrictEqual(full.steps);
    expect(aged.failures).toBe(full.failures);
    expect(aged.sends).toStrictEqual(full.sends);
  });
});
