import { describe, expect, it } from 'vitest';
import type { Channels } from '../../src/core/choice.js';
import { DEFAULTS, type Policy } from '../../src/core/policy.js';
import {
  decideDestination,
  decideIssue,
  type IssueCommand,
  type Issued,
  releaseIssue,
  resendTarget,
} from '../../src/core/sending.js';
import type { CodeRecord, DestinationState, UserState } from '../../src/core/state.js';
import type { Channel, Factor, Purpose } from '../../src/core/types.js';
import { codeRecord, deepFreeze, HOUR, MIN, SEC, T0, user } from './fixtures.js';

const P: Policy = DEFAULTS;
const COOLDOWN = 30 * SEC;
const LOCK = 20 * MIN;

const command = (purpose: Purpose): IssueCommand => ({ codeId: 'ch_new', hash: 'hash_new', purpose, factorId: 'f_sms', channel: 'sms' });

/** The record `decideIssue` makes of `cmd` at `now`. */
const issuedCode = (now: number, ttl = 10 * MIN, purpose: Purpose = 'sign_in'): CodeRecord => ({
  id: 'ch_new',
  purpose,
  factorId: 'f_sms',
  channel: 'sms',
  hash: 'hash_new',
  issuedAt: now,
  expiresAt: now + ttl,
  tries: 0,
});

/** `n` send times starting at `from`, `step` apart. */
const times = (n: number, from: number, step: number): number[] => Array.from({ length: n }, (_, i) => from + i * step);

type IssueDecision = ReturnType<typeof decideIssue>;

function issue(state: UserState, now: number, policy: Policy = P, purpose: Purpose = 'sign_in'): IssueDecision {
  return decideIssue(deepFreeze(state), command(purpose), policy, now);
}

function mustIssue(state: UserState, now: number, policy: Policy = P): { state: UserState; issued: Issued } {
  const d = issue(state, now, policy);
  if (!d.outcome.ok || !d.state) throw new Error(`expected an issue, got ${JSON.stringify(d.outcome)}`);
  return { state: d.state, issued: d.outcome };
}

