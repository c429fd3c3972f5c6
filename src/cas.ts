/**
 * Read → decide (pure core) → compare-and-set, retried on a lost race, bounded, then
 * failing closed. Store faults become `MfaError('store_failed')`; nothing is ever reported
 * as done unless the write succeeded. With a store's `combined` fast paths, a lost race
 * answers with the current record (no re-read) and a factor's use is recorded in the same
 * commit (a user's and a number's records together: `cas-pair.ts`).
 * @internal
 * @module
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from './context.js';
import { decodeDestination, decodeUser, encodeDestination, encodeUser } from './core/codec.js';
import { type DestinationState, destinationTtl, EMPTY_STATE, ttlOf, type UserState } from './core/state.js';
import { MfaError } from './errors.js';
import type { FactorTouch, StateWrite } from './ports/combined-store.js';
import type { VersionedRecord } from './ports/state-store.js';
import type { Factor } from './types.js';

/** A decision: the new state (absent = unchanged, no write) and what to report. */
export interface Decision<S, R> {
  readonly state?: S;
  readonly outcome: R;
}

/** A record to start a compare-and-set from instead of reading it. */
export interface Snapshot {
  readonly record: VersionedRecord | null;
  /** Not read now but remembered: a refusal based on it is checked with a real read. */
  readonly guess?: true;
}

/** How a kind of record is stored: its empty state, serialization and TTL. */
export interface Codec<S> {
  readonly empty: S;
  decode(raw: string): S;
  encode(s: S): string;
  ttl(s: S, now: number): number | null;
}

/** State key of a user. */
export const userKey = (userId: string): string => `user:${userId}`;
/** State key of a destination number (keyed hash, never the number). */
export const destinationKey = (hash: string): string => `dest:${hash}`;

/** Runs a store call, turning its faults into `MfaError('store_failed')`. */
export async function storeCall<T>(store: 'state' | 'factor', what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof MfaError) throw err;
    throw new MfaError('store_failed', `The ${store} store failed to ${what}`, { cause: err });
  }
}

/** A state-store call, its faults turned into `MfaError('store_failed')`. */
export const guard = <T>(what: string, op: () => Promise<T>) => storeCall('state', what, op);

/** Decodes a record (`null`: the codec's empty state); an unreadable one is a store fault. */
export function decodeWith<S>(codec: Pick<Codec<S>, 'empty' | 'decode'>, rec: VersionedRecord | null): S {
  try {
    return rec ? codec.decode(rec.value) : codec.empty;
  } catch (err) {
    throw new MfaError('store_failed', 'The state store returned an unreadable record; nothing was done', { cause: err });
  }
}

/** The write that turns `rec` into `state`, or `null` when there is nothing to write. */
export function writeOf<S>(key: string, codec: Codec<S>, rec: VersionedRecord | null, state: S, now: number): StateWrite | null {
  const ttl = codec.ttl(state, now);
  const value = ttl !== null && ttl <= 0 ? null : codec.encode(state);
  if (value === null && rec === null) return null;
  return { key, value, expectedVersion: rec?.version ?? null, ttlMs: value === null ? 1 : ttl };
}

/** Lost a race: back off a little (jittered, growing) so contenders spread out. */
export async function backOff(attempt: number): Promise<void> {
  if (attempt > 2) await sleep(randomInt(0, Math.min(2 ** attempt, 50) + 1));
}

/** The error when every attempt lost a race. */
export const contention = (ctx: Context) =>
  new MfaError('contention', `Too many concurrent updates of one record (${ctx.options.maxCasAttempts} attempts); nothing was done`);

interface UpdateOptions<R> {
  readonly snapshot?: Snapshot | undefined;
  /** A factor use to record when the write wins (needs `combined`; else the caller does it). */
  readonly touch?: ((outcome: R) => FactorTouch | undefined) | undefined;
  /** Told every record seen or written. */
  readonly remember?: ((rec: VersionedRecord | null) => void) | undefined;
}

/** What {@link update} resolves: the outcome, and whether a requested touch was applied (`undefined`: not tried). */
export interface Updated<R> {
  readonly outcome: R;
  readonly touched?: boolean;
}

