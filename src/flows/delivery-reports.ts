/**
 * What a provider says about a message after `send`: a sender's `DeliveryError` read into
 * event fields, the short-lived record of whose message a provider's message id is, and
 * `handleDeliveryReport`, which matches a late report to its factor (a permanent failure
 * makes the factor `invalid`, as a refusal at send time does).
 * @internal
 * @module
 */
import { MfaError } from '../config/errors.js';
import type { MessageRecord } from '../core/codec.js';
import { invalidationOf } from '../core/delivery.js';
import type { InvalidReason, Purpose } from '../core/types.js';
import { attemptsOf, token } from '../factors/kind.js';
import { DeliveryError, type DeliveryAttempt, type DeliveryFailureReason, type DeliveryStatus } from '../ports/delivery.js';
import { decodeWith, messageCodec, messageKey } from '../store/records.js';
import type { Context } from './context.js';
import { invalidateFactor } from './factors.js';

/** Every {@link DeliveryFailureReason}; the type makes the list exhaustive. */
const REASONS: Record<DeliveryFailureReason, true> = {
  invalid_number: true,
  invalid_address: true,
  landline: true,
  opted_out: true,
  blocked: true,
  blocked_country: true,
  unreachable: true,
  rate_limited: true,
  timeout: true,
  network: true,
  account: true,
  filtered: true,
  provider_error: true,
};
const isReason = (v: unknown): v is DeliveryFailureReason => typeof v === 'string' && Object.hasOwn(REASONS, v);
const STATUSES: readonly DeliveryStatus[] = ['accepted', 'sent', 'delivered', 'failed', 'unknown'];

/** What `delivery.failed` says of a sender's `DeliveryError`. */
export interface DeliveryFailure {
  readonly provider: string;
  readonly deliveryReason: DeliveryFailureReason;
  readonly retryable: boolean;
  readonly providerCode?: string;
  readonly attempts?: readonly DeliveryAttempt[];
}

/**
 * The fields of a sender's `DeliveryError`, read once into plain, short tokens (a provider
 * name, a reason, a code); `undefined` for any other error. Its message is never read.
 */
export function deliveryFailureOf(err: unknown): DeliveryFailure | undefined {
  if (!(err instanceof DeliveryError) || !isReason(err.reason)) return undefined;
  const provider = token(err.provider) ?? 'unknown';
  const providerCode = token(err.providerCode);
  const attempts = attemptsOf(err.attempts);
  return {
    provider,
    deliveryReason: err.reason,
    retryable: err.retryable !== false,
    ...(providerCode === undefined ? {} : { providerCode }),
    ...(attempts.length === 0 ? {} : { attempts }),
  };
}

/**
 * Remembers whose message a provider's message id is, when the host asked for delivery
 * reports: one write of a new record (no read first), kept `deliveryReports.ttlMs`. A
 * message id seen before (a sender that reuses ids) keeps its first record.
 */
export async function rememberMessage(ctx: Context, messageId: string, message: MessageRecord): Promise<void> {
  const reports = ctx.options.deliveryReports;
  if (reports === null || messageId === '') return;
  const [hash] = ctx.hasher.messageKeys(messageId);
  if (hash === undefined) return;
  const codec = messageCodec(reports.ttlMs);
  await ctx.store.commit([{ key: messageKey(hash), value: codec.encode(message), expectedVersion: null, ttlMs: reports.ttlMs }]);
}

/**
 * A provider's delivery report: the message id the sender resolved to, where the message
 * stands, and for a failure the provider's code and, when known, why and whether it is for
 * good (what `parseTwilioStatus` and `parseVonageStatus` return).
 *
 * @example
 * ```ts
 * const report: DeliveryReportInput = { messageId: 'SM87105da94bff44b999e4e6eb90d8eb6a', status: 'failed', errorCode: '30006', reason: 'landline', permanent: true };
 * ```
 */
export interface DeliveryReportInput {
  /** The provider's message id: the `id` the sender resolved to (`messageId` of `code.sent`). */
  readonly messageId: string;
  /** Where the message stands. */
  readonly status: DeliveryStatus;
  /** The provider's error code, for a failure. */
  readonly errorCode?: string | undefined;
  /**
   * Why it failed, in mfakit's words. Only a reason that says the destination cannot
   * receive (`invalid_number`, `invalid_address`, `landline`, `opted_out`, `blocked`,
   * `unreachable`) invalidates the factor; without one, the report is only an event.
   */
  readonly reason?: DeliveryFailureReason | undefined;
  /** `false` says the failure is not for good (the factor is then left alone). */
  readonly permanent?: boolean | undefined;
  /** The provider's own status word; accepted and ignored. */
  readonly providerStatus?: string | undefined;
}