describe('decideIssue: refused, nothing changes', () => {
  const full = times(10, T0, 5 * MIN); // T0 … T0 + 45 min
  it.each<{ name: string; state: UserState; now: number; policy?: Policy; purpose?: Purpose; expected: IssueDecision }>([
    { name: 'timed lock, 1 ms before it ends', state: user({ lockedUntil: T0 + LOCK, consecutive: 8 }), now: T0 + LOCK - 1, expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: T0 + LOCK, retryAfterMs: 1 } } },
    { name: 'admin-only lock', state: user({ hardLocked: true, consecutive: 100 }), now: T0, expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: null } } },
    { name: 'lock is said before the cooldown', state: user({ lockedUntil: T0 + LOCK, lastSentAt: T0, sends: [T0] }), now: T0 + 1, expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: T0 + LOCK, retryAfterMs: LOCK - 1 } } },
    { name: 'cooldown, 1 ms after the send', state: user({ code: codeRecord(), lastSentAt: T0, sends: [T0] }), now: T0 + 1, expected: { outcome: { ok: false, error: 'resend_cooldown', retryAfterMs: COOLDOWN - 1 } } },
    { name: 'cooldown, at 29 999 ms', state: user({ code: codeRecord(), lastSentAt: T0, sends: [T0] }), now: T0 + COOLDOWN - 1, expected: { outcome: { ok: false, error: 'resend_cooldown', retryAfterMs: 1 } } },
    { name: 'cooldown of an enrollment code holds back an enrollment', state: user({ code: codeRecord({ purpose: 'enroll' }), lastSentAt: T0, sends: [T0] }), now: T0 + COOLDOWN - 1, purpose: 'enroll', expected: { outcome: { ok: false, error: 'resend_cooldown', retryAfterMs: 1 } } },
    { name: 'cooldown with no code left (purpose unknown) holds back', state: user({ lastSentAt: T0, sends: [T0] }), now: T0 + COOLDOWN - 1, expected: { outcome: { ok: false, error: 'resend_cooldown', retryAfterMs: 1 } } },
    { name: 'budget is shared by both purposes', state: user({ code: codeRecord({ purpose: 'enroll', issuedAt: T0 + 45 * MIN }), sends: times(10, T0, 5 * MIN), lastSentAt: T0 + 45 * MIN }), now: T0 + 45 * MIN + 1, expected: { outcome: { ok: false, error: 'send_limit_reached', scope: 'user', retryAfterMs: 15 * MIN - 1 } } },
    { name: 'cooldown even when the code is dead', state: user({ code: codeRecord({ tries: 4, dead: true }), lastSentAt: T0, sends: [T0] }), now: T0 + 10 * SEC, expected: { outcome: { ok: false, error: 'resend_cooldown', retryAfterMs: 20 * SEC } } },
    { name: 'user budget: 10 sends, the oldest 1 ms inside the hour', state: user({ sends: full, lastSentAt: T0 + 45 * MIN }), now: T0 + HOUR - 1, expected: { outcome: { ok: false, error: 'send_limit_reached', scope: 'user', retryAfterMs: 1 } } },
    { name: 'user budget: retry when the oldest leaves the hour', state: user({ sends: full }), now: T0 + 50 * MIN, expected: { outcome: { ok: false, error: 'send_limit_reached', scope: 'user', retryAfterMs: 10 * MIN } } },
    { name: 'cooldown is said before the budget', state: user({ sends: [...times(9, T0, MIN), T0 + 50 * MIN], lastSentAt: T0 + 50 * MIN }), now: T0 + 50 * MIN + 5 * SEC, expected: { outcome: { ok: false, error: 'resend_cooldown', retryAfterMs: 25 * SEC } } },
    { name: 'custom policy: 2 sends per user', state: user({ sends: [T0, T0 + MIN] }), now: T0 + 2 * MIN, policy: { ...DEFAULTS, sendsPerUser: 2 }, expected: { outcome: { ok: false, error: 'send_limit_reached', scope: 'user', retryAfterMs: HOUR - 2 * MIN } } },
  ])('$name', ({ state, now, policy, purpose, expected }) => {
    expect(issue(state, now, policy, purpose)).toStrictEqual(expected);
  });
});

