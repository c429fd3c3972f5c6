/**
 * The development senders: text messages, voice calls and emails are kept in memory and shown
 * on the /dev/outbox page instead of being delivered. SMS goes through mfakit's
 * `devOutboxSender`; voice and email are recorded here the same way. Never used when
 * NODE_ENV=production (both refuse to be created then).
 *
 * ADAPT: a real server uses its providers' senders: `SMS_PROVIDER`, `SMTP_URL` (see
 * delivery-env.ts and examples/express/README.md, "Send real messages").
 * @module
 */
import type { Clock, EmailSender, Purpose, SendReceipt, SmsSender, VoiceSender } from 'mfakit';
import { devOutboxSender } from 'mfakit/senders';

/** The channels that deliver a code. */
export type CodeChannel = 'sms' | 'voice' | 'email';

/** A message in the dev outbox. */
export interface DevMessage {
  readonly id: string;
  readonly channel: CodeChannel;
  /** The full destination: E.164 number or email address. */
  readonly to: string;
  readonly purpose: Purpose;
  readonly locale: string;
  /** When it was sent (app clock). */
  readonly sentAt: number;
  /** The text message, the words the call speaks, or the email's plain-text part. */
  readonly body: string;
  /** The email's subject (email only). */
  readonly subject?: string;
  /** The code found in `body`, shown apart. */
  readonly code: string | undefined;
}

/** The dev outbox: one sender per channel, and every message they "sent". */
export interface DevOutbox {
  readonly senders: { readonly sms: SmsSender; readonly voice: VoiceSender; readonly email: EmailSender };
  /** Newest first, every channel. */
  list(): DevMessage[];
  /** Makes the next `count` sends (any channel) fail: handy to see `delivery_failed` in the UI and in tests. */
  failNext(count?: number): void;
}

/**
 * The code in a message: the first run of exactly 6 digits once the `, ` between spoken
 * digits is removed (`1, 2, 3, 4, 5, 6` → `123456`).
 */
export function codeIn(text: string, length = 6): string | undefined {
  const joined = text.replace(/(\d), (?=\d)/g, '$1');
  return new RegExp(`(?<!\\d)\\d{${length}}(?!\\d)`).exec(joined)?.[0];
}

/** Creates a dev outbox that keeps the last `keep` messages; `clock` stamps each one. */
export function devOutbox(clock: Clock, keep = 200): DevOutbox {
  if (process.env['NODE_ENV'] === 'production') {
    throw new Error('The dev outbox keeps codes in memory for a dev page: it must not run with NODE_ENV=production');
  }
  const sms = devOutboxSender({ clock, keep }); // mfakit's: keeps each text and its code
  const calls: DevMessage[] = []; // voice and email, recorded here
  const order = new Map<string, number>(); // message id → send order, across channels
  let failing = 0;
  let seq = 0;

  const failIfTold = () => {
    if (failing > 0) {
      failing -= 1;
      throw new Error('dev outbox told to fail');
    }
  };
  const numbered = (id: string): SendReceipt => {
    order.set(id, ++seq);
    if (order.size > 2 * keep) for (const key of [...order.keys()].slice(0, order.size - 2 * keep)) order.delete(key); // bounded
    return { id };
  };
  const record = (m: Omit<DevMessage, 'id' | 'sentAt' | 'code'>): SendReceipt => {
    const id = `dev-${m.channel}-${seq + 1}`;
    calls.push({ ...m, id, sentAt: clock.now(), code: codeIn(m.body) });
    if (calls.length > keep) calls.splice(0, calls.length - keep); // bounded
    return numbered(id);
  };

  return {
    senders: {
      sms: {
        name: 'dev-outbox',
        async send(message) {
          failIfTold();
          return numbered((await sms.send(message)).id);
        },
      },
      voice: {
        name: 'dev-outbox-voice',
        async send({ to, text, purpose, locale }) {
          failIfTold();
          return record({ channel: 'voice', to, purpose, locale, body: text });
        },
      },
      email: {
        name: 'dev-outbox-email',
        async send({ to, subject, text, purpose, locale }) {
          failIfTold();
          return record({ channel: 'email', to, purpose, locale, body: text, subject });
        },
      },
    },
    list: () => {
      const texts: DevMessage[] = sms.list().map(({ id, to, purpose, locale, sentAt, body, code }) => ({ id, channel: 'sms', to, purpose, locale, sentAt, body, code }));
      const rank = (m: DevMessage) => order.get(m.id) ?? 0;
      return [...texts, ...calls].sort((a, b) => rank(b) - rank(a)).slice(0, keep);
    },
    failNext(count = 1) {
      failing = count;
    },
  };
}
