import { describe, expect, it } from 'vitest';
import { DEFAULTS, type Policy } from '../../src/core/policy.js';
import type { UserState } from '../../src/core/state.js';
import { statusOf } from '../../src/core/status.js';
import { codeRecord, DAY, deepFreeze, HOUR, MIN, SEC, T0, user } from './fixtures.js';

const P: Policy = DEFAULTS;
const TTL = 10 * MIN;
const LOCK = 20 * MIN;
const COOLDOWN = 30 * SEC;

/** The expected status; `nextSendInMs` is derived from `nextSendAt` in the check. */
type Status = Omit<ReturnType<typeof statusOf>, 'nextSendInMs'>;
/** The status of a user with nothing: no lock, no counts, no code, full budget. */
const clean: Status = { locked: false, failures: 0, failuresLeft: 8, consecutiveFailures: 0, sendsLeft: 10 };
const pending = (state: 'live' | 'exhausted' | 'expired', attemptsLeft: number) =>
  ({ purpose: 'sign_in', factorId: 'f_sms', expiresAt: T0 + TTL, attemptsLeft, state }) as const;
const sent = (over: Partial<UserState> = {}): UserState => user({ code: codeRecord(), lastSentAt: T0, sends: [T0], ...over });
const tenSends = Array.from({ length: 10 }, (_, i) => T0 + i * 5 * MIN);

