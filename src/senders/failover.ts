import { MfaError } from '../config/errors.js';
import type { SendReceipt } from '../ports/sender.js';
import { DeliveryError, type DeliveryAttempt, type ProviderSender, type SendOptions } from './delivery-error.js';

/**
 * Options of {@link failoverSender}.
 *
 * @example
 * ```ts
 * const options: FailoverOptions = { timeoutMs: 5_000 };
 * ```
 */
export interface FailoverOptions {
  /** How long one provider may take; then its attempt is abandoned as a retryable `timeout` and the next is tried. */
  readonly timeoutMs: number;
  /** The sender's name in events and errors; default `'failover'`. */
  readonly name?: string | undefined;
}

/**
 * What a {@link failoverSender} resolves to: the delivering provider's message id, which
 * provider it was, and each earlier attempt that failed (empty when the first one delivered).
 *
 * @example
 * ```ts
 * const receipt: FailoverReceipt = { id: 'SM87105da94bff44b999e4e6eb90d8eb6a', provider: 'twilio', attempts: [] };
 * ```
 */
export interface FailoverReceipt extends SendReceipt {
  /** The `name` of the sender that delivered. */
  readonly provider: string;
  /** The attempts before it, in order, each with why it failed. */
  readonly attempts: readonly DeliveryAttempt[];
}

/**
 * What {@link failoverSender} returns: a sender of `M` whose `send` resolves to a {@link FailoverReceipt}.
 *
 * @example
 * ```ts
 * const sms: FailoverSender<SmsMessage> = failoverSender([primary, backup], { timeoutMs: 5_000 });
 * const { provider, attempts } = await sms.send(message);
 * ```
 */
export interface FailoverSender<M> extends ProviderSender<M> {
  /** Tries each provider in turn; resolves with the one that delivered and the attempts before it. */
  send(message: M, options?: SendOptions): Promise<FailoverReceipt>;
}

/**
 * A sender that tries several providers in order, for SMS, voice or email alike (every sender
 * must take the same message type). The next one is tried only when a provider failed in a
 * way another provider can fix: a retryable {@link DeliveryError} (timeout, network, 429, 5xx,
 * throttling, account trouble), any error of a sender that does not throw `DeliveryError`, or
 * no answer within `timeoutMs` (the attempt is aborted through its signal; a sender that does
 * not honour the signal may still deliver late, so the user can get the same text twice). A
 * permanent failure (invalid number, landline, opted out, blocked country) stops at once: no
 * provider can deliver to that recipient.
 *
 * Resolves to a {@link FailoverReceipt}; when every provider failed, or one failed for good,
 * rejects with a {@link DeliveryError} whose `attempts` lists each try.
 *
 * @example
 * ```ts
 * import { failoverSender, twilioSmsSender, vonageSmsSender } from 'mfakit/senders';
 * const sms = failoverSender([twilioSmsSender(twilioOptions), vonageSmsSender(vonageOptions)], { timeoutMs: 5_000 });
 * const receipt = await sms.send(message); // { id, provider: 'vonage', attempts: [{ provider: 'twilio', reason: 'timeout', retryable: true }] }
 * ```
 */
export function failoverSender<M>(
  senders: readonly ProviderSender<M>[],
  options: FailoverOptions,
): FailoverSender<M> {
  const { timeoutMs } = options;
  if (!Array.isArray(senders) || senders.length === 0) throw new MfaError('invalid_options', 'failoverSender needs at least one sender');
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new MfaError('invalid_options', 'failoverSender needs a positive timeoutMs');
  const members = [...senders];
  const name = options.name ?? 'failover';
  return {
    name,
    async send(message, sendOptions) {
      const attempts: DeliveryAttempt[] = [];
      for (const member of members) {
        if (sendOptions?.signal?.aborted) break;
        let failure: DeliveryError;
        try {
          const receipt = await attempt(member, message, timeoutMs, sendOptions?.signal);
          return { id: receipt.id, provider: member.name, attempts };
        } catch (err) {
          failure = err instanceof DeliveryError ? err : new DeliveryError(member.name, 'provider_error');
        }
        attempts.push({
          provider: member.name,
          reason: failure.reason,
          retryable: failure.retryable,
          ...(failure.providerCode === undefined ? {} : { code: failure.providerCode }),
        });
        if (!failure.retryable) {
          throw new DeliveryError(name, failure.reason, { providerCode: failure.providerCode, httpStatus: failure.httpStatus, retryable: false, attempts });
        }
      }
      const last = attempts[attempts.length - 1];
      throw new DeliveryError(name, last?.reason ?? 'timeout', { providerCode: last?.code, retryable: true, attempts });
    },
  };
}

/** One provider's try, abandoned as `timeout` after `timeoutMs` or when the caller's signal aborts. */
async function attempt<M>(member: ProviderSender<M>, message: M, timeoutMs: number, outer: AbortSignal | undefined): Promise<SendReceipt> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onOuterAbort = (): void => controller.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const sending = member.send(message, { signal: controller.signal });
    // A sender that ignores the signal settles later: its outcome is no longer wanted.
    sending.catch(() => undefined);
    const abandoned = new Promise<never>((_, reject) => {
      const onAbort = (): void => reject(new DeliveryError(member.name, 'timeout'));
      if (controller.signal.aborted) onAbort();
      else controller.signal.addEventListener('abort', onAbort, { once: true });
    });
    abandoned.catch(() => undefined);
    const receipt = await Promise.race([sending, abandoned]);
    if (typeof receipt?.id !== 'string') throw new DeliveryError(member.name, 'provider_error');
    return receipt;
  } catch (err) {
    if (controller.signal.aborted) throw new DeliveryError(member.name, 'timeout');
    throw err;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}