describe('decideIssue: allowed', () => {
  const old = codeRecord({ tries: 2 });
  it.each<{ name: string; state: UserState; now: number; policy?: Policy; purpose?: Purpose; expected: IssueDecision }>([
    {
      name: 'first send',
      state: user(),
      now: T0,
      expected: {
        state: user({ code: issuedCode(T0), lastSentAt: T0, sends: [T0] }),
        outcome: { ok: true, code: issuedCode(T0), previousCode: undefined, previousLastSentAt: undefined },
      },
    },
    {
      name: 'resend at exactly 30 000 ms: replaces the live code, keeps the counts',
      state: user({ code: old, lastSentAt: T0, sends: [T0], failures: 2, consecutive: 2, lastFailureAt: T0 + SEC }),
      now: T0 + COOLDOWN,
      expected: {
        state: user({ code: issuedCode(T0 + COOLDOWN), lastSentAt: T0 + COOLDOWN, sends: [T0, T0 + COOLDOWN], failures: 2, consecutive: 2, lastFailureAt: T0 + SEC }),
        outcome: { ok: true, code: issuedCode(T0 + COOLDOWN), previousCode: old, previousLastSentAt: undefined },
      },
    },
    {
      name: 'an enrollment code\'s cooldown does not hold back a sign-in (29 999 ms)',
      state: user({ code: codeRecord({ purpose: 'enroll' }), lastSentAt: T0, sends: [T0] }),
      now: T0 + COOLDOWN - 1,
      expected: {
        state: user({ code: issuedCode(T0 + COOLDOWN - 1), lastSentAt: T0 + COOLDOWN - 1, sends: [T0, T0 + COOLDOWN - 1] }),
        outcome: { ok: true, code: issuedCode(T0 + COOLDOWN - 1), previousCode: codeRecord({ purpose: 'enroll' }), previousLastSentAt: T0 },
      },
    },
    {
      name: 'a sign-in code\'s cooldown does not hold back an enrollment (1 ms)',
      state: user({ code: codeRecord(), lastSentAt: T0, sends: [T0] }),
      now: T0 + 1,
      purpose: 'enroll',
      expected: {
        state: user({ code: issuedCode(T0 + 1, 10 * MIN, 'enroll'), lastSentAt: T0 + 1, sends: [T0, T0 + 1] }),
        outcome: { ok: true, code: issuedCode(T0 + 1, 10 * MIN, 'enroll'), previousCode: codeRecord(), previousLastSentAt: T0 },
      },
    },
    {
      name: 'replaces a dead code',
      state: user({ code: codeRecord({ tries: 4, dead: true }), sends: [T0] }),
      now: T0 + MIN,
      expected: {
        state: user({ code: issuedCode(T0 + MIN), lastSentAt: T0 + MIN, sends: [T0, T0 + MIN] }),
        outcome: { ok: true, code: issuedCode(T0 + MIN), previousCode: codeRecord({ tries: 4, dead: true }), previousLastSentAt: undefined },
      },
    },
    {
      name: '10th send of the hour',
      state: user({ sends: times(9, T0, MIN), lastSentAt: T0 + 8 * MIN }),
      now: T0 + 9 * MIN,
      expected: {
        state: user({ code: issuedCode(T0 + 9 * MIN), lastSentAt: T0 + 9 * MIN, sends: times(10, T0, MIN) }),
        outcome: { ok: true, code: issuedCode(T0 + 9 * MIN), previousCode: undefined, previousLastSentAt: undefined },
      },
    },
    {
      name: '11th send when the oldest is exactly one hour old: it leaves the budget',
      state: user({ sends: times(10, T0, 5 * MIN) }),
      now: T0 + HOUR,
      expected: {
        state: user({ code: issuedCode(T0 + HOUR), lastSentAt: T0 + HOUR, sends: [...times(9, T0 + 5 * MIN, 5 * MIN), T0 + HOUR] }),
        outcome: { ok: true, code: issuedCode(T0 + HOUR), previousCode: undefined, previousLastSentAt: undefined },
      },
    },
    {
      name: 'at exactly lockedUntil the lock is over (counts kept)',
      state: user({ lockedUntil: T0 + LOCK, consecutive: 8, lastFailureAt: T0 }),
      now: T0 + LOCK,
      expected: {
        state: user({ code: issuedCode(T0 + LOCK), lastSentAt: T0 + LOCK, sends: [T0 + LOCK], consecutive: 8, lastFailureAt: T0 }),
        outcome: { ok: true, code: issuedCode(T0 + LOCK), previousCode: undefined, previousLastSentAt: undefined },
      },
    },
    {
      name: 'custom policy: no cooldown, 1-min codes',
      state: user({ code: old, lastSentAt: T0, sends: [T0] }),
      now: T0,
      policy: { ...DEFAULTS, cooldownMs: 0, codeTtlMs: MIN },
      expected: {
        state: user({ code: issuedCode(T0, MIN), lastSentAt: T0, sends: [T0, T0] }),
        outcome: { ok: true, code: issuedCode(T0, MIN), previousCode: old, previousLastSentAt: undefined },
      },
    },
  ])('$name', ({ state, now, policy, purpose, expected }) => {
    expect(issue(state, now, policy, purpose)).toStrictEqual(expected);
  });
});

