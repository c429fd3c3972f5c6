/**
 * The development SMS sender: messages are kept in memory and shown on the /dev/outbox
 * page instead of being delivered. Never used when NODE_ENV=production (mfakit's
 * `devOutboxSender` refuses to be created then).
 * @module
 */
import type { Clock } from 'mfakit';
import { devOutboxSender, type DevOutboxMessage, type DevOutboxSender } from 'mfakit/senders';

/** A message in the dev outbox, with the (app clock) time it was sent and its code. */
export type DevMessage = DevOutboxMessage;

/** The dev outbox: mfakit's sender, whose `list()` the page shows (newest first). */
export interface DevOutbox {
  readonly sender: DevOutboxSender;
  /** Newest first. */
  list(): DevMessage[];
  /** Makes the next `count` sends fail (handy to see `delivery_failed` in the UI and in tests). */
  failNext(count?: number): void;
}

/** Creates a dev outbox that keeps the last `keep` messages; `clock` stamps each one. */
export function devOutbox(clock: Clock, keep = 200): DevOutbox {
  const sender = devOutboxSender({ clock, keep });
  return { sender, list: () => sender.list(), failNext: (count) => sender.failNext(count) };
}