describe('statusOf', () => {
  it.each<{ name: string; state: UserState; now: number; policy?: Policy; expected: Status }>([
    { name: 'nothing', state: user(), now: T0, expected: clean },
    // the code and the cooldown
    { name: 'just sent: live code, next send in 30 s', state: sent(), now: T0, expected: { ...clean, pending: pending('live', 4), nextSendAt: T0 + COOLDOWN, sendsLeft: 9 } },
    { name: 'cooldown 1 ms before it ends', state: sent(), now: T0 + COOLDOWN - 1, expected: { ...clean, pending: pending('live', 4), nextSendAt: T0 + COOLDOWN, sendsLeft: 9 } },
    { name: 'cooldown over at 30 000 ms', state: sent(), now: T0 + COOLDOWN, expected: { ...clean, pending: pending('live', 4), sendsLeft: 9 } },
    { name: 'two wrong entries', state: sent({ code: codeRecord({ tries: 2 }), failures: 2, consecutive: 2, lastFailureAt: T0 + MIN }), now: T0 + MIN, expected: { ...clean, failures: 2, failuresLeft: 6, consecutiveFailures: 2, pending: pending('live', 2), sendsLeft: 9 } },
    { name: 'code live 1 ms before expiry', state: sent(), now: T0 + TTL - 1, expected: { ...clean, pending: pending('live', 4), sendsLeft: 9 } },
    { name: 'code expired at 600 000 ms', state: sent({ code: codeRecord({ tries: 1 }) }), now: T0 + TTL, expected: { ...clean, pending: pending('expired', 3), sendsLeft: 9 } },
    { name: 'code dead: exhausted, not expired', state: sent({ code: codeRecord({ tries: 4, dead: true }), failures: 4, consecutive: 4, lastFailureAt: T0 + MIN }), now: T0 + TTL, expected: { ...clean, failures: 4, failuresLeft: 4, consecutiveFailures: 4, pending: pending('exhausted', 0), sendsLeft: 9 } },
    { name: 'expired code still shown 1 ms before one window past expiry', state: sent(), now: T0 + TTL + HOUR - 1, expected: { ...clean, pending: pending('expired', 4) } },
    { name: 'expired code gone one window past expiry', state: sent(), now: T0 + TTL + HOUR, expected: clean },
    // locks
    { name: 'timed lock: next send when it ends', state: sent({ code: codeRecord({ tries: 2, dead: true }), lockedUntil: T0 + LOCK, consecutive: 8, lastFailureAt: T0 }), now: T0 + SEC, expected: { ...clean, locked: true, lockedUntil: T0 + LOCK, consecutiveFailures: 8, pending: pending('exhausted', 0), nextSendAt: T0 + LOCK, sendsLeft: 9 } },
    { name: 'timed lock 1 ms before it ends', state: user({ lockedUntil: T0 + LOCK, consecutive: 8, lastFailureAt: T0 }), now: T0 + LOCK - 1, expected: { ...clean, locked: true, lockedUntil: T0 + LOCK, consecutiveFailures: 8, nextSendAt: T0 + LOCK } },
    { name: 'timed lock over at lockedUntil', state: user({ lockedUntil: T0 + LOCK, consecutive: 8, lastFailureAt: T0 }), now: T0 + LOCK, expected: { ...clean, consecutiveFailures: 8 } },
    { name: 'admin-only lock', state: user({ hardLocked: true, consecutive: 100, lastFailureAt: T0 }), now: T0 + 2 * DAY, expected: { ...clean, locked: true, lockedUntil: null, consecutiveFailures: 100 } },
    // failure memory
    { name: 'failures remembered 1 ms before 24 h', state: user({ failures: 5, consecutive: 13, lastFailureAt: T0 }), now: T0 + DAY - 1, expected: { ...clean, failures: 5, failuresLeft: 3, consecutiveFailures: 13 } },
    { name: 'failures forgotten at 24 h', state: user({ failures: 5, consecutive: 13, lastFailureAt: T0 }), now: T0 + DAY, expected: clean },
    // the send budget
    { name: 'budget used: next send when the oldest leaves the hour', state: user({ sends: tenSends, lastSentAt: T0 + 45 * MIN }), now: T0 + 45 * MIN + SEC, expected: { ...clean, nextSendAt: T0 + HOUR, sendsLeft: 0 } },
    { name: 'budget used, 1 ms before the oldest leaves', state: user({ sends: tenSends }), now: T0 + HOUR - 1, expected: { ...clean, nextSendAt: T0 + HOUR, sendsLeft: 0 } },
    { name: 'budget: the oldest left at exactly one hour', state: user({ sends: tenSends }), now: T0 + HOUR, expected: { ...clean, sendsLeft: 1 } },
    { name: 'lock, cooldown and budget: the latest wins', state: user({ sends: tenSends, lastSentAt: T0 + 45 * MIN, lockedUntil: T0 + 45 * MIN + 2 * HOUR, consecutive: 8, lastFailureAt: T0 + 45 * MIN }), now: T0 + 45 * MIN + SEC, expected: { ...clean, locked: true, lockedUntil: T0 + 45 * MIN + 2 * HOUR, consecutiveFailures: 8, nextSendAt: T0 + 45 * MIN + 2 * HOUR, sendsLeft: 0 } },
    { name: 'custom policy: 3 sends, 4 failures, 2 tries', state: sent({ code: codeRecord({ tries: 1 }), sends: [T0 - 2 * MIN, T0], failures: 1, consecutive: 1, lastFailureAt: T0 }), now: T0 + SEC, policy: { ...DEFAULTS, sendsPerUser: 3, maxFailures: 4, maxTries: 2 }, expected: { locked: false, failures: 1, failuresLeft: 3, consecutiveFailures: 1, pending: pending('live', 1), nextSendAt: T0 + COOLDOWN, sendsLeft: 1 } },
  ])('$name', ({ state, now, policy, expected }) => {
    const nextSendInMs = expected.nextSendAt === undefined ? 0 : expected.nextSendAt - now;
    expect(statusOf(deepFreeze(state), policy ?? P, now)).toStrictEqual({ ...expected, nextSendInMs });
  });

  // The cooldown holds back a send of the pending code's purpose only.
  it.each<{ name: string; purpose?: 'sign_in' | 'enroll'; code: 'sign_in' | 'enroll'; nextSendInMs: number }>([
    { name: 'sign-in code, asked for sign-in', purpose: 'sign_in', code: 'sign_in', nextSendInMs: COOLDOWN - SEC },
    { name: 'sign-in code, asked for enrollment', purpose: 'enroll', code: 'sign_in', nextSendInMs: 0 },
    { name: 'enrollment code, asked for sign-in', purpose: 'sign_in', code: 'enroll', nextSendInMs: 0 },
    { name: 'enrollment code, no purpose named: its own', code: 'enroll', nextSendInMs: COOLDOWN - SEC },
  ])('nextSendInMs: $name', ({ purpose, code, nextSendInMs }) => {
    const s = statusOf(deepFreeze(sent({ code: codeRecord({ purpose: code }) })), P, T0 + SEC, purpose);
    expect(s.nextSendInMs).toBe(nextSendInMs);
    expect(s.nextSendAt).toBe(nextSendInMs === 0 ? undefined : T0 + COOLDOWN);
  });
});
