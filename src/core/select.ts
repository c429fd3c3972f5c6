/**
 * Pure choice of the factor a challenge uses: the named one, else the preferred one, else
 * the next usable one (last used first, then channel priority, then oldest).
 * @internal
 * @module
 */
import type { Failure } from '../results.js';
import type { Channel, Factor } from '../types.js';

/** What makes a factor usable right now. */
export interface Usability {
  readonly enabled: (channel: Channel) => boolean;
  readonly priority: readonly Channel[];
}

export type SelectRefusal = Failure<'factor_not_found' | 'factor_invalid' | 'channel_disabled' | 'no_usable_factor'>;

/** Picks the factor for a sign-in challenge. */
export function selectFactor(
  factors: readonly Factor[],
  preferredId: string | null,
  requestedId: string | undefined,
  u: Usability,
): Factor | SelectRefusal {
  if (requestedId !== undefined) {
    const f = factors.find((x) => x.id === requestedId);
    if (!f || f.status === 'pending') return { ok: false, error: 'factor_not_found' };
    if (f.status === 'invalid') return { ok: false, error: 'factor_invalid' };
    if (!u.enabled(f.channel)) return { ok: false, error: 'channel_disabled', channel: f.channel };
    return f;
  }
  const usable = factors.filter((f) => f.status === 'active' && u.enabled(f.channel));
  const preferred = usable.find((f) => f.id === preferredId);
  if (preferred) return preferred;
  const rank = (c: Channel) => {
    const i = u.priority.indexOf(c);
    return i === -1 ? u.priority.length : i;
  };
  const sorted = [...usable].sort(
    (a, b) => (b.lastUsedAt ?? -1) - (a.lastUsedAt ?? -1) || rank(a.channel) - rank(b.channel) || a.createdAt - b.createdAt,
  );
  return sorted[0] ?? { ok: false, error: 'no_usable_factor' };
}
