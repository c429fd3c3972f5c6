/**
 * Compare-and-set of the two kinds of state record: a user's, alone or with a number's
 * send history. Every call is one run of the loop in `cas.ts`.
 * @internal
 * @module
 */
import type { Policy } from '../core/policy.js';
import type { DestinationState, UserState } from '../core/state.js';
import type { FactorTouch } from '../ports/combined-store.js';
import { type CasContext, type Slot, type Snapshot, update, type Updated } from './cas.js';
import { type Codec, destinationCodec, destinationKey, userCodec, userKey } from './records.js';
import type { Factor } from '../core/types.js';

/** What the state updates need of the instance. */
export interface StateContext extends CasContext {
  readonly policy: Policy;
}

/** A rule's answer for one record: the new state (absent: unchanged) and what to report. */
export interface RecordDecision<S, R> {
  readonly state?: S | undefined;
  readonly outcome: R;
}

/**
 * The user's record: as just loaded; else, where a lost race is cheap, the copy this
 * process read or wrote last (so a verify after this process's own start is one commit and
 * no read), proven by the commit; else read.
 */
const userSlot = (ctx: StateContext, userId: string, start?: Snapshot): Slot<UserState> => ({
  key: userKey(userId),
  codec: userCodec(ctx.policy),
  start,
  guess: 'remembered',
});

/** The number's record (never read before a send), starting from the copy this process saw last where a lost race is cheap. */
const destinationSlot = (ctx: StateContext, hash: string): Slot<DestinationState | null> => ({
  key: destinationKey(hash),
  codec: destinationCodec(ctx.policy),
  guess: 'or-missing',
});

/**
 * Atomically updates one user's security state; `touch` records a factor use with the
 * winning commit. (The loop's own promise is answered: no async layer of its own.)
 */
export function updateUser<R>(
  ctx: StateContext,
  userId: string,
  decide: (state: UserState, now: number) => RecordDecision<UserState, R>,
  opts: { snapshot?: Snapshot | undefined; touch?: ((outcome: R) => FactorTouch | undefined) | undefined } = {},
): Promise<Updated<R>> {
  return update<[UserState], R>(
    ctx,
    [userSlot(ctx, userId, opts.snapshot)],
    ([s], now) => {
      const d = decide(s, now);
      return d.state === undefined ? { outcome: d.outcome } : { states: [d.state], outcome: d.outcome };
    },
    opts.touch,
  );
}

/** Atomically updates one number's send history. */
export async function updateDestination<R>(
  ctx: StateContext,
  hash: string,
  decide: (state: DestinationState | null, now: number) => RecordDecision<DestinationState, R>,
): Promise<R> {
  const r = await update<[DestinationState | null], R>(ctx, [destinationSlot(ctx, hash)], ([d], now) => {
    const next = decide(d, now);
    return next.state === undefined ? { outcome: next.outcome } : { states: [next.state], outcome: next.outcome };
  });
  return r.outcome;
}

/** The user's outcome, or the number's refusal (then nothing was written). */
export type PairOutcome<RU, RD> = { readonly user: RU } | { readonly destination: RD };

/**
 * Atomically updates a user's state and a number's send history in one commit (both or
 * neither; needs a `multiKey` store). Resolves the number's outcome only when it refused.
 */
export async function updateUserAndDestination<RU, RD>(
  ctx: StateContext,
  userId: string,
  hash: string,
  decideUser: (state: UserState, now: number) => RecordDecision<UserState, RU>,
  decideDestination: (state: DestinationState | null, now: number) => RecordDecision<DestinationState, RD>,
  snapshot?: Snapshot,
): Promise<PairOutcome<RU, RD>> {
  const r = await update<[UserState, DestinationState | null], PairOutcome<RU, RD>>(
    ctx,
    [userSlot(ctx, userId, snapshot), destinationSlot(ctx, hash)],
    ([s, d], now) => {
      const u = decideUser(s, now);
      if (u.state === undefined) return { outcome: { user: u.outcome }, refusedBy: 0 };
      const b = decideDestination(d, now);
      if (b.state === undefined) return { outcome: { destination: b.outcome }, refusedBy: 1 };
      return { states: [u.state, b.state], outcome: { user: u.outcome } };
    },
  );
  return r.outcome;
}

/** What {@link loadUser} answers. */
export interface LoadedUser {
  readonly state: UserState;
  readonly snapshot: Snapshot;
  readonly factors: Factor[];
  readonly preferred: string | null;
}

/**
 * {@link loadUser} and one more record read with it (one store call where the store can
 * do both at once, e.g. the shared settings in the same Redis script).
 */
export async function loadUserWith<T>(ctx: StateContext, userId: string, alsoKey: string, alsoCodec: Codec<T>): Promise<LoadedUser & { also: T }> {
  const sync = loadUserWithNow(ctx, userId, alsoKey, alsoCodec);
  if (sync !== undefined) return sync;
  const loaded = await ctx.store.loadUserWith(userId, userKey(userId), userCodec(ctx.policy), alsoKey, alsoCodec);
  return { state: loaded.current.state, snapshot: loaded.current, factors: loaded.factors, preferred: loaded.preferred, also: loaded.also.state };
}

/**
 * {@link loadUserWith} answered at once, where the stores live in this process (the memory
 * stores); `undefined` elsewhere (then use `loadUserWith`). A fault throws `store_failed`.
 */
export function loadUserWithNow<T>(ctx: StateContext, userId: string, alsoKey: string, alsoCodec: Codec<T>): (LoadedUser & { also: T }) | undefined {
  const sync = ctx.store.now;
  if (sync === undefined) return undefined;
  const loaded = sync.loadUser(userId, userKey(userId), userCodec(ctx.policy));
  const also = sync.readState(alsoKey, alsoCodec);
  return { state: loaded.current.state, snapshot: loaded.current, factors: loaded.factors, preferred: loaded.preferred, also: also.state };
}

/** A user's state (decoded), factors and preferred factor, and the record to start a compare-and-set from. */
export async function loadUser(
  ctx: StateContext,
  userId: string,
): Promise<LoadedUser> {
  const loaded = await ctx.store.loadUser(userId, userKey(userId), userCodec(ctx.policy));
  return { state: loaded.current.state, snapshot: loaded.current, factors: loaded.factors, preferred: loaded.preferred };
}
