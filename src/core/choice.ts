/**
 * Pure choice of the factor a challenge uses: the named one, else the preferred one, else
 * the next usable one (last used first, then channel priority, then oldest).
 * @module
 */
import type { Failure } from './outcomes.js';
import type { Channel, Factor, UnusableReason } from './types.js';

/** Which channels can deliver now, and the order to fall back through them. */
export interface Channels {
  /** Channels the host switched off. */
  readonly off: ReadonlySet<Channel>;
  /** Channels with a sender configured. */
  readonly withSender: ReadonlySet<Channel>;
  /** Fallback order. */
  readonly priority: readonly Channel[];
}

/**
 * Why a factor cannot be used for a challenge now, or `undefined` when it can.
 * `backupLeft` is how many backup codes the user has left (a backup factor with none left
 * cannot be used).
 */
export function unusableReason(c: Channels, f: Factor, backupLeft?: number): UnusableReason | undefined {
  if (f.status !== 'active') return f.status;
  if (c.off.has(f.channel)) return 'channel_disabled';
  if (!c.withSender.has(f.channel)) return 'no_sender';
  return f.channel === 'backup' && backupLeft === 0 ? 'no_codes_left' : undefined;
}

/** Every refusal of `selectFactor`. */
export type SelectRefusal = Failure<'factor_not_found' | 'factor_invalid' | 'channel_disabled' | 'no_codes_left' | 'no_usable_factor'>;

/** Whether challenges may use a channel now: switched on and with a sender. */
export function channelUsable(c: Channels, channel: Channel): boolean {
  return !c.off.has(channel) && c.withSender.has(channel);
}

/**
 * Picks the factor for a sign-in challenge. When none is usable because its channel is
 * switched off, says so (`channel_disabled`) rather than `no_usable_factor`. Backup codes
 * are the last resort: picked only when named, preferred, or when nothing else is usable,
 * and never with none left (`backupLeft`).
 */
export function selectFactor(
  factors: readonly Factor[],
  preferredId: string | null,
  requestedId: string | undefined,
  c: Channels,
  backupLeft = 0,
): Factor | SelectRefusal {
  if (requestedId !== undefined) {
    const f = factors.find((x) => x.id === requestedId);
    if (!f || f.status === 'pending') return { ok: false, error: 'factor_not_found' };
    if (f.status === 'invalid') return { ok: false, error: 'factor_invalid' };
    if (!channelUsable(c, f.channel)) return { ok: false, error: 'channel_disabled', channel: f.channel };
    if (f.channel === 'backup' && backupLeft === 0) return { ok: false, error: 'no_codes_left' };
    return f;
  }
  const usable = factors.filter((f) => unusableReason(c, f, backupLeft) === undefined);
  const preferred = usable.find((f) => f.id === preferredId);
  if (preferred) return preferred;
  const rank = (ch: Channel) => {
    const i = c.priority.indexOf(ch);
    return i === -1 ? c.priority.length : i;
  };
  const lastResort = (f: Factor) => (f.channel === 'backup' ? 1 : 0);
  const sorted = [...usable].sort(
    (a, b) =>
      lastResort(a) - lastResort(b) ||
      (b.lastUsedAt ?? -1) - (a.lastUsedAt ?? -1) ||
      rank(a.channel) - rank(b.channel) ||
      a.createdAt - b.createdAt,
  );
  const first = sorted[0];
  if (first) return first;
  const off = factors.find((f) => f.status === 'active' && c.off.has(f.channel));
  return off ? { ok: false, error: 'channel_disabled', channel: off.channel } : { ok: false, error: 'no_usable_factor' };
}
