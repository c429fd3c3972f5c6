/**
 * What every operation needs: validated options, stores, clock, hasher, emitter, switches.
 * @internal
 * @module
 */
import type { CodeHasher } from './codes.js';
import type { MfaEmitter } from './events.js';
import type { Policy, ResolvedOptions } from './options.js';
import type { Clock } from './ports/clock.js';
import type { CombinedStore } from './ports/combined-store.js';
import type { FactorStore } from './ports/factor-store.js';
import type { SmsSender } from './ports/sender.js';
import type { StateStore } from './ports/state-store.js';
import type { RecordCache } from './record-cache.js';
import type { Channel } from './types.js';

/** Shared by the operations of one `Mfa` instance. */
export interface Context {
  readonly options: ResolvedOptions;
  readonly policy: Policy;
  readonly factors: FactorStore;
  readonly state: StateStore;
  /** The stores' one-call fast paths, when they have them. */
  readonly combined: CombinedStore | undefined;
  /** Last-seen per-number budget records (starting guesses for compare-and-set). */
  readonly destinations: RecordCache;
  readonly clock: Clock;
  readonly hasher: CodeHasher;
  readonly events: MfaEmitter;
  readonly sms: SmsSender | undefined;
  /** Channels switched off by the host. */
  readonly disabled: Set<Channel>;
}

/** Whether challenges may use a channel now: switched on and with a sender. */
export function channelUsable(ctx: Context, channel: Channel): boolean {
  if (ctx.disabled.has(channel)) return false;
  return channel === 'sms' ? ctx.sms !== undefined : false;
}
