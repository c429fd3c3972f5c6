/**
 * Issue a code and deliver it: commit first (so a crash never leaves a sent code
 * unrecorded), with the number's send budget in the same commit where the store can (else
 * right after it), then the factor kind sends. A refused number or a failed delivery
 * undoes the issue: the previous code comes back and the cooldown is free.
 * @internal
 * @module
 */
import type { CodeSent, Failure, Result, SendError } from '../core/outcomes.js';
import { MfaError } from '../config/errors.js';
import type { DeliveryFailedEvent } from '../config/events.js';
import { invalidationOf } from '../core/delivery.js';
import { countryAllowed, decideDestination, decideIssue, type Issued, releaseIssue } from '../core/sending.js';
import { numberFacts } from '../config/phone.js';
import type { Counted } from '../store/budgets.js';
import { anyDefence, giveBack, passDefences } from './pumping.js';
import type { DestinationState, UserState } from '../core/state.js';
import type { Factor, Purpose } from '../core/types.js';
import { generateCode, randomId } from '../factors/code.js';
import { kindFor } from '../factors/index.js';
import type { Receipt } from '../factors/kind.js';
import type { Snapshot } from '../store/cas.js';
import { updateDestination, updateUser, updateUserAndDestination } from '../store/user-state.js';
import type { Context } from './context.js';
import { isSharedNumber } from './destinations.js';
import { deliveryFailureOf, rememberMessage } from './delivery-reports.js';
import { invalidateFactor } from './factors.js';

/** Hooks of an enrollment around the send: save the pending factor after the commit, drop it on undo; and the request's IP. */
export interface IssueHooks {
  readonly afterCommit?: () => Promise<void>;
  readonly onUndo?: () => Promise<void>;
  readonly snapshot?: Snapshot | undefined;
  /** The client IP the caller passed (already checked), for the per-IP budget and `riskCheck`. */
  readonly ip?: string | undefined;
}

/** Sends a new code for `purpose` to a factor. */
export async function issueAndSend(
  ctx: Context,
  userId: string,
  factor: Factor,
  purpose: Purpose,
  locale: string | undefined,
  hooks: IssueHooks = {},
): Promise<Result<CodeSent, SendError>> {
  const kind = kindFor(ctx.kinds, factor.channel);
  // 0. The number's country must still be allowed for its channel (the lists may have changed).
  // Fast path: the number is looked at only when something uses its facts (an allowlist,
  // the prefix budget, the host's riskCheck); else no parse at all.
  const lists = countryLists(ctx, factor.channel);
  const facts = factor.phone === undefined || !needsFacts(ctx, lists) ? undefined : numberFacts(factor.phone, ctx.policy.prefixDigits);
  if (facts && !countryAllowed(facts.country, lists)) return { ok: false, error: 'country_not_allowed' };
  // A known shared number is not held to the per-number budget.
  const perNumber = factor.phone === undefined || !isSharedNumber(ctx, factor.phone);
  const destination = ctx.hasher.destinationKey(kind.budgetKey(factor));
  const code = generateCode(ctx.policy.codeLength);
  const codeId = randomId('ch');
  const hash = ctx.hasher.hash(codeId, purpose, code);
  const issue = (s: UserState, now: number) =>
    decideIssue(s, { codeId, hash, purpose, factorId: factor.id, channel: factor.channel }, ctx.policy, now);
  const budget = (d: DestinationState | null, now: number) => decideDestination(d, ctx.policy, now);
  const masked = kind.masked(factor);
  // Built only for an event (most sends emit none that nobody listens to).
  const baseOf = (): SendBase => ({ userId, factorId: factor.id, channel: factor.channel, purpose, ...masked, sender: kind.senderName });
  const refusedByNumber = (refusal: Failure<'send_limit_reached'>) => {
    ctx.events.emit('delivery.failed', { ...baseOf(), reason: 'destination_limit' });
    return refusal;
  };

  // 1. Commit: the user and the number together where the store can; else the user first.
  const together = ctx.store.multiKey && perNumber;
  let issued: Issued | Failure<SendError>;
  if (together) {
    const r = await updateUserAndDestination(ctx, userId, destination, issue, budget, hooks.snapshot);
    if ('destination' in r) return refusedByNumber(r.destination as Failure<'send_limit_reached'>);
    issued = r.user;
  } else {
    issued = (await updateUser(ctx, userId, issue, { snapshot: hooks.snapshot })).outcome;
  }
  if (!issued.ok) return issued;
  const committed = issued;
  const undo = async (refund = false) => {
    await updateUser(ctx, userId, (s) => {
      const next = releaseIssue(s, committed, refund);
      return { state: next === s ? undefined : next, outcome: undefined };
    });
    await hooks.onUndo?.();
  };

  // 2. What the issue needs besides: the pending factor saved, the number's budget (when
  // apart), then the pumping defences. A refusal gives back what was counted and the issue.
  const counted: Counted[] = [];
  try {
    if (hooks.afterCommit) await hooks.afterCommit();
    if (!together && perNumber) {
      const byNumber = await updateDestination(ctx, destination, budget);
      if (!byNumber.ok) {
        await undo(true); // nothing was sent: the user's own budget is not charged
        return refusedByNumber(byNumber);
      }
    }
    const send = { userId, factor, purpose, prefix: facts?.prefix, country: facts?.country, ip: hooks.ip };
    const refusal = anyDefence(ctx, send) ? await passDefences(ctx, send, counted) : undefined;
    if (refusal) {
      await giveBack(counted);
      await undo(true);
      const why = refusal.failure.error === 'send_refused' && refusal.failure.reason !== undefined ? { riskReason: refusal.failure.reason } : {};
      ctx.events.emit('delivery.failed', { ...baseOf(), reason: refusal.event, ...why, ...('errorName' in refusal && refusal.errorName !== undefined ? { errorName: refusal.errorName } : {}) });
      return refusal.failure;
    }
  } catch (err) {
    await giveBack(counted).catch(() => undefined);
    await undo().catch(() => undefined);
    throw err;
  }

  // 3. Send.
  let receipt: Receipt;
  try {
    receipt = await kind.send(factor, { code, purpose, locale: locale ?? ctx.options.messages.defaultLocale });
  } catch (err) {
    await undo();
    return refusedBySender(ctx, userId, factor, baseOf(), err);
  }
  // Fast path: the event's payload is built only when someone listens.
  if (ctx.events.listens('code.sent')) {
    const failover = receipt.provider === undefined ? {} : { provider: receipt.provider, attempts: receipt.attempts ?? [] };
    ctx.events.emit('code.sent', { ...baseOf(), challengeId: codeId, expiresAt: committed.code.expiresAt, messageId: receipt.id, ...failover });
  }
  // 4. Remember whose message it is, for a later delivery report (when the host asked for reports).
  // The code is out: a store fault here only costs the report, so the send still succeeds.
  if (ctx.options.deliveryReports !== null) {
    await rememberMessage(ctx, receipt.id, { userId, factorId: factor.id, channel: factor.channel, purpose, destination }).catch((err: unknown) => {
      console.error('[mfakit] the code was sent, but its message id could not be recorded for delivery reports:', err instanceof MfaError ? err.code : 'error');
    });
  }
  // One literal per kind of address: a spread of the (frozen, shared) masked form takes V8's slow path.
  const expiresAt = committed.code.expiresAt;
  const resendAfterMs = ctx.policy.cooldownMs;
  return 'maskedPhone' in masked
    ? { ok: true, sent: true, challengeId: codeId, factorId: factor.id, channel: factor.channel, purpose, maskedTo: masked.maskedTo, maskedPhone: masked.maskedPhone, expiresAt, resendAfterMs }
    : { ok: true, sent: true, challengeId: codeId, factorId: factor.id, channel: factor.channel, purpose, maskedTo: masked.maskedTo, maskedEmail: masked.maskedEmail, expiresAt, resendAfterMs };
}

