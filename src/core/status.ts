/**
 * Pure status arithmetic: what a support screen or a code page shows of a user's state
 * (lock, counts, the pending code, when the next send is allowed, sends left).
 * @module
 */
import { lockOf } from './lockout.js';
import type { MfaStatus } from './outcomes.js';
import type { Policy } from './policy.js';
import { heldBack } from './sending.js';
import { age, type UserState } from './state.js';
import type { Purpose } from './types.js';

/**
 * A user's status at `now`, without the factor list (the caller masks and adds it).
 * `purpose`: the send that `nextSendAt` is for (default: the pending code's purpose).
 */
export function statusOf(state: UserState, p: Policy, now: number, purpose?: Purpose): Omit<MfaStatus, 'factors'> {
  const s = age(state, p, now);
  const lock = lockOf(s, now);
  const code = s.code;
  const budgetAt = s.sends.length >= p.sendsPerUser && s.sends[0] !== undefined ? s.sends[0] + p.sendWindowMs : undefined;
  const cooling = s.lastSentAt !== undefined && heldBack(s, purpose ?? code?.purpose ?? 'sign_in');
  const cooldownAt = cooling && s.lastSentAt !== undefined ? s.lastSentAt + p.cooldownMs : undefined;
  const next = Math.max(budgetAt ?? 0, cooldownAt ?? 0, lock?.until ?? 0);
  return {
    locked: lock !== undefined,
    ...(lock ? { lockedUntil: lock.until } : {}),
    failures: s.failures,
    failuresLeft: p.maxFailures - s.failures,
    consecutiveFailures: s.consecutive,
    ...(code
      ? {
          pending: {
            purpose: code.purpose,
            factorId: code.factorId,
            expiresAt: code.expiresAt,
            attemptsLeft: code.dead ? 0 : p.maxTries - code.tries,
            state: code.dead ? ('exhausted' as const) : now >= code.expiresAt ? ('expired' as const) : ('live' as const),
          },
        }
      : {}),
    ...(next > now ? { nextSendAt: next } : {}),
    nextSendInMs: Math.max(0, next - now),
    sendsLeft: Math.max(0, p.sendsPerUser - s.sends.length),
  };
}
