/**
 * The one compare-and-set loop, over one record or several committed together: read (or
 * start from a snapshot, or from the copy this process remembers) → decide (a pure rule of
 * `core/`) → commit; a lost race decides again on the current records, bounded by
 * `maxCasAttempts`, then fails closed with `contention`. Nothing is reported as done unless
 * the commit won, and nothing is refused on a remembered copy alone.
 * @internal
 * @module
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MfaError } from '../config/errors.js';
import type { UserState } from '../core/state.js';
import type { Clock } from '../ports/clock.js';
import type { FactorTouch } from '../ports/combined-store.js';
import type { StoreGateway } from './gateway.js';
import { type Change, changeOf, type Codec, type Current } from './records.js';

/** A user's record as just read (by `loadUser`), to start a compare-and-set from. */
export type Snapshot = Current<UserState>;

/** One record taking part in a compare-and-set. */
export interface Slot<S> {
  readonly key: string;
  readonly codec: Codec<S>;
  /** Start from this record, just read, instead of reading it. */
  readonly start?: Current<S> | undefined;
  /**
   * Without `start`, where the store answers a lost race with the current record: start
   * from the copy this process remembers (`'remembered'`), or from "missing" when it
   * remembers none (`'or-missing'`). A refusal (or a record left unwritten) resting on a
   * guess is checked against a real read first.
   */
  readonly guess?: 'remembered' | 'or-missing' | undefined;
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
  // Stores in this process answer at once: no await between read, decide and commit.
  const sync = ctx.store.now;
  const curs: (Current<unknown> | undefined)[] = new Array(n);
  const guessed: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const slot = list[i] as Slot<unknown>;
    curs[i] = slot.start ?? (slot.guess ? ctx.store.remembered(slot.key, slot.codec, slot.guess === 'or-missing') : undefined);
    guessed[i] = slot.start === undefined && curs[i] !== undefined;
  }
  for (let attempt = 0; attempt < ctx.maxAttempts; attempt++) {
    const states: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      let cur = curs[i];
      if (cur === undefined) {
        const slot = list[i] as Slot<unknown>;
        cur = sync ? sync.readState(slot.key, slot.codec) : await ctx.store.readState(slot.key, slot.codec);
        curs[i] = cur;
        guessed[i] = false;
      }
      states[i] = cur.state;
    }
    const now = ctx.clock.now();
    const d = decide(states as unknown as T, now);
    const changes: Change[] = [];
    const changed: number[] = [];
    if (d.states !== undefined) {
      const next = d.states as readonly unknown[];
      for (let i = 0; i < n; i++) {
        const slot = list[i] as Slot<unknown>;
        const change = changeOf(slot.key, slot.codec, curs[i] as Current<unknown>, next[i], now);
        if (change) {
          changes.push(change);
          changed.push(i);
        }
      }
    }
    // A commit proves the records it writes. A refusal, or a record left unwritten, resting
    // on a remembered guess is checked against a real read first.
    let unproven = false;
    for (let i = 0; i < n; i++) {
      if (guessed[i] && !changed.includes(i) && (d.states !== undefined || d.refusedBy === undefined || d.refusedBy === i)) {
        curs[i] = undefined;
        unproven = true;
      }
    }
    if (unproven) continue;
    if (changes.length === 0) return { outcome: d.outcome };
    const wanted = touch?.(d.outcome);
    const r = sync ? sync.commitChanges(changes, wanted) : await ctx.store.commitChanges(changes, wanted);
    if (r.ok) return wanted ? { outcome: d.outcome, touched: r.touched } : { outcome: d.outcome };
    for (let w = 0; w < changes.length; w++) {
      const i = changed[w] as number;
      curs[i] = r.current?.[w];
      guessed[i] = false;
    }
    await backOff(attempt);
  }
  throw new MfaError('contention', `Too many concurrent updates of one record (${ctx.maxAttempts} attempts); nothing was done`);
}

/** Lost a race: back off a little (jittered, growing) so contenders spread out. */
async function backOff(attempt: number): Promise<void> {
  if (attempt > 2) await sleep(randomInt(0, Math.min(2 ** attempt, 50) + 1));
}
