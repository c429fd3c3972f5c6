import { describe, expect, it } from 'vitest';
import { clearFailures, countFailure, type CountedFailure, lockedRefusal, lockOf, unlockState } from '../../src/core/lockout.js';
import type { Failure } from '../../src/core/outcomes.js';
import { DEFAULTS, type Policy } from '../../src/core/policy.js';
import type { UserState } from '../../src/core/state.js';
import { codeRecord, deepFreeze, MIN, SEC, T0, user } from './fixtures.js';

const P: Policy = DEFAULTS;
const LOCK = 20 * MIN;

describe('lockOf and lockedRefusal', () => {
  const until = T0 + LOCK;
  it.each<{ name: string; state: UserState; now: number; lock: { until: number | null } | undefined; refusal: Failure<'locked_out'> | undefined }>([
    { name: 'no lock', state: user(), now: T0, lock: undefined, refusal: undefined },
    { name: 'failures alone do not lock', state: user({ failures: 7, consecutive: 99, lastFailureAt: T0 }), now: T0, lock: undefined, refusal: undefined },
    { name: 'timed lock, just set', state: user({ lockedUntil: until }), now: T0, lock: { until }, refusal: { ok: false, error: 'locked_out', lockedUntil: until, retryAfterMs: LOCK } },
    { name: 'timed lock, 1 ms before it ends', state: user({ lockedUntil: until }), now: until - 1, lock: { until }, refusal: { ok: false, error: 'locked_out', lockedUntil: until, retryAfterMs: 1 } },
    { name: 'timed lock, at exactly lockedUntil', state: user({ lockedUntil: until }), now: until, lock: undefined, refusal: undefined },
    { name: 'timed lock, after it ended', state: user({ lockedUntil: until }), now: until + 1, lock: undefined, refusal: undefined },
    { name: 'admin-only lock', state: user({ hardLocked: true, consecutive: 100 }), now: T0, lock: { until: null }, refusal: { ok: false, error: 'locked_out', lockedUntil: null } },
    { name: 'admin-only lock beside an ended timed lock', state: user({ hardLocked: true, lockedUntil: T0 - 1 }), now: T0, lock: { until: null }, refusal: { ok: false, error: 'locked_out', lockedUntil: null } },
    { name: 'admin-only lock beside a running timed lock', state: user({ hardLocked: true, lockedUntil: until }), now: T0, lock: { until: null }, refusal: { ok: false, error: 'locked_out', lockedUntil: null } },
  ])('$name', ({ state, now, lock, refusal }) => {
    deepFreeze(state);
    expect(lockOf(state, now)).toStrictEqual(lock);
    expect(lockedRefusal(state, now)).toStrictEqual(refusal);
  });
});

describe('countFailure', () => {
  const now = T0 + SEC;
  const others = { code: codeRecord({ tries: 2 }), lastSentAt: T0, sends: [T0 - MIN, T0] };
  it.each<{ name: string; state: UserState; policy?: Policy; expected: CountedFailure }>([
    {
      name: 'first failure: 7 left',
      state: user(),
      expected: { state: user({ failures: 1, consecutive: 1, lastFailureAt: now }), failuresLeft: 7 },
    },
    {
      name: '7th failure: 1 left; code, cooldown and sends untouched',
      state: user({ ...others, failures: 6, consecutive: 6, lastFailureAt: T0 }),
      expected: { state: user({ ...others, failures: 7, consecutive: 7, lastFailureAt: now }), failuresLeft: 1 },
    },
    {
      name: '8th failure: 20-min lock, the timed count restarts, the consecutive one goes on',
      state: user({ ...others, failures: 7, consecutive: 7, lastFailureAt: T0 }),
      expected: { state: user({ ...others, failures: 0, consecutive: 8, lastFailureAt: now, lockedUntil: now + LOCK }), lockedUntil: now + LOCK },
    },
    {
      name: '8th failure after an earlier lock (consecutive 15 → 16)',
      state: user({ failures: 7, consecutive: 15, lastFailureAt: T0 }),
      expected: { state: user({ failures: 0, consecutive: 16, lastFailureAt: now, lockedUntil: now + LOCK }), lockedUntil: now + LOCK },
    },
    {
      name: '99th consecutive: no admin-only lock',
      state: user({ failures: 2, consecutive: 98, lastFailureAt: T0 }),
      expected: { state: user({ failures: 3, consecutive: 99, lastFailureAt: now }), failuresLeft: 5 },
    },
    {
      name: '100th consecutive: admin-only lock',
      state: user({ failures: 3, consecutive: 99, lastFailureAt: T0 }),
      expected: { state: user({ failures: 0, consecutive: 100, lastFailureAt: now, hardLocked: true }), lockedUntil: null },
    },
    {
      name: '100th consecutive on the 8th: admin-only lock, no timed lock',
      state: user({ ...others, failures: 7, consecutive: 99, lastFailureAt: T0 }),
      expected: { state: user({ ...others, failures: 0, consecutive: 100, lastFailureAt: now, hardLocked: true }), lockedUntil: null },
    },
    {
      name: 'custom policy: 3 failures lock for 5 s',
      state: user({ failures: 2, consecutive: 2, lastFailureAt: T0 }),
      policy: { ...DEFAULTS, maxFailures: 3, lockMs: 5 * SEC },
      expected: { state: user({ failures: 0, consecutive: 3, lastFailureAt: now, lockedUntil: now + 5 * SEC }), lockedUntil: now + 5 * SEC },
    },
    {
      name: 'custom policy: ceiling 5 reached at the 5th',
      state: user({ failures: 1, consecutive: 4, lastFailureAt: T0 }),
      policy: { ...DEFAULTS, maxFailures: 3, hardLimit: 5 },
      expected: { state: user({ failures: 0, consecutive: 5, lastFailureAt: now, hardLocked: true }), lockedUntil: null },
    },
  ])('$name', ({ state, policy, expected }) => {
    expect(countFailure(deepFreeze(state), policy ?? P, now)).toStrictEqual(expected);
  });
});

describe('clearFailures (sign-in success) and unlockState (admin unlock)', () => {
  const kept = { code: codeRecord({ tries: 2, dead: true }), lastSentAt: T0, sends: [T0 - MIN, T0] };
  it.each<{ name: string; state: UserState; cleared: UserState; unlocked: UserState }>([
    { name: 'nothing to clear', state: user(), cleared: user(), unlocked: user() },
    {
      name: 'counts cleared; code, cooldown and budget kept',
      state: user({ ...kept, failures: 5, consecutive: 21, lastFailureAt: T0 }),
      cleared: user(kept),
      unlocked: user(kept),
    },
    {
      name: 'timed lock: only unlock lifts it',
      state: user({ ...kept, failures: 0, consecutive: 8, lastFailureAt: T0, lockedUntil: T0 + LOCK }),
      cleared: user({ ...kept, lockedUntil: T0 + LOCK }),
      unlocked: user(kept),
    },
    {
      name: 'admin-only lock: only unlock lifts it',
      state: user({ ...kept, failures: 0, consecutive: 100, lastFailureAt: T0, hardLocked: true, lockedUntil: T0 - 1 }),
      cleared: user({ ...kept, hardLocked: true, lockedUntil: T0 - 1 }),
      unlocked: user(kept),
    },
  ])('$name', ({ state, cleared, unlocked }) => {
    deepFreeze(state);
    expect(clearFailures(state)).toStrictEqual(cleared);
    expect(unlockState(state)).toStrictEqual(unlocked);
    expect(lockOf(unlockState(state), T0)).toBeUndefined();
  });
});