/**
 * Outcome of `handleDeliveryReport`: whether the message id is one mfakit sent (within the
 * record's time to live), and the factor's new reason when the report made it `invalid`.
 *
 * @example
 * ```ts
 * const res: DeliveryReportHandled = { matched: true, invalidated: 'undeliverable' };
 * ```
 */
export interface DeliveryReportHandled {
  /** `false`: not a message of this instance, or its record has expired; nothing was done. */
  readonly matched: boolean;
  /** Present when the report made the factor `invalid`. */
  readonly invalidated?: InvalidReason;
}

/** Reads a report once; anything malformed throws `invalid_argument`. */
export function reportOf(input: unknown): DeliveryReportInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new MfaError('invalid_argument', 'report must be an object');
  const { messageId, status, errorCode, reason, permanent } = { ...(input as Record<string, unknown>) };
  if (typeof messageId !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(messageId)) {
    throw new MfaError('invalid_argument', 'report.messageId must be a provider message id (1 to 256 printable characters)');
  }
  if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status)) {
    throw new MfaError('invalid_argument', `report.status must be one of ${STATUSES.join(', ')}`);
  }
  if (errorCode !== undefined && token(errorCode) === undefined) throw new MfaError('invalid_argument', 'report.errorCode must be a short code such as "30006"');
  if (reason !== undefined && !isReason(reason)) throw new MfaError('invalid_argument', 'report.reason must be a DeliveryFailureReason');
  if (permanent !== undefined && typeof permanent !== 'boolean') throw new MfaError('invalid_argument', 'report.permanent must be a boolean');
  return {
    messageId,
    status: status as DeliveryStatus,
    ...(errorCode === undefined ? {} : { errorCode: errorCode as string }),
    ...(reason === undefined ? {} : { reason }),
    ...(permanent === undefined ? {} : { permanent }),
  };
}

/**
 * Matches a report to the factor its message went to, emits `delivery.reported`, and for a
 * failure that says the destination cannot receive makes the factor `invalid` (if it is
 * still the same factor with the same number or address).
 */
export async function handleDeliveryReport(ctx: Context, report: DeliveryReportInput): Promise<DeliveryReportHandled> {
  const reports = ctx.options.deliveryReports;
  if (reports === null) {
    throw new MfaError('invalid_options', 'handleDeliveryReport needs createMfa({ deliveryReports: true }), so sends record their message ids');
  }
  const message = await findMessage(ctx, report.messageId, reports.ttlMs);
  if (!message) return { matched: false };
  const { userId, factorId, channel, purpose } = message;
  const invalid = report.status === 'failed' ? invalidationOf({ reason: report.reason, retryable: report.permanent === false }) : undefined;
  const invalidated =
    invalid !== undefined &&
    (await invalidateFactor(ctx, userId, factorId, { reason: invalid, source: 'report', deliveryReason: report.reason, providerCode: report.errorCode }, (f) => {
      const kind = ctx.kinds[f.channel];
      return kind === undefined || ctx.hasher.destinationKey(kind.budgetKey(f)) === message.destination;
    }));
  ctx.events.emit('delivery.reported', {
    userId,
    factorId,
    channel,
    purpose: purpose satisfies Purpose,
    messageId: report.messageId,
    status: report.status,
    ...(report.errorCode === undefined ? {} : { errorCode: report.errorCode }),
    ...(report.reason === undefined ? {} : { deliveryReason: report.reason }),
    ...(invalidated ? { invalidated: invalid } : {}),
  });
  return invalidated ? { matched: true, invalidated: invalid } : { matched: true };
}

/** The record of a message id, under the current secret or an earlier one. */
async function findMessage(ctx: Context, messageId: string, ttlMs: number): Promise<MessageRecord | null> {
  const codec = messageCodec(ttlMs);
  for (const hash of ctx.hasher.messageKeys(messageId)) {
    const found = decodeWith(codec, await ctx.store.read(messageKey(hash)));
    if (found) return found;
  }
  return null;
}
