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
import { decideDestination, decideIssue, type Issued, releaseIssue } from '../core/sending.js';
import type { DestinationState, UserState } from '../core/state.js';
import type { Factor, Purpose } from '../core/types.js';
import { generateCode, randomId } from '../factors/code.js';
import { kindFor } from '../factors/index.js';
import type { Receipt } from '../factors/kind.js';
import type { Snapshot } from '../store/cas.js';
import { updateDestination, updateUser, updateUserAndDestination } from '../store/user-state.js';
import type { Context } from './context.js';
import { deliveryFailureOf, rememberMessage } from './delivery-reports.js';
import { invalidateFactor } from './factors.js';

/** Hooks of an enrollment around the send: save the pending factor after the commit, drop it on undo. */
export interface IssueHooks {
  readonly afterCommit?: () => Promise<void>;
  readonly onUndo?: () => Promise<void>;
  readonly snapshot?: Snapshot | undefined;
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
  const destination = ctx.hasher.destinationKey(kind.budgetKey(factor));
  const code = generateCode(ctx.policy.codeLength);
  const codeId = randomId('ch');
  const hash = ctx.hasher.hash(codeId, purpose, code);
  const issue = (s: UserState, now: number) =>
    decideIssue(s, { codeId, hash, purpose, factorId: factor.id, channel: factor.channel }, ctx.policy, now);
  const budget = (d: DestinationState | null, now: number) => decideDestination(d, ctx.policy, now);
  const masked = kind.masked(factor);
  const base = { userId, factorId: factor.id, channel: factor.channel, purpose, ...masked, sender: kind.senderName };
  const refusedByNumber = (refusal: Failure<'send_limit_reached'>) => {
    ctx.events.emit('delivery.failed', { ...base, reason: 'destination_limit' });
    return refusal;
  };

  // 1. Commit: the user and the number together where the store can; else the user first.
  const together = ctx.store.multiKey;
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

  // 2. What the issue needs besides: the pending factor saved, the number's budget (when apart).
  try {
    await hooks.afterCommit?.();
    if (!together) {
      const counted = await updateDestination(ctx, destination, budget);
      if (!counted.ok) {
        await undo(true); // nothing was sent: the user's own budget is not charged
        return refusedByNumber(counted);
      }
    }
  } catch (err) {
    await undo().catch(() => undefined);
    throw err;
  }

  // 3. Send.
  let receipt: Receipt;
  try {
    receipt = await kind.send(factor, { code, purpose, locale: locale ?? ctx.options.messages.defaultLocale });
  } catch (err) {
    await undo();
    return refusedBySender(ctx, userId, factor, base, err);
  }
  const failover = receipt.provider === undefined ? {} : { provider: receipt.provider, attempts: receipt.attempts ?? [] };
  ctx.events.emit('code.sent', { ...base, challengeId: codeId, expiresAt: committed.code.expiresAt, messageId: receipt.id, ...failover });
  // 4. Remember whose message it is, for a later delivery report (when the host asked for reports).
  // The code is out: a store fault here only costs the report, so the send still succeeds.
  await rememberMessage(ctx, receipt.id, { userId, factorId: factor.id, channel: factor.channel, purpose, destination }).catch((err: unknown) => {
    console.error('[mfakit] the code was sent, but its message id could not be recorded for delivery reports:', err instanceof MfaError ? err.code : 'error');
  });
  return {
    ok: true,
    sent: true,
    challengeId: codeId,
    factorId: factor.id,
    channel: factor.channel,
    purpose,
    ...masked,
    expiresAt: committed.code.expiresAt,
    resendAfterMs: ctx.policy.cooldownMs,
  };
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
