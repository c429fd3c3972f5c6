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
  const n = list.length;
  const recs: (VersionedRecord | null | undefined)[] = new Array(n);
  const guessed: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) {
    recs[i] = list[i]?.start?.record;
    guessed[i] = list[i]?.start?.guess === true;
  }
  for (let attempt = 0; attempt < ctx.maxAttempts; attempt++) {
    const states: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const slot = list[i] as Slot<unknown>;
      let rec = recs[i];
      if (rec === undefined) {
        rec = await ctx.store.read(slot.key);
        recs[i] = rec;
        guessed[i] = false;
        slot.remember?.(rec);
      }
      states[i] = decodeWith(slot.codec, rec);
    }
    const now = ctx.clock.now();
    const d = decide(states as unknown as T, now);
    if (d.states === undefined) {
      // A refusal resting on a remembered guess is checked against a real read first.
      let unproven = false;
      for (let i = 0; i < n; i++) {
        if (guessed[i] && (d.refusedBy === undefined || d.refusedBy === i)) {
          recs[i] = undefined;
          unproven = true;
        }
      }
      if (unproven) continue;
      return { outcome: d.outcome };
    }
    const next = d.states as readonly unknown[];
    const writes: StateWrite[] = [];
    const written: number[] = [];
    for (let i = 0; i < n; i++) {
      const slot = list[i] as Slot<unknown>;
      const write = writeOf(slot.key, slot.codec, recs[i] ?? null, next[i], now);
      if (write) {
        writes.push(write);
        written.push(i);
      }
    }
    if (writes.length === 0) return { outcome: d.outcome };
    const wanted = touch?.(d.outcome);
    const r = await ctx.store.commit(writes, wanted);
    if (r.ok) {
      for (let w = 0; w < writes.length; w++) {
        const version = r.versions[w];
        const value = (writes[w] as StateWrite).value;
        const remember = list[written[w] as number]?.remember;
        if (remember && version !== undefined) remember(value === null || version === null ? null : { value, version });
      }
      return wanted ? { outcome: d.outcome, touched: r.touched } : { outcome: d.outcome };
    }
    for (let w = 0; w < writes.length; w++) {
      const i = written[w] as number;
      const rec = r.current ? (r.current[w] ?? null) : undefined;
      recs[i] = rec;
      guessed[i] = false;
      if (rec !== undefined) list[i]?.remember?.(rec);
    }
    await backOff(attempt);
  }
  throw new MfaError('contention', `Too many concurrent updates of one record (${ctx.maxAttempts} attempts); nothing was done`);
}

/** Lost a race: back off a little (jittered, growing) so contenders spread out. */
async function backOff(attempt: number): Promise<void> {
  if (attempt > 2) await sleep(randomInt(0, Math.min(2 ** attempt, 50) + 1));
}
