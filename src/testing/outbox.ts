import type { SmsMessage, SmsSender } from '../ports/sender.js';

/**
 * A message an {@link outboxSender} accepted, with when it was sent.
 *
 * @example
 * ```ts
 * const m: OutboxMessage | undefined = outbox.last('+14155552671'); m?.code; // '042917'
 * ```
 */
export interface OutboxMessage extends SmsMessage {
  /** The id the outbox returned as the provider's message id. */
  readonly id: string;
  /** The code found in the body (the first run of digits of the code length), for tests. */
  readonly code: string | undefined;
}

/**
 * An in-memory sender for tests: keeps every message, can be told to fail.
 *
 * @example
 * ```ts
 * const outbox: OutboxSender = outboxSender(); outbox.failNext(1); // the next send rejects
 * ```
 */
export interface OutboxSender extends SmsSender {
  /** Messages accepted so far, oldest first. */
  readonly messages: readonly OutboxMessage[];
  /** The last message (optionally the last one to `to`). */
  last(to?: string): OutboxMessage | undefined;
  /** Makes the next `count` sends (default: all, until `failNext(0)`) reject. */
  failNext(count?: number): void;
  /** Forgets every message. */
  clear(): void;
}

/**
 * A sender that records messages instead of delivering them, for tests and dev pages.
 *
 * @example
 * ```ts
 * import { outboxSender } from 'mfakit/testing';
 * const outbox = outboxSender();
 * const mfa = createMfa({ senders: { sms: outbox }, ...rest });
 * await mfa.startChallenge('u1');
 * await mfa.verify('u1', outbox.last()!.code!);
 * ```
 */
export function outboxSender(options: { codeLength?: number } = {}): OutboxSender {
  const messages: OutboxMessage[] = [];
  const pattern = new RegExp(`(?<!\\d)\\d{${options.codeLength ?? 6}}(?!\\d)`);
  let failing = 0;
  let sent = 0;
  return {
    name: 'outbox',
    messages,
    async send(message) {
      if (failing !== 0) {
        if (failing > 0) failing -= 1;
        throw new Error('outbox sender told to fail');
      }
      sent += 1;
      const id = `outbox-${sent}`;
      messages.push({ ...message, id, code: pattern.exec(message.body)?.[0] });
      return { id };
    },
    last(to) {
      for (let i = messages.length - 1; i >= 0; i--) {
        const m = messages[i];
        if (m && (to === undefined || m.to === to)) return m;
      }
      return undefined;
    },
    failNext(count = -1) {
      failing = count;
    },
    clear() {
      messages.length = 0;
    },
  };
}
