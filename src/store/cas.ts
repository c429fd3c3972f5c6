/**
 * The one compare-and-set loop, over one record or several committed together: read (or
 * start from a snapshot) → decide (a pure rule of `core/`) → commit; a lost race decides
 * again on the current records, bounded by `maxCasAttempts`, then fails closed with
 * `contention`. Nothing is reported as done unless the commit won.
 * @internal
 * @module
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MfaError } from '../config/errors.js';
import type { Clock } from '../ports/clock.js';
import type { FactorTouch, StateWrite } from '../ports/combined-store.js';
import type { VersionedRecord } from '../ports/state-store.js';
import type { StoreGateway } from './gateway.js';
import { type Codec, decodeWith, writeOf } from './records.js';

/** A record to start a compare-and-set from instead of reading it. */
export interface Snapshot {
  readonly record: VersionedRecord | null;
  /** Not read now but remembered: a refusal based on it is checked with a real read. */
  readonly guess?: true;
}

/** One record taking part in a compare-and-set. */
export interface Slot<S> {
  readonly key: string;
  readonly codec: Codec<S>;
  /** Start from this record instead of reading it. */
  readonly start?: Snapshot | undefined;
  /** Told every version of the record seen or written. */
  readonly remember?: ((rec: VersionedRecord | null) => void) | undefined;
}

/**
 * A decision over the records: their new states (absent: nothing is written) and what to
 * report. A refusal names the record it rests on (`refusedBy`, an index; absent: any), so
 * a refusal resting on a remembered guess is checked against a real read first.
 */
export interface Decision<T extends readonly unknown[], R> {
  readonly states?: T;
  readonly outcome: R;
  readonly refusedBy?: number;
}

/** What the loop needs of the instance. */
export interface CasContext {
  readonly store: StoreGateway;
  readonly clock: Clock;
  readonly maxAttempts: number;
}

/** The outcome, and whether a requested factor touch was applied (absent: none requested). */
export interface Updated<R> {
  readonly outcome: R;
  readonly touched?: boolean;
}

/**
 * Atomically updates the records of `slots` (one commit for all of them: several need a
 * `multiKey` store). `touch` names a factor use to record when the commit wins.
 */
export async function update<T extends readonly unknown[], R>(
  ctx: CasContext,
  slots: { readonly [K in keyof T]: Slot<T[K]> },
  decide: (states: T, now: number) => Decision<T, R>,
  touch?: (outcome: R) => FactorTouch | undefined,
): Promise<Updated<R>> {
  const list = slots as readonly Slot<unknown>[];
  const recs: (VersionedRecord | null | undefined)[] = list.map((s) => s.start?.record);
  const guessed: boolean[] = list.map((s) => s.start?.guess === true);
  for (let attempt = 0; attempt < ctx.maxAttempts; attempt++) {
    for (const [i, slot] of list.entries()) {
      if (recs[i] !== undefined) continue;
      const read = await ctx.store.read(slot.key);
      recs[i] = read;
      guessed[i] = false;
      slot.remember?.(read);
    }
    const now = ctx.clock.now();
    const current = recs as (VersionedRecord | null)[];
    const d = decide(list.map((s, i) => decodeWith(s.codec, current[i] ?? null)) as unknown as T, now);
    if (d.states === undefined) {
      const suspects = d.refusedBy === undefined ? list.map((_, i) => i) : [d.refusedBy];
      const unproven = suspects.filter((i) => guessed[i]);
      if (unproven.length === 0) return { outcome: d.outcome };
      for (const i of unproven) recs[i] = undefined; // refused on a remembered record: read the real one first
      continue;
    }
    const states = d.states as readonly unknown[];
    const writes: { slot: number; write: StateWrite }[] = [];
    for (const [i, slot] of list.entries()) {
      const write = writeOf(slot.key, slot.codec, current[i] ?? null, states[i], now);
      if (write) writes.push({ slot: i, write });
    }
    if (writes.length === 0) return { outcome: d.outcome };
    const wanted = touch?.(d.outcome);
    const r = await ctx.store.commit(writes.map((w) => w.write), wanted);
    if (r.ok) {
      for (const [n, { slot, write }] of writes.entries()) {
        const version = r.versions[n];
        if (version !== undefined) list[slot]?.remember?.(write.value === null || version === null ? null : { value: write.value, version });
      }
      return wanted ? { outcome: d.outcome, touched: r.touched } : { outcome: d.outcome };
    }
    for (const [n, { slot }] of writes.entries()) {
      const rec = r.current ? (r.current[n] ?? null) : undefined;
      recs[slot] = rec;
      guessed[slot] = false;
      if (rec !== undefined) list[slot]?.remember?.(rec);
    }
    await backOff(attempt);
  }
  throw new MfaError('contention', `Too many concurrent updates of one record (${ctx.maxAttempts} attempts); nothing was done`);
}

/** Lost a race: back off a little (jittered, growing) so contenders spread out. */
async function backOff(attempt: number): Promise<void> {
  if (attempt > 2) await sleep(randomInt(0, Math.min(2 ** attempt, 50) + 1));
}