describe('releaseIssue: an issue whose message did not go out', () => {
  const old = codeRecord({ tries: 1 });
  it.each<{ name: string; before: UserState; now: number; refund: boolean; expected: UserState }>([
    { name: 'first send, delivery failed: no code, cooldown free, the send still counts', before: user(), now: T0, refund: false, expected: user({ sends: [T0] }) },
    { name: 'first send, refused by the number: not charged to the user', before: user(), now: T0, refund: true, expected: user() },
    {
      name: 'resend, delivery failed: the previous code comes back, the send counts',
      before: user({ code: old, lastSentAt: T0, sends: [T0], failures: 1, consecutive: 1, lastFailureAt: T0 + SEC }),
      now: T0 + COOLDOWN,
      refund: false,
      expected: user({ code: old, sends: [T0, T0 + COOLDOWN], failures: 1, consecutive: 1, lastFailureAt: T0 + SEC }),
    },
    {
      name: 'resend, refused by the number: the previous code comes back, the send is refunded',
      before: user({ code: old, lastSentAt: T0, sends: [T0], failures: 1, consecutive: 1, lastFailureAt: T0 + SEC }),
      now: T0 + COOLDOWN,
      refund: true,
      expected: user({ code: old, sends: [T0], failures: 1, consecutive: 1, lastFailureAt: T0 + SEC }),
    },
    {
      name: 'sign-in sent in an enrollment\'s cooldown, delivery failed: the enrollment code and its cooldown come back',
      before: user({ code: codeRecord({ purpose: 'enroll' }), lastSentAt: T0, sends: [T0] }),
      now: T0 + 10 * SEC,
      refund: false,
      expected: user({ code: codeRecord({ purpose: 'enroll' }), lastSentAt: T0, sends: [T0, T0 + 10 * SEC] }),
    },
  ])('$name', ({ before, now, refund, expected }) => {
    const { state, issued } = mustIssue(before, now);
    expect(releaseIssue(deepFreeze(state), issued, refund)).toStrictEqual(expected);
  });

  it.each<{ name: string; refund: boolean; expected: IssueDecision['outcome'] }>([
    { name: '10 failed deliveries use up the user budget', refund: false, expected: { ok: false, error: 'send_limit_reached', scope: 'user', retryAfterMs: HOUR } },
    { name: '10 sends refused by the number leave it whole', refund: true, expected: { ok: true, code: issuedCode(T0), previousCode: undefined, previousLastSentAt: undefined } },
  ])('$name; each release gives the cooldown back at once', ({ refund, expected }) => {
    let s = user();
    for (let i = 0; i < 10; i++) {
      const { state, issued } = mustIssue(s, T0);
      s = releaseIssue(state, issued, refund);
    }
    expect(issue(s, T0).outcome).toStrictEqual(expected);
  });

  it.each<{ name: string; state: UserState }>([
    { name: 'another code was issued since', state: user({ code: codeRecord({ id: 'ch_other', issuedAt: T0 + COOLDOWN }), lastSentAt: T0 + COOLDOWN, sends: [T0, T0 + COOLDOWN] }) },
    { name: 'the code was already consumed', state: user({ sends: [T0] }) },
  ])('changes nothing when $name', ({ state }) => {
    const { issued } = mustIssue(user(), T0);
    expect(releaseIssue(deepFreeze(state), issued, true)).toBe(state);
  });
});

