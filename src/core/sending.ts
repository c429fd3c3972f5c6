/**
 * Pure send rules: lock, cooldown, per-user and per-destination budgets, one live code, and
 * what a resend may send to.
 * @module
 */
import { channelUsable, type Channels } from './choice.js';
import { lockedRefusal } from './lockout.js';
import type { Failure } from './outcomes.js';
import type { Policy } from './policy.js';
import { age, appended, type CodeRecord, type DestinationState, recent, type UserState, userState } from './state.js';
import type { Channel, Factor, Purpose } from './types.js';

/** A new code to record, made by the shell (randomness and HMAC live there). */
export interface IssueCommand {
  readonly codeId: string;
  readonly hash: string;
  readonly purpose: Purpose;
  readonly factorId: string;
  readonly channel: Channel;
}

/** What `decideIssue` allows; carries what is needed to undo it if delivery fails. */
export interface Issued {
  readonly ok: true;
  readonly code: CodeRecord;
  readonly previousCode: CodeRecord | undefined;
  readonly previousLastSentAt: number | undefined;
}

type SendRefusal = Failure<'locked_out' | 'resend_cooldown' | 'send_limit_reached'>;

/** Whether a send is allowed now, and the state that records it. */
export function decideIssue(
  state: UserState,
  cmd: IssueCommand,
  p: Policy,
  now: number,
): { state?: UserState; outcome: Issued | SendRefusal } {
  const s = age(state, p, now);
  const locked = lockedRefusal(s, now);
  if (locked) return { outcome: locked };
  if (s.lastSentAt !== undefined && now - s.lastSentAt < p.cooldownMs && heldBack(s, cmd.purpose)) {
    return { outcome: { ok: false, error: 'resend_cooldown', retryAfterMs: s.lastSentAt + p.cooldownMs - now } };
  }
  const oldest = s.sends[0];
  if (oldest !== undefined && s.sends.length >= p.sendsPerUser) {
    return {
      outcome: { ok: false, error: 'send_limit_reached', scope: 'user', retryAfterMs: oldest + p.sendWindowMs - now },
    };
  }
  const code: CodeRecord = {
    id: cmd.codeId,
    purpose: cmd.purpose,
    factorId: cmd.factorId,
    channel: cmd.channel,
    hash: cmd.hash,
    issuedAt: now,
    expiresAt: now + p.codeTtlMs,
    tries: 0,
  };
  return {
    state: userState({
      code,
      failures: s.failures,
      consecutive: s.consecutive,
      lastFailureAt: s.lastFailureAt,
      lockedUntil: s.lockedUntil,
      hardLocked: s.hardLocked,
      lastSentAt: now,
      sends: appended(s.sends, now),
      steps: s.steps,
      verifiedAt: s.verifiedAt,
      backup: s.backup,
      devices: s.devices,
    }),
    outcome: { ok: true, code, previousCode: s.code, previousLastSentAt: s.lastSentAt },
  };
}

/**
 * Whether the cooldown of the last send holds back a send for `purpose`: it does when the
 * last code was for the same purpose (that code is on its way), or when mfakit no longer
 * knows what it was for. A sign-in is never held back by an enrollment's code, nor an
 * enrollment by a sign-in's: that code cannot be used for it, so waiting would leave the
 * user with none. The send budgets are shared by both purposes.
 */
export function heldBack(s: UserState, purpose: Purpose): boolean {
  return s.code === undefined || s.code.purpose === purpose;
}

/**
 * Undoes an issue whose message was not delivered: the previous code comes back and the
 * cooldown is released. A failed delivery still counts against the user's budget (a
 * provider that keeps failing must not be hammered); with `refund`, for a send that was
 * never attempted (the number's budget refused it), it does not. If another code was
 * issued since, nothing changes.
 */
export function releaseIssue(state: UserState, issued: Issued, refund = false): UserState {
  if (state.code?.id !== issued.code.id) return state;
  const { code: _dropped, lastSentAt: _sent, ...rest } = state;
  const at = refund ? state.sends.lastIndexOf(issued.code.issuedAt) : -1;
  return {
    ...rest,
    sends: at === -1 ? state.sends : [...state.sends.slice(0, at), ...state.sends.slice(at + 1)],
    ...(issued.previousCode ? { code: issued.previousCode } : {}),
    ...(issued.previousLastSentAt !== undefined ? { lastSentAt: issued.previousLastSentAt } : {}),
  };
}

/** The per-destination budget (SMS-pumping defence). */
export function decideDestination(
  state: DestinationState | null,
  p: Policy,
  now: number,
): { state?: DestinationState; outcome: { ok: true } | Failure<'send_limit_reached'> } {
  const sends = recent(state?.sends ?? [], p.sendWindowMs, now);
  const oldest = sends[0];
  if (oldest !== undefined && sends.length >= p.sendsPerDestination) {
    return {
      outcome: { ok: false, error: 'send_limit_reached', scope: 'destination', retryAfterMs: oldest + p.sendWindowMs - now },
    };
  }
  return { state: { sends: appended(sends, now) }, outcome: { ok: true } };
}

/**
 * The factor a resend for `purpose` goes to: that of the user's last code (whatever its
 * state) when it was for the same purpose, the factor still exists and can receive codes.
 * A resend never switches purpose.
 */
export function resendTarget(
  state: UserState,
  factors: readonly Factor[],
  purpose: Purpose,
  channels: Channels,
): { factor: Factor; purpose: Purpose } | Failure<'no_pending_code' | 'factor_invalid' | 'channel_disabled'> {
  const code = state.code;
  if (!code || code.purpose !== purpose) return { ok: false, error: 'no_pending_code' };
  const factor = factors.find((f) => f.id === code.factorId);
  if (!factor) return { ok: false, error: 'no_pending_code' };
  if (factor.status === 'invalid') return { ok: false, error: 'factor_invalid' };
  if (!channelUsable(channels, factor.channel)) return { ok: false, error: 'channel_disabled', channel: factor.channel };
  return { factor, purpose: code.purpose };
}

/**
 * Whether a number's country may receive codes: it must be in every list that is set (the
 * global `phone.allowedCountries`, the channel's own list). A number whose country is
 * unknown passes only when no list is set.
 *
 * @example
 * ```ts
 * countryAllowed('US', [['US', 'CA'], ['US']]); // true
 * countryAllowed('CA', [['US', 'CA'], ['US']]); // false: not allowed for this channel
 * ```
 */
export function countryAllowed(country: string | undefined, lists: readonly (readonly string[] | undefined)[]): boolean {
  return lists.every((list) => list === undefined || (country !== undefined && list.includes(country)));
}
