/**
 * Read → decide (pure core) → compare-and-set, retried on a lost race, bounded, then
 * failing closed. Store faults become `MfaError('store_failed')`; nothing is ever reported
 * as done unless the write succeeded.
 * @internal
 * @module
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from './context.js';
import { decodeDestination, decodeUser, encodeDestination, encodeUser } from './core/codec.js';
import { type DestinationState, destinationTtl, EMPTY_STATE, ttlOf, type UserState } from './core/state.js';
import { MfaError } from './errors.js';
import type { StateStore, VersionedRecord } from './ports/state-store.js';

/** A decision: the new state (absent = unchanged, no write) and what to report. */
export interface Decision<S, R> {
  readonly state?: S;
  readonly outcome: R;
}

interface Codec<S> {
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

const guard = <T>(what: string, op: () => Promise<T>) => storeCall('state', what, op);

async function update<S, R>(
  ctx: Context,
  key: string,
  codec: Codec<S>,
  decide: (state: S, now: number) => Decision<S, R>,
  snapshot?: Snapshot,
): Promise<R> {
  const store: StateStore = ctx.state;
  for (let attempt = 0; attempt < ctx.options.maxCasAttempts; attempt++) {
    // The first attempt may start from a record the caller just read (saves a round trip;
    // compare-and-set still rejects it if anything changed since).
    const rec: VersionedRecord | null =
      attempt === 0 && snapshot ? snapshot.record : await guard('read', () => store.read(key));
    let current: S;
    try {
      current = rec ? codec.decode(rec.value) : codec.empty;
    } catch (err) {
      throw new MfaError('store_failed', 'The state store returned an unreadable record; nothing was done', { cause: err });
    }
    const now = ctx.clock.now();
    const { state, outcome } = decide(current, now);
    if (state === undefined) return outcome;
    const ttl = codec.ttl(state, now);
    const value = ttl !== null && ttl <= 0 ? null : codec.encode(state);
    if (value === null && rec === null) return outcome;
    const written = await guard('write', () => store.write(key, value, rec?.version ?? null, value === null ? 1 : ttl));
    if (written) return outcome;
    // Lost a race: back off a little (jittered, growing) so contenders spread out.
    if (attempt > 2) await sleep(randomInt(0, Math.min(2 ** attempt, 50) + 1));
  }
  throw new MfaError('contention', `Too many concurrent updates of one record (${ctx.options.maxCasAttempts} attempts); nothing was done`);
}

/** A record read earlier, to start a compare-and-set from. */
export interface Snapshot {
  readonly record: VersionedRecord | null;
}

/** Atomically updates one user's security state (from `snapshot` first, when given). */
export function updateUser<R>(
  ctx: Context,
  userId: string,
  decide: (state: UserState, now: number) => Decision<UserState, R>,
  snapshot?: Snapshot,
): Promise<R> {
  return update(ctx, userKey(userId), {
    empty: EMPTY_STATE,
    decode: decodeUser,
    encode: encodeUser,
    ttl: (s, now) => ttlOf(s, ctx.policy, now),
  }, decide, snapshot);
}

/** Atomically updates one destination number's send history. */
export function updateDestination<R>(
  ctx: Context,
  destinationHash: string,
  decide: (state: DestinationState | null, now: number) => Decision<DestinationState, R>,
): Promise<R> {
  return update<DestinationState | null, R>(ctx, destinationKey(destinationHash), {
    empty: null,
    decode: decodeDestination,
    encode: (s) => encodeDestination(s ?? { sends: [] }),
    ttl: (s, now) => (s ? destinationTtl(s, ctx.policy, now) : 0),
  }, decide);
}

/** Reads one user's state without changing it, with the record it came from. */
export async function readUser(ctx: Context, userId: string): Promise<{ state: UserState; snapshot: Snapshot }> {
  const record = await guard('read', () => ctx.state.read(userKey(userId)));
  if (!record) return { state: EMPTY_STATE, snapshot: { record } };
  try {
    return { state: decodeUser(record.value), snapshot: { record } };
  } catch (err) {
    throw new MfaError('store_failed', 'The state store returned an unreadable record', { cause: err });
  }
}
