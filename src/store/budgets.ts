/**
 * Compare-and-set of the shared send budgets (the per-prefix and per-IP windows, the global
 * cap's slot counters): each is split over shard records (see `core/budgets.ts`), each shard
 * one ordinary state record, so every store runs them and a Redis Cluster never sees two
 * slots in one command. A counted send can be given back (its `release`).
 * @internal
 * @module
 */
import { randomInt } from 'node:crypto';
import {
  type BudgetScope, budgetRefusal, decideSlotShard, decideWindowShard, GLOBAL_SHARDS, releaseSlotShard, releaseWindowShard,
  shardCount, shardOrder, type ShardFull, shareOf, type SlotCount, slotOf, WINDOW_SHARDS, type WindowState, windowShardTtl,
} from '../core/budgets.js';
import { decodeDestination, decodeSlotCount, encodeDestination, encodeSlotCount } from '../core/codec.js';
import type { Failure } from '../core/outcomes.js';
import { type Codec } from './records.js';
import { type Slot, update } from './cas.js';
import type { StateContext } from './user-state.js';

/** A send counted in a budget, and how to give it back when the send is refused later. */
export interface Counted {
  readonly ok: true;
  /** Gives the counted send back (a send refused after it was counted). */
  release(): Promise<void>;
}

/** State key of one shard of a prefix or IP budget (`kind`: `pfx` or `ip`; `hash`: a keyed hash, never the value). */
export const windowKey = (kind: 'pfx' | 'ip', hash: string, shard: number): string => `${kind}:${hash}:${shard}`;
/** State key of one shard of the global cap in the slot `index`. */
export const slotKey = (index: number, shard: number): string => `cap:${index}:${shard}`;

/** The window codecs made so far, by window length (a deployment has one or two; cached like `userCodec`, not made per send). */
const windowCodecs = new Map<number, Codec<WindowState | null>>();

function windowCodec(windowMs: number): Codec<WindowState | null> {
  let codec = windowCodecs.get(windowMs);
  if (codec === undefined) {
    codec = {
      kind: 'window',
      empty: null,
      decode: decodeDestination,
      encode: (s) => encodeDestination(s ?? { sends: [] }),
      ttl: (s, now) => windowShardTtl(s, windowMs, now),
    };
    if (windowCodecs.size < 16) windowCodecs.set(windowMs, codec);
  }
  return codec;
}

/** The last slot codec made: every send of one slot reuses it (a new slot makes a new one). */
let lastSlotCodec: { readonly endsAt: number; readonly codec: Codec<SlotCount | null> } | undefined;

function slotCodec(endsAt: number): Codec<SlotCount | null> {
  if (lastSlotCodec?.endsAt === endsAt) return lastSlotCodec.codec;
  const codec: Codec<SlotCount | null> = {
    kind: 'slot',
    empty: null,
    decode: decodeSlotCount,
    encode: (s) => encodeSlotCount(s ?? { n: 0 }),
    ttl: (s, now) => (s && s.n > 0 ? endsAt - now : 0),
  };
  lastSlotCodec = { endsAt, codec };
  return codec;
}

/** A shard record, starting from the copy this process saw last (or "missing") where a lost race is cheap. */
function slot<S>(key: string, codec: Codec<S>): Slot<S> {
  return { key, codec, guess: 'or-missing' };
}

/** Runs one rule over one record (the shape `update` wants). */
async function over<S, R>(ctx: StateContext, s: Slot<S>, decide: (state: S, now: number) => { state?: S | undefined; outcome: R }): Promise<R> {
  const r = await update<[S], R>(ctx, [s], ([state], now) => {
    const d = decide(state, now);
    return d.state === undefined ? { outcome: d.outcome } : { states: [d.state], outcome: d.outcome };
  });
  return r.outcome;
}

/**
 * Counts a send in a sliding-window budget of `limit` sends per `windowMs` (prefix or IP):
 * in the first shard, from a random one, that has room. Refused when every shard is full.
 */
export async function countWindow(
  ctx: StateContext,
  scope: Exclude<BudgetScope, 'global'>,
  hash: string,
  limit: number,
  windowMs: number,
): Promise<Counted | Failure<'send_limit_reached'>> {
  const shards = shardCount(limit, WINDOW_SHARDS);
  const codec = windowCodec(windowMs);
  const fulls: ShardFull[] = [];
  for (const i of shardOrder(shards, randomInt(shards))) {
    const key = windowKey(scope === 'prefix' ? 'pfx' : 'ip', hash, i);
    const share = shareOf(limit, shards, i);
    const r = await over(ctx, slot(key, codec), (s, now) => decideWindowShard(s, share, windowMs, now));
    if (r.ok) {
      const at = r.at;
      return {
        ok: true,
        release: async () => {
          await over(ctx, slot(key, codec), (s) => {
            const next = releaseWindowShard(s, at);
            return { state: next === s ? undefined : next, outcome: undefined };
          });
        },
      };
    }
    fulls.push(r);
  }
  return budgetRefusal(scope, fulls);
}

/**
 * Counts a send against the global cap: `limit` sends per fixed slot of `windowMs`, counted
 * in the first shard, from a random one, that has room. Refused when every shard is full.
 */
export async function countGlobal(ctx: StateContext, limit: number, windowMs: number): Promise<Counted | Failure<'send_limit_reached'>> {
  const shards = shardCount(limit, GLOBAL_SHARDS);
  // A slot that ends during the scan is scanned again in the next slot (at most once more).
  for (let pass = 0; pass < 2; pass++) {
    const { index, endsAt } = slotOf(ctx.clock.now(), windowMs);
    const codec = slotCodec(endsAt);
    const fulls: ShardFull[] = [];
    let rolled = false;
    for (const i of shardOrder(shards, randomInt(shards))) {
      const key = slotKey(index, i);
      const share = shareOf(limit, shards, i);
      const r = await over(ctx, slot(key, codec), (s, now) =>
        now >= endsAt ? { outcome: { ok: false, retryAfterMs: 0 } as const } : decideSlotShard(s, share, endsAt, now),
      );
      if (r.ok) {
        return {
          ok: true,
          release: async () => {
            await over(ctx, slot(key, codec), (s) => {
              const next = releaseSlotShard(s);
              return { state: next === s ? undefined : next, outcome: undefined };
            });
          },
        };
      }
      if (r.retryAfterMs === 0) {
        rolled = true;
        break;
      }
      fulls.push(r);
    }
    if (!rolled) return budgetRefusal('global', fulls);
  }
  return budgetRefusal('global', []);
}
