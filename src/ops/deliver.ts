/**
 * Issue a code and deliver it: commit first (so a crash never leaves a sent code
 * unrecorded), with the destination budget in the same commit where the store can (else
 * right after it), then the sender. A refused destination or a failed delivery undoes
 * the issue: the previous code comes back and the cooldown is free.
 * @internal
 * @module
 */
import { type Snapshot, updateDestination, updateUser } from '../cas.js';
import { updateUserAndDestination } from '../cas-pair.js';
import { generateCode, randomId } from '../codes.js';
import type { Context } from '../context.js';
import { decideDestination, decideIssue, type Issued, releaseIssue } from '../core/send.js';
import { MfaError } from '../errors.js';
import { pickTemplate, renderMessage } from '../messages.js';
import { maskPhone } from '../phone.js';
import type { DestinationState, UserState } from '../core/state.js';
import type { CodeSent, Failure, Result } from '../results.js';
import type { Factor, Purpose } from '../types.js';

/** Sends a new code for `purpose` to an SMS factor. */
export async function issueAndSend(
  ctx: Context,
  userId: string,
  factor: Factor,
  purpose: Purpose,
  locale: string | undefined,
  hooks: { afterCommit?: () => Promise<void>; onUndo?: () => Promise<void>; snapshot?: Snapshot } = {},
): Promise<Result<CodeSent>> {
  const sender = ctx.sms;
  if (!sender) throw new MfaError('sender_missing', `No sender is configured for the '${factor.channel}' channel`);
  if (!factor.phone) throw new MfaError('invalid_argument', 'The factor has no phone number');
  const phone = factor.phone;
  const code = generateCode(ctx.policy.codeLength);
  const codeId = randomId('ch');
  const hash = ctx.hasher.hash(codeId, purpose, code);

  const destination = ctx.hasher.destinationKey(phone);
  const issue = (s: UserState, now: number) =>
    decideIssue(s, { codeId, hash, purpose, factorId: factor.id, channel: factor.channel }, ctx.policy, now);
  const budget = (d: DestinationState | null, now: number) => decideDestination(d, ctx.policy, now);
  const maskedPhone = maskPhone(phone);
  const base = { userId, factorId: factor.id, channel: factor.channel, purpose, maskedPhone, sender: sender.name };
  const refusedByNumber = (refusal: Failure<'send_limit_reached'>) => {
    ctx.events.emit('delivery.failed', { ...base, reason: 'destination_limit' });
    return refusal;
  };

  // One commit for the user and the number where the store can; else one after the other.
  const together = ctx.combined?.multiKey === true;
  let issued: Issued | Failure;
  if (together) {
    const r = await updateUserAndDestination(ctx, userId, destination, issue, budget, hooks.snapshot);
    // The number's outcome comes back only when it refused.
    if ('destination' in r) return refusedByNumber(r.destination as Failure<'send_limit_reached'>);
    issued = r.user;
  } else {
    issued = await updateUser(ctx, userId, issue, hooks.snapshot);
  }
  if (!issued.ok) return issued;
  const committed = issued;
  const undo = async (refund = false) => {
    await updateUser(ctx, userId, (s) => {
      const next = releaseIssue(s, committed, refund);
      return next === s ? { outcome: undefined } : { state: next, outcome: undefined };
    });
    await hooks.onUndo?.();
  };

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

  const tpl = pickTemplate(ctx.options.messages.templates, locale ?? ctx.options.messages.defaultLocale, ctx.options.messages.defaultLocale, purpose);
  const body = renderMessage(tpl, { code, appName: ctx.options.appName, minutes: Math.round(ctx.policy.codeTtlMs / 60_000) }, ctx.options.messages.origin);
  let messageId: string;
  try {
    const receipt = await sender.send({ to: phone, body, purpose, locale: locale ?? ctx.options.messages.defaultLocale });
    messageId = typeof receipt?.id === 'string' ? receipt.id : '';
  } catch (err) {
    await undo();
    ctx.events.emit('delivery.failed', { ...base, reason: 'sender_error', errorName: err instanceof Error ? err.name : typeof err });
    return { ok: false, error: 'delivery_failed' };
  }
  ctx.events.emit('code.sent', { ...base, challengeId: codeId, expiresAt: issued.code.expiresAt, messageId });
  return {
    ok: true,
    challengeId: codeId,
    factorId: factor.id,
    channel: factor.channel,
    purpose,
    maskedPhone,
    expiresAt: issued.code.expiresAt,
    resendAfterMs: ctx.policy.cooldownMs,
  };
}