async function update<S, R>(
  ctx: Context,
  key: string,
  codec: Codec<S>,
  decide: (state: S, now: number) => Decision<S, R>,
  opts: UpdateOptions<R> = {},
): Promise<Updated<R>> {
  let rec = opts.snapshot?.record;
  let guessed = opts.snapshot?.guess === true;
  for (let attempt = 0; attempt < ctx.options.maxCasAttempts; attempt++) {
    if (rec === undefined) {
      const read = await guard('read', () => ctx.state.read(key));
      rec = read;
      guessed = false;
      opts.remember?.(read);
    }
    const now = ctx.clock.now();
    const { state, outcome } = decide(decodeWith(codec, rec), now);
    if (state === undefined) {
      if (!guessed) return { outcome };
      rec = undefined; // refused on a remembered record: read the real one first
      continue;
    }
    const write = writeOf(key, codec, rec, state, now);
    if (write === null) return { outcome };
    const combined = ctx.combined;
    if (combined) {
      const touch = opts.touch?.(outcome);
      const r = await guard('write', () => combined.commit([write], touch));
      if (r.ok) {
        const version = r.versions[0];
        opts.remember?.(write.value === null || version == null ? null : { value: write.value, version });
        return touch ? { outcome, touched: r.touched } : { outcome };
      }
      rec = r.current[0] ?? null;
      guessed = false;
      opts.remember?.(rec);
    } else {
      const written = await guard('write', () => ctx.state.write(key, write.value, write.expectedVersion, write.ttlMs));
      if (written) return { outcome };
      rec = undefined;
    }
    await backOff(attempt);
  }
  throw contention(ctx);
}

/** The codec of a user's record. */
export const userCodec = (ctx: Context): Codec<UserState> => ({
  empty: EMPTY_STATE,
  decode: decodeUser,
  encode: encodeUser,
  ttl: (s, now) => ttlOf(s, ctx.policy, now),
});

/** The codec of a number's send-budget record. */
export const destinationCodec = (ctx: Context): Codec<DestinationState | null> => ({
  empty: null,
  decode: decodeDestination,
  encode: (s) => encodeDestination(s ?? { sends: [] }),
  ttl: (s, now) => (s ? destinationTtl(s, ctx.policy, now) : 0),
});

/** Atomically updates one user's security state (from `snapshot` first, when given). */
export async function updateUser<R>(
  ctx: Context,
  userId: string,
  decide: (state: UserState, now: number) => Decision<UserState, R>,
  snapshot?: Snapshot,
): Promise<R> {
  return (await update(ctx, userKey(userId), userCodec(ctx), decide, { snapshot })).outcome;
}

/**
 * Atomically updates one user's security state and, when the store can and `touch`
 * names one, records a factor's use in the same commit.
 */
export function updateUserAndTouch<R>(
  ctx: Context,
  userId: string,
  decide: (state: UserState, now: number) => Decision<UserState, R>,
  touch: (outcome: R) => FactorTouch | undefined,
): Promise<Updated<R>> {
  return update(ctx, userKey(userId), userCodec(ctx), decide, { touch });
}

/** The remembered copy of a number's budget record, as a snapshot (a guess), if `combined` makes guessing cheap. */
function destinationGuess(ctx: Context, hash: string): Snapshot | undefined {
  if (!ctx.combined) return undefined;
  return { record: ctx.destinations.get(destinationKey(hash)) ?? null, guess: true };
}

/** Atomically updates one destination number's send history. */
export async function updateDestination<R>(
  ctx: Context,
  destinationHash: string,
  decide: (state: DestinationState | null, now: number) => Decision<DestinationState, R>,
): Promise<R> {
  const key = destinationKey(destinationHash);
  const r = await update<DestinationState | null, R>(ctx, key, destinationCodec(ctx), decide, {
    snapshot: destinationGuess(ctx, destinationHash),
    remember: (rec) => ctx.destinations.set(key, rec),
  });
  return r.outcome;
}

/**
 * Reads a user's state (without changing it), factors and preferred factor: one call
 * with `combined`, else three.
 */
export async function loadUser(
  ctx: Context,
  userId: string,
): Promise<{ state: UserState; snapshot: Snapshot; factors: Factor[]; preferred: string | null }> {
  const combined = ctx.combined;
  if (combined) {
    const snap = await guard('read', () => combined.loadUser(userId, userKey(userId)));
    return { state: decodeState(snap.state), snapshot: { record: snap.state }, factors: snap.factors, preferred: snap.preferred };
  }
  const record = await guard('read', () => ctx.state.read(userKey(userId)));
  const [factors, preferred] = await Promise.all([
    storeCall('factor', 'list factors', () => ctx.factors.listFactors(userId)),
    storeCall('factor', 'read the preferred factor', () => ctx.factors.getPreferred(userId)),
  ]);
  return { state: decodeState(record), snapshot: { record }, factors, preferred };
}

/** Decodes a user's state record (`null`: no state). */
export const decodeState = (record: VersionedRecord | null): UserState =>
  decodeWith({ empty: EMPTY_STATE, decode: decodeUser }, record);
