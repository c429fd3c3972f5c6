import { describe, expect, it } from 'vitest';
import { decideVerify, isWellFormed, type VerifyDecision } from '../../src/core/codes.js';
import { DEFAULTS, type Policy } from '../../src/core/policy.js';
import type { UserState } from '../../src/core/state.js';
import type { Purpose } from '../../src/core/types.js';
import { codeRecord, DAY, deepFreeze, hashOf, HOUR, matches, MIN, RIGHT, SEC, T0, user } from './fixtures.js';

const P: Policy = DEFAULTS;
const TTL = 10 * MIN;
const LOCK = 20 * MIN;
const WRONG = '654321';

describe('isWellFormed', () => {
  it.each<[string, string, number, boolean]>([
    ['six digits', '123456', 6, true],
    ['leading zeros kept', '000123', 6, true],
    ['all zeros', '000000', 6, true],
    ['all nines', '999999', 6, true],
    ['one digit short', '12345', 6, false],
    ['one digit long', '1234567', 6, false],
    ['empty', '', 6, false],
    ['a letter', '12345a', 6, false],
    ['the character before 0 (/)', '12345/', 6, false],
    ['the character after 9 (:)', '12345:', 6, false],
    ['a leading space (not trimmed here)', ' 12345', 6, false],
    ['a trailing space (not trimmed here)', '12345 ', 6, false],
    ['an inner space', '123 456', 6, false],
    ['a sign', '-12345', 6, false],
    ['a decimal point', '1234.5', 6, false],
    ['fullwidth digits', '１２３４５６', 6, false],
    ['Arabic-Indic digits', '١٢٣٤٥٦', 6, false],
    ['custom length 4', '0042', 4, true],
    ['custom length 4, six digits', '123456', 4, false],
    ['custom length 10', '0123456789', 10, true],
  ])('%s: %j at length %i → %s', (_name, code, length, expected) => {
    expect(isWellFormed(code, length)).toBe(expected);
  });
});

/** A user who was sent the sign-in code `codeRecord()` at T0. */
const sent = (over: Partial<UserState> = {}): UserState => user({ code: codeRecord(), lastSentAt: T0, sends: [T0], ...over });

interface Row {
  readonly name: string;
  readonly state: UserState;
  readonly now: number;
  readonly code?: string;
  readonly purpose?: Purpose;
  readonly policy?: Policy;
  readonly expected: VerifyDecision;
}

function run(row: Row): VerifyDecision {
  const state = deepFreeze(row.state);
  return decideVerify(state, { purpose: row.purpose ?? 'sign_in', code: row.code ?? RIGHT, matches }, row.policy ?? P, row.now);
}

