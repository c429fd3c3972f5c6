/**
 * The development SMS sender: messages are kept in memory and shown on the /dev/outbox
 * page instead of being delivered. Never used when NODE_ENV=production.
 * @module
 */
import type { Clock, SmsSender } from 'mfakit';
import { outboxSender, type OutboxMessage } from 'mfakit/testing';

/** A message in the dev outbox, with the (app clock) time it was sent. */
export interface DevMessage extends OutboxMessage {
  readonly sentAt: number;
}

/** The dev outbox: an `SmsSender` for mfakit plus the list the page shows. */
export interface DevOutbox {
  readonly sender: SmsSender;
  /** Newest first. */
  list(): DevMessage[];
  /** Makes the next `count` sends fail (handy to see `delivery_failed` in the UI and in tests). */
  failNext(count?: number): void;
}

/** Creates a dev outbox that keeps the last `keep` messages; `clock` stamps each one. */
export function devOutbox(clock: Clock, keep = 200): DevOutbox {
  // mfakit's outboxSender does the recording (and pulls the code out of the body);
  // this wrapper adds a timestamp and a bound, as anything a server keeps in memory should have.
  const outbox = outboxSender();
  const kept: DevMessage[] = [];
  let sent = 0;
  return {
    sender: {
      name: 'dev-outbox',
      async send(message) {
        await outbox.send(message); // rejects when told to fail (failNext)
        const recorded = outbox.last();
        outbox.clear();
        const id = `dev-${++sent}`;
        if (recorded) kept.push({ ...recorded, id, sentAt: clock.now() });
        if (kept.length > keep) kept.splice(0, kept.length - keep);
        return { id };
      },
    },
    list: () => [...kept].reverse(),
    failNext: (count) => outbox.failNext(count),
  };
}
