import type { SNSClient } from '@aws-sdk/client-sns';
import type { SmsMessage } from '../ports/sender.js';
import { DeliveryError, type DeliveryFailureReason, type ProviderSender } from './delivery-error.js';
import { boundedSignal, DEFAULT_TIMEOUT_MS, safeCause } from './http.js';

/** SNS error codes (the SDK's error `name`, with or without `Exception`) as reasons. */
const ERROR_REASONS: Readonly<Record<string, DeliveryFailureReason>> = {
  Throttled: 'rate_limited',
  Throttling: 'rate_limited',
  KMSThrottling: 'rate_limited',
  InternalError: 'provider_error',
  AuthorizationError: 'account',
  InvalidClientTokenId: 'account',
  InvalidSecurity: 'account',
  SignatureDoesNotMatch: 'account',
  ExpiredToken: 'account',
  AccessDenied: 'account',
};

/**
 * Options of {@link snsSmsSender}.
 *
 * @example
 * ```ts
 * import { SNSClient } from '@aws-sdk/client-sns';
 * const options: SnsSmsOptions = { client: new SNSClient({ region: 'us-east-1' }), senderId: 'Acme' };
 * ```
 */
export interface SnsSmsOptions {
  /** The host's `SNSClient` (from `@aws-sdk/client-sns`), with its region and credentials. */
  readonly client: SNSClient;
  /** `AWS.SNS.SMS.SenderID`, where the destination country supports sender ids. */
  readonly senderId?: string | undefined;
  /** How long one request may take before it fails as a retryable `timeout`; default 10 000 ms. */
  readonly timeoutMs?: number | undefined;
}

/**
 * An SMS sender over Amazon SNS: one `Publish` with `PhoneNumber`, `Message` and
 * `AWS.SNS.SMS.SMSType` = `Transactional`, sent by the host's `SNSClient` (the official
 * `@aws-sdk/client-sns`, an optional peer dependency loaded on the first send, so mfakit
 * works without it; its SigV4 signing and credential chain are the SDK's). Resolves to the
 * `MessageId`; rejects with a {@link DeliveryError} (throttling `rate_limited`, an invalid
 * `PhoneNumber` `invalid_number`, credentials `account`, ...).
 *
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * @example
 * ```ts
 * import { SNSClient } from '@aws-sdk/client-sns';
 * import { snsSmsSender } from 'mfakit/senders';
 * const sms = snsSmsSender({ client: new SNSClient({ region: 'us-east-1' }) });
 * const mfa = createMfa({ senders: { sms }, ...rest });
 * ```
 */
export function snsSmsSender(options: SnsSmsOptions): ProviderSender<SmsMessage> {
  const { client, senderId } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    name: 'sns',
    async send({ to, body }, sendOptions) {
      const { PublishCommand } = await import('@aws-sdk/client-sns');
      const attributes: Record<string, { DataType: string; StringValue: string }> = {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      };
      if (senderId !== undefined) attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: senderId };
      const abortSignal = boundedSignal(timeoutMs, sendOptions?.signal);
      let messageId: string | undefined;
      try {
        const output = await client.send(new PublishCommand({ PhoneNumber: to, Message: body, MessageAttributes: attributes }), { abortSignal });
        messageId = output.MessageId;
      } catch (err) {
        throw snsError(err, abortSignal.aborted);
      }
      if (!messageId) throw new DeliveryError('sns', 'provider_error');
      return { id: messageId };
    },
  };
}

/** A {@link DeliveryError} from an SDK error, keeping its error code and status, never its message. */
function snsError(err: unknown, aborted: boolean): DeliveryError {
  if (aborted) return new DeliveryError('sns', 'timeout');
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const name = typeof e.name === 'string' && /^\w{1,80}$/.test(e.name) ? e.name : undefined;
  if (status === undefined) {
    // No answer from AWS: the request did not get through (the SDK's own errors name no status).
    return new DeliveryError('sns', name === 'TimeoutError' ? 'timeout' : 'network', { cause: safeCause(err) });
  }
  const code = name?.replace(/Exception$/, '');
  const message = typeof e.message === 'string' ? e.message : '';
  const reason: DeliveryFailureReason =
    (code === undefined ? undefined : ERROR_REASONS[code]) ??
    (code?.startsWith('InvalidParameter') && /PhoneNumber/.test(message)
      ? 'invalid_number'
      : status === 429
        ? 'rate_limited'
        : status === 401 || status === 403
          ? 'account'
          : 'provider_error');
  return new DeliveryError('sns', reason, { providerCode: code, httpStatus: status });
}
