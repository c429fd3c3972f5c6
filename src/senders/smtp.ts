import { MfaError } from '../config/errors.js';
import type { EmailMessage } from '../ports/sender.js';
import { DeliveryError, type DeliveryFailureReason, type ProviderSender } from './delivery-error.js';
import { boundedSignal } from './http.js';

/** SMTP is slower than a REST call: the default bound of one send. */
const SMTP_TIMEOUT_MS = 30_000;

/**
 * One mail as {@link SmtpTransport} takes it (a subset of nodemailer's mail options).
 *
 * @example
 * ```ts
 * const mail: SmtpMail = { from: 'Acme <no-reply@acme.example>', to: 'ada@example.com', subject: 'Your Acme code', text: '123456 is your code.' };
 * ```
 */
export interface SmtpMail {
  /** The `From` header and envelope sender. */
  readonly from: string;
  /** The one recipient. */
  readonly to: string;
  /** The subject line. */
  readonly subject: string;
  /** The plain-text body. */
  readonly text: string;
  /** The HTML body, when there is one. */
  readonly html?: string;
}

/**
 * What {@link smtpEmailSender} needs of a transport: nodemailer's `Transporter` (from
 * `nodemailer.createTransport(...)`) has it, so mfakit needs no nodemailer import of its own.
 *
 * @example
 * ```ts
 * import nodemailer from 'nodemailer';
 * const transport: SmtpTransport = nodemailer.createTransport({ host: 'smtp.example.com', port: 587, auth: { user, pass } });
 * ```
 */
export interface SmtpTransport {
  /** Sends one mail; resolves with the `Message-ID` it was sent under. */
  sendMail(mail: SmtpMail): Promise<{
    /** The `Message-ID` header the mail was sent with. */
    readonly messageId: string;
  }>;
}

/**
 * Options of {@link smtpEmailSender}.
 *
 * @example
 * ```ts
 * const options: SmtpEmailOptions = { transport, from: 'Acme <no-reply@acme.example>' };
 * ```
 */
export interface SmtpEmailOptions {
  /** A nodemailer transport (an optional peer dependency of mfakit), or anything with its `sendMail`. */
  readonly transport: SmtpTransport;
  /** The `From` of every mail: an address or `Name <address>`. */
  readonly from: string;
  /** How long one send may take before it fails as a retryable `timeout`; default 30 000 ms. */
  readonly timeoutMs?: number | undefined;
}

/**
 * An email sender over SMTP through a nodemailer transport: sends the subject, the text and
 * (when the template has one) the HTML body. Resolves to the `Message-ID`; rejects with a
 * {@link DeliveryError}: a recipient the server refuses (550, 551, 553) is `invalid_address`,
 * a refused login `account`, a connection that fails `network`, a temporary 4xx answer
 * retryable.
 *
 * @see https://nodemailer.com/smtp/
 * @example
 * ```ts
 * import nodemailer from 'nodemailer';
 * import { smtpEmailSender } from 'mfakit/senders';
 * const email = smtpEmailSender({
 *   transport: nodemailer.createTransport({ host: 'smtp.example.com', port: 587, auth: { user: 'mfa', pass: process.env.SMTP_PASSWORD! } }),
 *   from: 'Acme <no-reply@acme.example>',
 * });
 * const mfa = createMfa({ senders: { sms, email }, ...rest });
 * ```
 */
export function smtpEmailSender(options: SmtpEmailOptions): ProviderSender<EmailMessage> {
  const { transport, from } = options;
  if (typeof transport?.sendMail !== 'function' || !from) throw new MfaError('invalid_options', 'smtpEmailSender needs a transport with sendMail and a from address');
  const timeoutMs = options.timeoutMs ?? SMTP_TIMEOUT_MS;
  return {
    name: 'smtp',
    async send({ to, subject, text, html }, sendOptions) {
      const mail: SmtpMail = html === undefined ? { from, to, subject, text } : { from, to, subject, text, html };
      const signal = boundedSignal(timeoutMs, sendOptions?.signal);
      let info: { readonly messageId: string };
      try {
        info = await untilAborted(transport.sendMail(mail), signal);
      } catch (err) {
        throw signal.aborted ? new DeliveryError('smtp', 'timeout') : smtpError(err);
      }
      if (typeof info?.messageId !== 'string' || info.messageId === '') throw new DeliveryError('smtp', 'provider_error');
      return { id: info.messageId };
    },
  };
}

/** Rejects when the signal aborts (nodemailer's `sendMail` cannot be cancelled; the mail may still go). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * A {@link DeliveryError} from a nodemailer error: its SMTP reply code, else its error code.
 * Its `response` and `rejected` hold the address, so they are never kept.
 */
function smtpError(err: unknown): DeliveryError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; responseCode?: unknown; command?: unknown };
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const code = typeof e.code === 'string' && /^[A-Z]{1,20}$/.test(e.code) ? e.code : undefined;
  const command = typeof e.command === 'string' ? e.command : '';
  let reason: DeliveryFailureReason;
  if (reply !== undefined) {
    if ([550, 551, 553].includes(reply) && /RCPT/i.test(command)) reason = 'invalid_address';
    else if (reply === 530 || reply === 534 || reply === 535) reason = 'account';
    else if (reply === 421 || reply === 450 || reply === 451 || reply === 452) reason = 'rate_limited';
    else reason = 'provider_error';
  } else if (code === 'EAUTH') reason = 'account';
  else if (code === 'ETIMEDOUT') reason = 'timeout';
  else if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS' || code === 'ECONNREFUSED' || code === 'ETLS') reason = 'network';
  else if (code === 'EENVELOPE') reason = 'invalid_address';
  else reason = 'provider_error';
  return new DeliveryError('smtp', reason, { providerCode: reply === undefined ? code : String(reply) });
}