describe('decideVerify: refusals that change nothing', () => {
  const hardLocked = sent({ consecutive: 100, lastFailureAt: T0 - SEC, hardLocked: true });
  const enrollCode = codeRecord({ purpose: 'enroll' });
  const rows: Row[] = [
    { name: 'malformed: five digits', state: sent(), now: T0 + SEC, code: '12345', expected: { outcome: { ok: false, error: 'malformed_code' } } },
    { name: 'malformed: a letter', state: sent(), now: T0 + SEC, code: '12345x', expected: { outcome: { ok: false, error: 'malformed_code' } } },
    { name: 'malformed: inner space', state: sent(), now: T0 + SEC, code: '123 45', expected: { outcome: { ok: false, error: 'malformed_code' } } },
    { name: 'malformed on the last try and the 8th failure counts nothing', state: sent({ code: codeRecord({ tries: 3 }), failures: 7, consecutive: 7, lastFailureAt: T0 }), now: T0 + SEC, code: '1234567', expected: { outcome: { ok: false, error: 'malformed_code' } } },
    { name: 'malformed before no pending code', state: user(), now: T0, code: 'abc', expected: { outcome: { ok: false, error: 'malformed_code' } } },
    { name: 'no pending code (no state at all)', state: user(), now: T0, expected: { outcome: { ok: false, error: 'no_pending_code' } } },
    { name: 'no pending code, wrong entry is not counted', state: user({ failures: 7, consecutive: 7, lastFailureAt: T0 }), now: T0 + SEC, code: WRONG, expected: { outcome: { ok: false, error: 'no_pending_code' } } },
    { name: 'wrong purpose: the right enrollment code at sign-in', state: sent({ code: enrollCode }), now: T0 + SEC, purpose: 'sign_in', expected: { outcome: { ok: false, error: 'no_pending_code' } } },
    { name: 'wrong purpose: the right sign-in code at enrollment', state: sent(), now: T0 + SEC, purpose: 'enroll', expected: { outcome: { ok: false, error: 'no_pending_code' } } },
    { name: 'wrong purpose, wrong code: not counted', state: sent({ code: enrollCode }), now: T0 + SEC, code: WRONG, purpose: 'sign_in', expected: { outcome: { ok: false, error: 'no_pending_code' } } },
    { name: 'dead code, right value', state: sent({ code: codeRecord({ tries: 4, dead: true }) }), now: T0 + SEC, expected: { outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0 } } },
    { name: 'dead code, wrong value: not counted', state: sent({ code: codeRecord({ tries: 4, dead: true }), failures: 4, consecutive: 4, lastFailureAt: T0 }), now: T0 + SEC, code: WRONG, expected: { outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0 } } },
    { name: 'dead and expired: exhausted wins', state: sent({ code: codeRecord({ tries: 4, dead: true }) }), now: T0 + TTL, expected: { outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0 } } },
    { name: 'expired at exactly 600 000 ms, right value', state: sent(), now: T0 + TTL, expected: { outcome: { ok: false, error: 'code_expired' } } },
    { name: 'expired, wrong value: not counted', state: sent({ failures: 7, consecutive: 7, lastFailureAt: T0 }), now: T0 + TTL, code: WRONG, expected: { outcome: { ok: false, error: 'code_expired' } } },
    { name: 'expired code still known 1 ms before one send window past expiry', state: sent(), now: T0 + TTL + HOUR - 1, expected: { outcome: { ok: false, error: 'code_expired' } } },
    { name: 'expired code forgotten one send window past expiry', state: sent(), now: T0 + TTL + HOUR, expected: { outcome: { ok: false, error: 'no_pending_code' } } },
    { name: 'timed lock, 1 ms before it ends, right value', state: sent({ lockedUntil: T0 + 5 * MIN, consecutive: 8, lastFailureAt: T0 - 15 * MIN }), now: T0 + 5 * MIN - 1, expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: T0 + 5 * MIN, retryAfterMs: 1 } } },
    { name: 'timed lock, malformed entry: the lock is said first', state: sent({ lockedUntil: T0 + 5 * MIN }), now: T0 + SEC, code: 'x', expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: T0 + 5 * MIN, retryAfterMs: 5 * MIN - SEC } } },
    { name: 'timed lock, no code: the lock is said first', state: user({ lockedUntil: T0 + LOCK }), now: T0, expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: T0 + LOCK, retryAfterMs: LOCK } } },
    { name: 'lock ends at exactly lockedUntil; the code it killed stays dead', state: sent({ code: codeRecord({ tries: 2, dead: true }), lockedUntil: T0 + 5 * MIN, consecutive: 8, lastFailureAt: T0 - 15 * MIN }), now: T0 + 5 * MIN, expected: { outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0 } } },
    { name: 'admin-only lock, right value', state: hardLocked, now: T0 + SEC, expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: null } } },
    { name: 'admin-only lock outlives failure memory and lockedUntil', state: { ...hardLocked, lockedUntil: T0 }, now: T0 + 2 * DAY, expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: null } } },
    { name: 'custom length 4: six digits are malformed', state: sent(), now: T0 + SEC, policy: { ...DEFAULTS, codeLength: 4 }, expected: { outcome: { ok: false, error: 'malformed_code' } } },
    { name: 'custom ttl 1 min: expired at 60 000 ms', state: sent({ code: codeRecord({ expiresAt: T0 + MIN }) }), now: T0 + MIN, policy: { ...DEFAULTS, codeTtlMs: MIN }, expected: { outcome: { ok: false, error: 'code_expired' } } },
  ];

  it.each(rows)('$name', (row) => {
    expect(run(row)).toStrictEqual(row.expected);
  });
});