describe('decideDestination: the per-number budget', () => {
  type Decision = ReturnType<typeof decideDestination>;
  const now = T0 + HOUR;
  it.each<{ name: string; state: DestinationState | null; policy?: Policy; expected: Decision }>([
    { name: 'no record', state: null, expected: { state: { sends: [now] }, outcome: { ok: true } } },
    { name: 'empty record', state: { sends: [] }, expected: { state: { sends: [now] }, outcome: { ok: true } } },
    { name: '10th send of the hour', state: { sends: times(9, now - 45 * MIN, 5 * MIN) }, expected: { state: { sends: [...times(9, now - 45 * MIN, 5 * MIN), now] }, outcome: { ok: true } } },
    { name: '10 sends, the oldest 1 ms inside the hour', state: { sends: times(10, now - HOUR + 1, MIN) }, expected: { outcome: { ok: false, error: 'send_limit_reached', scope: 'destination', retryAfterMs: 1 } } },
    { name: '10 sends, the oldest exactly one hour old: dropped', state: { sends: times(10, now - HOUR, MIN) }, expected: { state: { sends: [...times(9, now - HOUR + MIN, MIN), now] }, outcome: { ok: true } } },
    { name: 'custom policy: 1 send per number per 10 min', state: { sends: [now - 4 * MIN] }, policy: { ...DEFAULTS, sendsPerDestination: 1, sendWindowMs: 10 * MIN }, expected: { outcome: { ok: false, error: 'send_limit_reached', scope: 'destination', retryAfterMs: 6 * MIN } } },
  ])('$name', ({ state, policy, expected }) => {
    expect(decideDestination(deepFreeze(state), policy ?? P, now)).toStrictEqual(expected);
  });
});

describe('resendTarget', () => {
  const factor = (id: string, channel: Channel, status: Factor['status']): Factor => ({ id, userId: 'u1', channel, status, phone: '+14155552671', createdAt: T0 - HOUR });
  const sms = factor('f_sms', 'sms', 'active');
  const pendingVoice = factor('f_voice', 'voice', 'pending');
  const invalidSms = factor('f_sms', 'sms', 'invalid');
  const on: Channels = { off: new Set(), withSender: new Set<Channel>(['sms', 'voice']), priority: DEFAULTS.channelPriority };
  const smsOff: Channels = { ...on, off: new Set<Channel>(['sms']) };
  const noSmsSender: Channels = { ...on, withSender: new Set<Channel>(['voice']) };
  const signIn = user({ code: codeRecord() });
  const enroll = user({ code: codeRecord({ purpose: 'enroll', factorId: 'f_voice', channel: 'voice' }) });

  it.each<{ name: string; state: UserState; factors: Factor[]; purpose: Purpose; channels?: Channels; expected: ReturnType<typeof resendTarget> }>([
    { name: 'no code', state: user(), factors: [sms], purpose: 'sign_in', expected: { ok: false, error: 'no_pending_code' } },
    { name: 'the last code, same purpose', state: signIn, factors: [sms], purpose: 'sign_in', expected: { factor: sms, purpose: 'sign_in' } },
    { name: 'a sign-in code is not resent as an enrollment', state: signIn, factors: [sms], purpose: 'enroll', expected: { ok: false, error: 'no_pending_code' } },
    { name: 'an enrollment code is not resent as a sign-in', state: enroll, factors: [sms, pendingVoice], purpose: 'sign_in', expected: { ok: false, error: 'no_pending_code' } },
    { name: 'a dead code can be replaced', state: user({ code: codeRecord({ tries: 4, dead: true }) }), factors: [sms], purpose: 'sign_in', expected: { factor: sms, purpose: 'sign_in' } },
    { name: 'an enrollment code goes to its pending factor', state: enroll, factors: [sms, pendingVoice], purpose: 'enroll', expected: { factor: pendingVoice, purpose: 'enroll' } },
    { name: 'its factor was removed', state: signIn, factors: [pendingVoice], purpose: 'sign_in', expected: { ok: false, error: 'no_pending_code' } },
    { name: 'its factor became invalid (STOP)', state: signIn, factors: [invalidSms], purpose: 'sign_in', expected: { ok: false, error: 'factor_invalid' } },
    { name: 'its channel is switched off', state: signIn, factors: [sms], purpose: 'sign_in', channels: smsOff, expected: { ok: false, error: 'channel_disabled', channel: 'sms' } },
    { name: 'its channel has no sender', state: signIn, factors: [sms], purpose: 'sign_in', channels: noSmsSender, expected: { ok: false, error: 'channel_disabled', channel: 'sms' } },
  ])('$name', ({ state, factors, purpose, channels, expected }) => {
    expect(resendTarget(deepFreeze(state), factors, purpose, channels ?? on)).toStrictEqual(expected);
  });
});
