/**
 * Pure rules of the shared send budgets (SMS-pumping defences): the per-prefix and per-IP
 * budgets, kept as sliding windows of send times split over a few shard records, and the
 * global cap, kept as counters of a fixed time slot split over shard records.
 *
 * A budget of `limit` sends is split into shards whose shares add up to `limit` exactly:
 * a send is counted in one shard whose share is not used up, so however many processes
 * race, no more than `limit` sends are ever counted, and no single record is hot (each
 * shard is its own compare-and-set record, on any store, in any Redis Cluster slot).
 * @module
 */
import type { Failure } from './outcomes.js';
import { recent } from './state.js';

/** Which shared budget refused a send (beside `'user'` and `'destination'`). */
export type BudgetScope = 'prefix' | 'ip' | 'global';

/** Shard records of a prefix or IP budget: at most this many (fewer when the limit is smaller). */
export const WINDOW_SHARDS = 4;
/** Shard records of the global cap per time slot (fewer when the cap is smaller). */
export const GLOBAL_SHARDS = 16;

/** A sliding window of send times (a shard of a prefix or IP budget). */
export interface WindowState {
  readonly sends: readonly number[];
}

/** Sends counted in one shard of the global cap, in the slot the record's key names. */
export interface SlotCount {
  readonly n: number;
}

/** How many shard records a budget of `limit` uses, at most `max`. */
export function shardCount(limit: number, max: number): number {
  return Math.max(1, Math.min(limit, max));
}

/**
 * The share of `limit` that shard `i` of `shards` may count: the shares differ by at most one
 * and add up to `limit` exactly.
 *
 * @example
 * ```ts
 * [0, 1, 2].map((i) => shareOf(10, 3, i)); // [4, 3, 3]
 * ```
 */
export function shareOf(limit: number, shards: number, i: number): number {
  return Math.floor(limit / shards) + (i < limit % shards ? 1 : 0);
}

/** A shard's refusal: when it will have room again. */
export interface ShardFull {
  readonly ok: false;
  readonly retryAfterMs: number;
}

/** Counts a send in one shard of a sliding-window budget, or says when it has room again. */
export function decideWindowShard(
  state: WindowState | null,
  share: number,
  windowMs: number,
  now: number,
): { state?: WindowState; outcome: { ok: true; at: number } | ShardFull } {
  const sends = recent(state?.sends ?? [], windowMs, now);
  const oldest = sends[0];
  if (sends.length >= share) {
    // A share of 0 never has room within this window.
    const at = oldest === undefined ? windowMs : Math.max(1, oldest + windowMs - now);
    return { outcome: { ok: false, retryAfterMs: at } };
  }
  return { state: { sends: [...sends, now] }, outcome: { ok: true, at: now } };
}

/** Gives back one counted send (`at`) of a window shard; unchanged when it is gone already. */
export function releaseWindowShard(state: WindowState | null, at: number): WindowState | null {
  if (!state) return state;
  const i = state.sends.lastIndexOf(at);
  if (i === -1) return state;
  return { sends: [...state.sends.slice(0, i), ...state.sends.slice(i + 1)] };
}

/** TTL of a window shard, in ms from `now` (0: nothing left, delete it). */
export function windowShardTtl(state: WindowState | null, windowMs: number, now: number): number {
  const last = state?.sends[state.sends.length - 1];
  return last === undefined ? 0 : last + windowMs - now;
}

/**
 * The fixed time slot of the global cap that `now` falls in: slots are `windowMs` long and
 * start at multiples of it (epoch-aligned, so every process agrees on them).
 *
 * @example
 * ```ts
 * slotOf(3_600_000 * 5 + 42, 3_600_000); // { index: 5, endsAt: 21_600_000 }
 * ```
 */
export function slotOf(now: number, windowMs: number): { index: number; endsAt: number } {
  const index = Math.floor(now / windowMs);
  return { index, endsAt: (index + 1) * windowMs };
}

/** Counts a send in one shard of the global cap's current slot, or says when the slot ends. */
export function decideSlotShard(
  state: SlotCount | null,
  share: number,
  endsAt: number,
  now: number,
): { state?: SlotCount; outcome: { ok: true } | ShardFull } {
  const n = state?.n ?? 0;
  if (n >= share) return { outcome: { ok: false, retryAfterMs: Math.max(1, endsAt - now) } };
  return { state: { n: n + 1 }, outcome: { ok: true } };
}

/** Gives back one counted send of a global-cap shard. */
export function releaseSlotShard(state: SlotCount | null): SlotCount | null {
  if (!state || state.n <= 0) return state;
  return state.n === 1 ? null : { n: state.n - 1 };
}

/** The refusal once every shard of a budget is full: the soonest any of them has room. */
export function budgetRefusal(scope: BudgetScope, fulls: readonly ShardFull[]): Failure<'send_limit_reached'> {
  const retryAfterMs = fulls.reduce((min, f) => Math.min(min, f.retryAfterMs), Number.POSITIVE_INFINITY);
  return { ok: false, error: 'send_limit_reached', scope, retryAfterMs: Number.isFinite(retryAfterMs) ? retryAfterMs : 0 };
}

/**
 * The order in which a send tries the shards: every shard once, starting at `start` (drawn at
 * random by the shell, so concurrent sends spread over the shards).
 *
 * @example
 * ```ts
 * shardOrder(4, 2); // [2, 3, 0, 1]
 * ```
 */
export function shardOrder(shards: number, start: number): number[] {
  return Array.from({ length: shards }, (_, j) => (start + j) % shards);
}

/**
 * The prefix a per-prefix budget counts by: the country calling code and the first `digits`
 * digits of the national significant number (the whole number when it is shorter).
 *
 * @example
 * ```ts
 * numberPrefix('1', '4155552671', 6); // '+1 415555'
 * ```
 */
export function numberPrefix(callingCode: string, nationalNumber: string, digits: number): string {
  return `+${callingCode} ${nationalNumber.slice(0, digits)}`;
}