describe('decideVerify: the right code', () => {
  const verified = { ok: true, factorId: 'f_sms', channel: 'sms', purpose: 'sign_in' } as const;
  const rows: Row[] = [
    {
      name: 'at issue time: consumes the code and ends the cooldown; the budget still counts',
      state: sent(),
      now: T0,
      expected: { state: user({ sends: [T0] }), outcome: verified },
    },
    {
      name: '1 ms before expiry (599 999 ms)',
      state: sent(),
      now: T0 + TTL - 1,
      expected: { state: user({ sends: [T0] }), outcome: verified },
    },
    {
      name: 'on the last try, with 7 failures: resets both counts',
      state: sent({ code: codeRecord({ tries: 3 }), failures: 7, consecutive: 99, lastFailureAt: T0 + 5 * SEC }),
      now: T0 + 10 * SEC,
      expected: { state: user({ sends: [T0] }), outcome: verified },
    },
    {
      name: 'right after a lock ended (at exactly lockedUntil)',
      state: sent({ code: codeRecord({ issuedAt: T0 + LOCK }), lastSentAt: T0 + LOCK, sends: [T0, T0 + LOCK], lockedUntil: T0 + LOCK, consecutive: 8, lastFailureAt: T0 }),
      now: T0 + LOCK,
      expected: { state: user({ sends: [T0, T0 + LOCK] }), outcome: verified },
    },
    {
      name: 'an enrollment code completes an enrollment (voice factor)',
      state: sent({ code: codeRecord({ purpose: 'enroll', factorId: 'f_voice', channel: 'voice' }) }),
      now: T0 + MIN,
      purpose: 'enroll',
      expected: { state: user({ sends: [T0] }), outcome: { ok: true, factorId: 'f_voice', channel: 'voice', purpose: 'enroll' } },
    },
    {
      name: 'a confirmed enrollment leaves the sign-in failure counts (only a sign-in success or an unlock clears them)',
      state: sent({ code: codeRecord({ purpose: 'enroll' }), failures: 7, consecutive: 99, lastFailureAt: T0 + 5 * SEC }),
      now: T0 + 10 * SEC,
      purpose: 'enroll',
      expected: { state: user({ sends: [T0], failures: 7, consecutive: 99, lastFailureAt: T0 + 5 * SEC }), outcome: { ok: true, factorId: 'f_sms', channel: 'sms', purpose: 'enroll' } },
    },
    {
      name: 'ages the rest of the record: old sends dropped',
      state: sent({ code: codeRecord({ issuedAt: T0 + HOUR }), lastSentAt: T0 + HOUR, sends: [T0, T0 + 1, T0 + HOUR] }),
      now: T0 + HOUR + 1,
      expected: { state: user({ sends: [T0 + HOUR] }), outcome: verified },
    },
    {
      name: 'custom length 4 and ttl 1 min, 1 ms before expiry',
      state: sent({ code: { ...codeRecord({ expiresAt: T0 + MIN }), hash: hashOf('ch_1', 'sign_in', '0042') } }),
      now: T0 + MIN - 1,
      code: '0042',
      policy: { ...DEFAULTS, codeLength: 4, codeTtlMs: MIN },
      expected: { state: user({ sends: [T0] }), outcome: verified },
    },
  ];

  it.each(rows)('$name', (row) => {
    expect(run(row)).toStrictEqual(row.expected);
  });
});

