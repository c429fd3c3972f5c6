/** Table tests of the pure rules of the shared send budgets (core/budgets.ts) and the country rule. */
import { describe, expect, it } from 'vitest';
import {
  budgetRefusal, decideSlotShard, decideWindowShard, numberPrefix, releaseSlotShard, releaseWindowShard, shardCount, shardOrder, shareOf, slotOf,
  windowShardTtl,
} from '../../src/core/budgets.js';
import { countryAllowed } from '../../src/core/sending.js';

const H = 3_600_000;

describe('shareOf / shardCount: the shares add up to the limit exactly', () => {
  it.each([
    [1, 8], [7, 8], [8, 8], [10, 3], [100, 8], [101, 8], [1000, 16], [12_345, 16],
  ])('limit %i over at most %i shards', (limit, max) => {
    const shards = shardCount(limit, max);
    expect(shards).toBe(Math.min(limit, max));
    const shares = Array.from({ length: shards }, (_, i) => shareOf(limit, shards, i));
    expect(shares.reduce((a, b) => a + b, 0)).toBe(limit);
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    expect(Math.min(...shares)).toBeGreaterThan(0);
  });
});

describe('shardOrder', () => {
  it.each([
    [1, 0, [0]],
    [4, 0, [0, 1, 2, 3]],
    [4, 2, [2, 3, 0, 1]],
    [3, 2, [2, 0, 1]],
  ])('%i shards from %i', (shards, start, order) => {
    expect(shardOrder(shards, start)).toEqual(order);
  });
});

describe('decideWindowShard (a shard of the prefix or IP budget: sliding window)', () => {
  it.each([
    { name: 'empty: counts', sends: [], share: 2, now: 1000, ok: true, after: [1000] },
    { name: 'room left: counts', sends: [10], share: 2, now: 1000, ok: true, after: [10, 1000] },
    { name: 'full: refuses until the oldest leaves', sends: [10, 20], share: 2, now: 1000, ok: false, retry: 10 + H - 1000 },
    { name: 'old sends age out', sends: [0, 20], share: 2, now: H, ok: true, after: [20, H] },
    { name: 'at exactly one window the oldest is gone', sends: [0], share: 1, now: H, ok: true, after: [H] },
    { name: 'one ms before it is not', sends: [0], share: 1, now: H - 1, ok: false, retry: 1 },
  ])('$name', ({ sends, share, now, ok, after, retry }) => {
    const d = decideWindowShard(sends.length ? { sends } : null, share, H, now);
    expect(d.outcome.ok).toBe(ok);
    if (ok) {
      expect(d.state).toEqual({ sends: after });
      expect(d.outcome).toEqual({ ok: true, at: now });
    } else {
      expect(d.state).toBeUndefined();
      expect(d.outcome).toEqual({ ok: false, retryAfterMs: retry });
    }
  });

  it('releaseWindowShard gives back the one send counted at `at`, and nothing else', () => {
    expect(releaseWindowShard({ sends: [5, 7, 7, 9] }, 7)).toEqual({ sends: [5, 7, 9] });
    const s = { sends: [5] };
    expect(releaseWindowShard(s, 6)).toBe(s);
    expect(releaseWindowShard(null, 6)).toBeNull();
    expect(releaseWindowShard({ sends: [5] }, 5)).toEqual({ sends: [] });
  });

  it('windowShardTtl: until the last send leaves the window; 0 when empty (delete)', () => {
    expect(windowShardTtl({ sends: [100, 200] }, H, 300)).toBe(200 + H - 300);
    expect(windowShardTtl({ sends: [] }, H, 300)).toBe(0);
    expect(windowShardTtl(null, H, 300)).toBe(0);
  });
});

describe('slotOf / decideSlotShard (a shard of the global cap: fixed, epoch-aligned slots)', () => {
  it.each([
    [0, { index: 0, endsAt: H }],
    [H - 1, { index: 0, endsAt: H }],
    [H, { index: 1, endsAt: 2 * H }],
    [5 * H + 42, { index: 5, endsAt: 6 * H }],
  ])('slotOf(%i)', (now, slot) => {
    expect(slotOf(now, H)).toEqual(slot);
  });

  it.each([
    { n: undefined, share: 1, ok: true, next: 1 },
    { n: 2, share: 3, ok: true, next: 3 },
    { n: 3, share: 3, ok: false },
    { n: 4, share: 3, ok: false },
  ])('count $n of share $share', ({ n, share, ok, next }) => {
    const d = decideSlotShard(n === undefined ? null : { n }, share, H, H - 250);
    if (ok) expect(d).toEqual({ state: { n: next }, outcome: { ok: true } });
    else expect(d).toEqual({ outcome: { ok: false, retryAfterMs: 250 } });
  });

  it('releaseSlotShard takes one back; the last one empties the record', () => {
    expect(releaseSlotShard({ n: 3 })).toEqual({ n: 2 });
    expect(releaseSlotShard({ n: 1 })).toBeNull();
    expect(releaseSlotShard(null)).toBeNull();
  });
});

describe('budgetRefusal', () => {
  it('names the scope and the soonest shard with room', () => {
    expect(budgetRefusal('prefix', [{ ok: false, retryAfterMs: 900 }, { ok: false, retryAfterMs: 300 }])).toEqual({
      ok: false, error: 'send_limit_reached', scope: 'prefix', retryAfterMs: 300,
    });
    expect(budgetRefusal('global', [])).toMatchObject({ scope: 'global', retryAfterMs: 0 });
  });
});

describe('numberPrefix', () => {
  it.each([
    ['1', '4155552671', 6, '+1 415555'],
    ['44', '7700900123', 6, '+44 770090'],
    ['81', '9012345678', 3, '+81 901'],
    ['1', '415', 6, '+1 415'],
  ])('+%s %s, %i digits', (cc, national, digits, prefix) => {
    expect(numberPrefix(cc, national, digits)).toBe(prefix);
  });
});

describe('countryAllowed (global list and channel list together)', () => {
  it.each([
    { country: 'US', lists: [], ok: true },
    { country: undefined, lists: [], ok: true },
    { country: 'US', lists: [undefined, undefined], ok: true },
    { country: 'US', lists: [['US', 'CA'], ['US']], ok: true },
    { country: 'CA', lists: [['US', 'CA'], ['US']], ok: false },
    { country: 'CA', lists: [undefined, ['US']], ok: false },
    { country: 'FR', lists: [['US'], undefined], ok: false },
    { country: undefined, lists: [['US']], ok: false },
  ])('$country in $lists → $ok', ({ country, lists, ok }) => {
    expect(countryAllowed(country, lists)).toBe(ok);
  });
});
