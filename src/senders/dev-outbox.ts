import { systemClock, type Clock } from '../ports/clock.js';
import type { SmsMessage, SmsSender } from '../ports/sender.js';

/**
 * A message kept by a {@link devOutboxSender}.
 *
 * @example
 * ```ts
 * const latest: DevOutboxMessage | undefined = outbox.list()[0]; latest?.body;
 * ```
 */
export interface DevOutboxMessage extends SmsMessage {
  /** The id returned as the provider's message id. */
  readonly id: string;
  /** When it was sent (the sender's clock). */
  readonly sentAt: number;
  /** The code in the body (the first run of exactly `codeLength` digits), to show apart. */
  readonly code: string | undefined;
}

/**
 * An SMS sender for development that keeps the latest messages in memory so a dev page
 * can show them (with their codes), instead of delivering them.
 *
 * @example
 * ```ts
 * const outbox: DevOutboxSender = devOutboxSender(); outbox.list(); // newest first
 * ```
 */
export interface DevOutboxSender extends SmsSender {
  /** The kept messages, newest first. */
  list(): DevOutboxMessage[];
  /** Makes the next `count` sends (default 1) fail, to see `delivery_failed` in a UI. */
  failNext(count?: number): void;
  /** Forgets every message. */
  clear(): void;
}

/**
 * A development sender: messages go to an in-memory list (the last `keep`, default 100)
 * that a dev page shows, never to a phone; each keeps the code found in its body. It holds codes in clear, so it refuses to be
 * created when `NODE_ENV` is `production`.
 *
 * @example
 * ```ts
 * import { devOutboxSender } from 'mfakit/senders';
 * const outbox = devOutboxSender();
 * const mfa = createMfa({ senders: { sms: outbox }, ...rest });
 * app.get('/dev/outbox', (req, res) => res.json(outbox.list()));
 * ```
 */
export function devOutboxSender(options: { keep?: number; clock?: Clock; codeLength?: number } = {}): DevOutboxSender {
  if (process.env['NODE_ENV'] === 'production') {
    throw new Error('devOutboxSender keeps codes in memory for a dev page: it must not run with NODE_ENV=production');
  }
  const keep = options.keep ?? 100;
  const codePattern = new RegExp(`(?<!\\d)\\d{${options.codeLength ?? 6}}(?!\\d)`);
  const clock = options.clock ?? systemClock;
  const kept: DevOutboxMessage[] = [];
  let failing = 0;
  let sent = 0;
  return {
    name: 'dev-outbox',
    async send(message) {
      if (failing > 0) {
        failing -= 1;
        throw new Error('dev outbox told to fail');
      }
      const id = `dev-${++sent}`;
      kept.push({ ...message, id, sentAt: clock.now(), code: codePattern.exec(message.body)?.[0] });
      if (kept.length > keep) kept.splice(0, kept.length - keep);
      return { id };
    },
    list: () => [...kept].reverse(),
    failNext(count = 1) {
      failing = count;
    },
    clear() {
      kept.length = 0;
    },
  };
}