describe('decideVerify: a wrong entry', () => {
  const now = T0 + SEC;
  const rows: Row[] = [
    {
      name: '1st wrong entry: 3 tries and 7 failures left',
      state: sent(),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 1 }), failures: 1, consecutive: 1, lastFailureAt: now }),
        outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 7 },
      },
    },
    {
      name: '3rd wrong entry: 1 try left',
      state: sent({ code: codeRecord({ tries: 2 }), failures: 2, consecutive: 2, lastFailureAt: T0 + 500 }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 3 }), failures: 3, consecutive: 3, lastFailureAt: now }),
        outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 1, failuresLeft: 5 },
      },
    },
    {
      name: '4th wrong entry kills the code',
      state: sent({ code: codeRecord({ tries: 3 }), failures: 3, consecutive: 3, lastFailureAt: T0 + 500 }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 4, dead: true }), failures: 4, consecutive: 4, lastFailureAt: now }),
        outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0, failuresLeft: 4 },
        effect: 'exhausted',
      },
    },
    {
      name: 'a new code has its own 4 tries (4 failures already counted)',
      state: sent({ failures: 4, consecutive: 4, lastFailureAt: T0 - MIN }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 1 }), failures: 5, consecutive: 5, lastFailureAt: now }),
        outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 3 },
      },
    },
    {
      name: '1 ms before expiry it counts (cooldown long over, so lastSentAt is aged out)',
      state: sent(),
      now: T0 + TTL - 1,
      code: WRONG,
      expected: {
        state: user({ code: codeRecord({ tries: 1 }), sends: [T0], failures: 1, consecutive: 1, lastFailureAt: T0 + TTL - 1 }),
        outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 7 },
      },
    },
    {
      name: 'the enrollment code, wrong: counts like any entry',
      state: sent({ code: codeRecord({ purpose: 'enroll' }) }),
      now,
      code: WRONG,
      purpose: 'enroll',
      expected: {
        state: sent({ code: codeRecord({ purpose: 'enroll', tries: 1 }), failures: 1, consecutive: 1, lastFailureAt: now }),
        outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 7 },
      },
    },
    {
      name: '8th wrong entry locks for 20 min and kills the code',
      state: sent({ code: codeRecord({ tries: 1 }), failures: 7, consecutive: 7, lastFailureAt: T0 }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 2, dead: true }), failures: 0, consecutive: 8, lastFailureAt: now, lockedUntil: now + LOCK }),
        outcome: { ok: false, error: 'locked_out', lockedUntil: now + LOCK, retryAfterMs: LOCK },
        effect: 'locked',
      },
    },
    {
      name: '8th wrong entry on the code\'s last try: the lock is said, not exhaustion',
      state: sent({ code: codeRecord({ tries: 3 }), failures: 7, consecutive: 7, lastFailureAt: T0 }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 4, dead: true }), failures: 0, consecutive: 8, lastFailureAt: now, lockedUntil: now + LOCK }),
        outcome: { ok: false, error: 'locked_out', lockedUntil: now + LOCK, retryAfterMs: LOCK },
        effect: 'locked',
      },
    },
    {
      name: 'after a lock ended, the user has 8 entries again (the consecutive count goes on)',
      state: sent({ lockedUntil: T0, consecutive: 8, lastFailureAt: T0 - LOCK }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 1 }), failures: 1, consecutive: 9, lastFailureAt: now }),
        outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 7 },
      },
    },
    {
      name: '99th consecutive wrong entry: no admin-only lock yet',
      state: sent({ failures: 2, consecutive: 98, lastFailureAt: T0 }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 1 }), failures: 3, consecutive: 99, lastFailureAt: now }),
        outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 5 },
      },
    },
    {
      name: '100th consecutive wrong entry: locked until an admin unlocks',
      state: sent({ failures: 3, consecutive: 99, lastFailureAt: T0 }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 1, dead: true }), failures: 0, consecutive: 100, lastFailureAt: now, hardLocked: true }),
        outcome: { ok: false, error: 'locked_out', lockedUntil: null },
        effect: 'locked',
      },
    },
    {
      name: '100th consecutive that is also the 8th: the admin-only lock wins',
      state: sent({ failures: 7, consecutive: 99, lastFailureAt: T0 }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 1, dead: true }), failures: 0, consecutive: 100, lastFailureAt: now, hardLocked: true }),
        outcome: { ok: false, error: 'locked_out', lockedUntil: null },
        effect: 'locked',
      },
    },
    {
      name: 'failures remembered 1 ms before 24 h: the 8th locks',
      state: sent({ failures: 7, consecutive: 7, lastFailureAt: now - DAY + 1 }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 1, dead: true }), failures: 0, consecutive: 8, lastFailureAt: now, lockedUntil: now + LOCK }),
        outcome: { ok: false, error: 'locked_out', lockedUntil: now + LOCK, retryAfterMs: LOCK },
        effect: 'locked',
      },
    },
    {
      name: 'failures forgotten at exactly 24 h: counts as the first',
      state: sent({ failures: 7, consecutive: 99, lastFailureAt: now - DAY }),
      now,
      code: WRONG,
      expected: {
        state: sent({ code: codeRecord({ tries: 1 }), failures: 1, consecutive: 1, lastFailureAt: now }),
        outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 7 },
      },
    },
    {
      name: 'custom policy (2 tries, 3 failures): the 2nd wrong entry kills the code',
      state: sent({ code: codeRecord({ tries: 1 }), failures: 1, consecutive: 1, lastFailureAt: T0 }),
      now,
      code: WRONG,
      policy: { ...DEFAULTS, maxTries: 2, maxFailures: 3 },
      expected: {
        state: sent({ code: codeRecord({ tries: 2, dead: true }), failures: 2, consecutive: 2, lastFailureAt: now }),
        outcome: { ok: false, error: 'code_exhausted', attemptsLeft: 0, failuresLeft: 1 },
        effect: 'exhausted',
      },
    },
    {
      name: 'custom policy (3 failures, 5 s lock, ceiling 5): the 3rd locks for 5 s',
      state: sent({ failures: 2, consecutive: 2, lastFailureAt: T0 }),
      now,
      code: WRONG,
      policy: { ...DEFAULTS, maxFailures: 3, lockMs: 5 * SEC, hardLimit: 5 },
      expected: {
        state: sent({ code: codeRecord({ tries: 1, dead: true }), failures: 0, consecutive: 3, lastFailureAt: now, lockedUntil: now + 5 * SEC }),
        outcome: { ok: false, error: 'locked_out', lockedUntil: now + 5 * SEC, retryAfterMs: 5 * SEC },
        effect: 'locked',
      },
    },
  ];

  it.each(rows)('$name', (row) => {
    expect(run(row)).toStrictEqual(row.expected);
  });
});