/** Whether a factor's number (if it has one) is in a country its channel may send to now. */
export function countryOk(ctx: Context, factor: Factor): boolean {
  if (factor.phone === undefined) return true;
  const lists = countryLists(ctx, factor.channel);
  // Fast path: with no allowlist set every country passes, so the number is not parsed.
  if (lists === NO_LISTS) return true;
  return countryAllowed(numberFacts(factor.phone, ctx.policy.prefixDigits).country, lists);
}

/** Whether any country allowlist is set (global or a channel's): else every number may receive, on every channel. */
export function anyCountryList(ctx: Context): boolean {
  const phone = ctx.options.phone;
  return phone.allowedCountries !== undefined || phone.channels?.sms?.allowedCountries !== undefined || phone.channels?.voice?.allowedCountries !== undefined;
}

/** The lists when none is set (one shared array: a send with no allowlist parses no number). */
const NO_LISTS: readonly (readonly string[] | undefined)[] = Object.freeze([undefined, undefined]);

/** The country allowlists a number must pass on `channel`: the global one and the channel's own. */
export function countryLists(ctx: Context, channel: Factor['channel']): readonly (readonly string[] | undefined)[] {
  const phone = ctx.options.phone;
  const own = channel === 'sms' || channel === 'voice' ? phone.channels?.[channel]?.allowedCountries : undefined;
  return phone.allowedCountries === undefined && own === undefined ? NO_LISTS : [phone.allowedCountries, own];
}

/** Whether a send needs its number's facts: an allowlist to pass, the prefix budget, or the host's `riskCheck` (it gets the country). */
function needsFacts(ctx: Context, lists: readonly (readonly string[] | undefined)[]): boolean {
  return lists !== NO_LISTS || ctx.policy.sendsPerPrefix !== null || ctx.options.riskCheck !== undefined;
}

/** The fields of `delivery.failed` every send carries. */
type SendBase = Omit<DeliveryFailedEvent, 'reason'>;

/**
 * A sender refused (the issue is already undone): `delivery.failed` with what a
 * `DeliveryError` says (never its message), and when the destination cannot receive, the
 * factor becomes `invalid` (an enrollment's pending factor is already gone with the undo).
 */
async function refusedBySender(ctx: Context, userId: string, factor: Factor, base: SendBase, err: unknown): Promise<Failure<'delivery_failed'>> {
  const failure = deliveryFailureOf(err);
  const invalid = failure ? invalidationOf({ reason: failure.deliveryReason, retryable: failure.retryable }) : undefined;
  const invalidated =
    invalid !== undefined &&
    (await invalidateFactor(ctx, userId, factor.id, { reason: invalid, source: 'send', deliveryReason: failure?.deliveryReason, providerCode: failure?.providerCode }));
  ctx.events.emit('delivery.failed', {
    ...base,
    reason: 'sender_error',
    errorName: err instanceof Error ? err.name : typeof err,
    ...(failure ?? {}),
    ...(invalidated ? { invalidated: invalid } : {}),
  });
  return invalidated ? { ok: false, error: 'delivery_failed', invalidReason: invalid } : { ok: false, error: 'delivery_failed' };
}
