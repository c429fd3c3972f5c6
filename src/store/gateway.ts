/**
 * The one way into the stores. Wraps the ports once: every fault becomes
 * `MfaError('store_failed')` (its cause kept, never a success), and the optional fast paths
 * (`combined`, `touchFactor`, a memory store's held records) are used when a store has
 * them, with their fallbacks here, so the flows never ask which store they run on. When
 * both stores live in this process (the memory stores: held records and held factors), the
 * same reads and commits are also offered synchronously (`now`), so the compare-and-set
 * loop runs without an await between read, decide and commit.
 *
 * It also remembers, bounded, the last decoded copy of each state record this process read
 * or wrote (`remembered`): a record read back at the same version is not decoded again,
 * and where a lost race is cheap (the store answers it with the current record) the
 * compare-and-set loop may start from that copy and let the commit prove it.
 * @internal
 * @module
 */
import { MfaError } from '../config/errors.js';
import { WriteOrderMap } from '../config/lru.js';
import type { CommitResult, FactorTouch, StateWrite, UserSnapshot, UserSnapshotWith } from '../ports/combined-store.js';
import type { Factor } from '../core/types.js';
import type { FactorStore, Stores } from '../ports/factor-store.js';
import { type HeldFactors, heldFactorsOf } from '../ports/held-factors.js';
import { type HeldRecord, type HeldRecords, heldRecordsOf } from '../ports/held-state.js';
import type { VersionedRecord } from '../ports/state-store.js';
import { type Change, type Codec, type Current, currentOf, decodeWith, settled, missing, writeOf } from './records.js';

/** The factor store's calls, each turning a fault into `store_failed`. */
export type GuardedFactors = Omit<FactorStore, 'touchFactor'>;

/** Outcome of {@link StoreGateway.commit}; a lost race without the fast path carries no `current` (re-read). */
export type Committed =
  | { readonly ok: true; readonly versions: readonly (number | null | undefined)[]; readonly touched: boolean }
  | { readonly ok: false; readonly current?: readonly (VersionedRecord | null)[] };

/** Outcome of {@link StoreGateway.commitChanges}; a lost race without `current` must re-read. */
export type ChangesCommitted =
  | { readonly ok: true; readonly touched: boolean }
  | { readonly ok: false; readonly current?: readonly Current<unknown>[] };

/** A user's decoded state record, factors and preferred factor, read at one instant. */
export interface UserLoaded<S> {
  readonly current: Current<S>;
  readonly factors: Factor[];
  readonly preferred: string | null;
}

/** What the flows and the compare-and-set loop use of the stores. */
export interface StoreGateway {
  /** Durable data: factors, preferred factor, exception list. */
  readonly factors: GuardedFactors;
  /** Whether one commit may span a user's and a number's records. */
  readonly multiKey: boolean;
  /** Reads a state record as a string (records of other kinds than the compare-and-set loop's). */
  read(key: string): Promise<VersionedRecord | null>;
  /** Compare-and-set of string records (several only when `multiKey`), then the factor touch, if any. */
  commit(writes: readonly StateWrite[], touch?: FactorTouch): Promise<Committed>;
  /** Reads a state record, decoded (an unreadable record is `store_failed`). */
  readState<S>(key: string, codec: Codec<S>): Promise<Current<S>>;
  /**
   * The copy of a record this process last read or wrote (or, with `orMissing`, "missing"
   * when it remembers none), when the store answers a lost race with the current record
   * (so starting from it costs at most that answer); `undefined` otherwise. Only a first
   * guess: the commit proves it current.
   */
  remembered<S>(key: string, codec: Codec<S>, orMissing: boolean): Current<S> | undefined;
  /** Compare-and-set of decoded records (several only when `multiKey`), then the factor touch, if any. */
  commitChanges(changes: readonly Change[], touch?: FactorTouch): Promise<ChangesCommitted>;
  /** A user's decoded state record, factors and preferred factor. */
  loadUser<S>(userId: string, stateKey: string, codec: Codec<S>): Promise<UserLoaded<S>>;
  /**
   * {@link StoreGateway.loadUser} and one more decoded record (e.g. the shared settings),
   * in one call where the store can (`combined.loadUserWith`), else side by side.
   */
  loadUserWith<S, T>(userId: string, stateKey: string, codec: Codec<S>, alsoKey: string, alsoCodec: Codec<T>): Promise<UserLoaded<S> & { readonly also: Current<T> }>;
  /** Records a factor's use if it is still active; `false` when it is not. */
  touchFactor(touch: FactorTouch): Promise<boolean>;
  /**
   * The same reads and commits answered synchronously, when the stores live in this process
   * (the memory stores' held records and factors); `undefined` otherwise.
   */
  readonly now: SyncGateway | undefined;
}

/** The synchronous forms of {@link StoreGateway}'s record reads and commits (faults throw `store_failed`). */
export interface SyncGateway {
  readState<S>(key: string, codec: Codec<S>): Current<S>;
  commitChanges(changes: readonly Change[], touch?: FactorTouch): ChangesCommitted;
  loadUser<S>(userId: string, stateKey: string, codec: Codec<S>): UserLoaded<S>;
}

/** How many decoded records a process remembers (users' and numbers'). */
const REMEMBERED = 20_000;

/** A remembered record, with the kind it was decoded as. */
interface Remembered {
  readonly kind: string;
  readonly version: number | null;
  readonly state: unknown;
}

const FACTOR_CALLS = [
  'listFactors', 'getFactor', 'putFactor', 'deleteFactor', 'findFactorsByPhone', 'getPreferred', 'setPreferred',
  'getException', 'putException', 'deleteException', 'listExceptions',
] as const satisfies readonly (keyof GuardedFactors)[];

/** Runs a store call, turning its faults into `MfaError('store_failed')`. */
export async function storeCall<T>(store: 'state' | 'factor', what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof MfaError) throw err;
    throw new MfaError('store_failed', `The ${store} store failed (${what}); nothing was reported as done`, { cause: err });
  }
}

/** Wraps the stores of one `Mfa` instance. */
export function createGateway(stores: Stores): StoreGateway {
  const { factors: store, state, combined } = stores;
  const held = heldRecordsOf(state);
  const heldFactors = heldFactorsOf(store);
  const factors = Object.fromEntries(
    FACTOR_CALLS.map((name) => [
      name,
      (...args: unknown[]) => storeCall('factor', name, () => (store[name] as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as unknown as GuardedFactors;
  // Optional: present on the gateway only when the store has it.
  const byEmail = store.findFactorsByEmail?.bind(store);
  if (byEmail) (factors as { findFactorsByEmail?: GuardedFactors['findFactorsByEmail'] }).findFactorsByEmail = (email) => storeCall('factor', 'findFactorsByEmail', () => byEmail(email));

  const touchFactor = (t: FactorTouch): Promise<boolean> =>
    storeCall('factor', 'touchFactor', async () => {
      if (store.touchFactor) return store.touchFactor(t.userId, t.factorId, t.at);
      const factor = await store.getFactor(t.userId, t.factorId);
      if (!factor || factor.status !== 'active') return false;
      await store.putFactor({ ...factor, lastUsedAt: t.at });
      return true;
    });

  // Both stores in this process: reads, commits and touches without a promise between them.
  const sync = held && heldFactors && !combined ? syncGateway(held, heldFactors) : undefined;

  // Held records need no memory of ours: the store keeps the decoded values itself. Forgotten
  // by write order: a read never reorders, and each commit writes its record again.
  const memory = held ? undefined : new WriteOrderMap<string, Remembered>(REMEMBERED);
  const remember = (key: string, kind: string, version: number | null, s: unknown): void => {
    memory?.set(key, { kind, version, state: settled(s) });
  };
  /** Decodes a string record, reusing the remembered copy of the same version. */
  const decoded = <S>(key: string, codec: Codec<S>, rec: VersionedRecord | null): Current<S> => {
    if (rec === null) {
      memory?.set(key, { kind: codec.kind, version: null, state: codec.empty });
      return missing(codec);
    }
    const known = memory?.get(key);
    if (known !== undefined && known.version === rec.version && known.kind === codec.kind) return { version: rec.version, state: known.state as S };
    const s = decodeWith(codec, rec);
    remember(key, codec.kind, rec.version, s);
    return { version: rec.version, state: s };
  };

  const commit = async (writes: readonly StateWrite[], touch?: FactorTouch): Promise<Committed> => {
    for (const w of writes) memory?.delete(w.key);
    if (combined) {
      const r: CommitResult = await storeCall('state', 'commit', () => combined.commit(writes, touch));
      return r;
    }
    const [write, ...more] = writes;
    if (!write || more.length > 0) throw new MfaError('invalid_argument', 'A store without combined fast paths commits one record at a time');
    const won = await storeCall('state', 'write', () => state.write(write.key, write.value, write.expectedVersion, write.ttlMs));
    if (!won) return { ok: false };
    return { ok: true, versions: [undefined], touched: touch ? await touchFactor(touch) : false };
  };

  const readState = async <S>(key: string, codec: Codec<S>): Promise<Current<S>> => {
    if (held) return heldCurrent(held, key, codec);
    return decoded(key, codec, await storeCall('state', 'read', () => state.read(key)));
  };

  const loadUser = async <S>(userId: string, stateKey: string, codec: Codec<S>): Promise<UserLoaded<S>> => {
    if (sync) return sync.loadUser(userId, stateKey, codec);
    if (combined) {
      const snap: UserSnapshot = await storeCall('state', 'loadUser', () => combined.loadUser(userId, stateKey));
      return { current: decoded(stateKey, codec, snap.state), factors: snap.factors, preferred: snap.preferred };
    }
    const [current, list, preferred] = await Promise.all([readState(stateKey, codec), factors.listFactors(userId), factors.getPreferred(userId)]);
    return { current, factors: list, preferred };
  };

  return {
    factors,
    multiKey: combined?.multiKey === true || held !== undefined,
    read: (key) => storeCall('state', 'read', () => state.read(key)),
    commit,
    readState,

    remembered<S>(key: string, codec: Codec<S>, orMissing: boolean): Current<S> | undefined {
      if (!combined || !memory) return undefined;
      const known = memory.get(key);
      if (known === undefined || known.kind !== codec.kind) return orMissing ? missing(codec) : undefined;
      return { version: known.version, state: known.state as S };
    },

    async commitChanges(changes, touch) {
      if (sync) return sync.commitChanges(changes, touch);
      if (held) return heldLostRace(held, changes) ?? { ok: true, touched: touch ? await touchFactor(touch) : false };
      const r = await commit(changes.map(writeOf), touch);
      if (r.ok) {
        changes.forEach((c, i) => {
          const version = r.versions[i];
          // A plain store does not say the new version: nothing to remember then.
          if (c.state === undefined) remember(c.key, c.codec.kind, null, c.codec.empty);
          else if (typeof version === 'number') remember(c.key, c.codec.kind, version, c.state);
        });
        return { ok: true, touched: r.touched };
      }
      if (!r.current) return { ok: false };
      const now = r.current;
      return { ok: false, current: changes.map((c, i) => decoded(c.key, c.codec as Codec<unknown>, now[i] ?? null)) };
    },

    loadUser,

    async loadUserWith<S, T>(userId: string, stateKey: string, codec: Codec<S>, alsoKey: string, alsoCodec: Codec<T>) {
      if (combined?.loadUserWith && !held) {
        const snap: UserSnapshotWith = await storeCall('state', 'loadUser', () => combined.loadUserWith!(userId, stateKey, [alsoKey]));
        if (!Array.isArray(snap.also) || snap.also.length !== 1) {
          throw new MfaError('store_failed', 'The state store failed (loadUserWith): it did not answer one record per key asked; nothing was reported as done');
        }
        return {
          current: decoded(stateKey, codec, snap.state),
          factors: snap.factors,
          preferred: snap.preferred,
          // Decoded at every call, never from memory: a record mfakit did not write fails closed even at a version seen before.
          also: currentOf(alsoCodec, snap.also[0] ?? null),
        };
      }
      if (sync) {
        const user = sync.loadUser(userId, stateKey, codec);
        return { current: user.current, factors: user.factors, preferred: user.preferred, also: sync.readState(alsoKey, alsoCodec) };
      }
      const readAlso = async (): Promise<Current<T>> =>
        held ? heldCurrent(held, alsoKey, alsoCodec) : currentOf(alsoCodec, await storeCall('state', 'read', () => state.read(alsoKey)));
      const [user, also] = await Promise.all([loadUser(userId, stateKey, codec), readAlso()]);
      return { ...user, also };
    },
    touchFactor,
    now: sync,
  };
}

/** Runs a synchronous call of a held store, turning its faults into `MfaError('store_failed')` as `storeCall` does. */
function heldCall<T>(store: 'state' | 'factor', what: string, op: () => T): T {
  try {
    return op();
  } catch (err) {
    if (err instanceof MfaError) throw err;
    throw new MfaError('store_failed', `The ${store} store failed (${what}); nothing was reported as done`, { cause: err });
  }
}

/** The synchronous gateway over held records and held factors. */
function syncGateway(held: HeldRecords, factors: HeldFactors): SyncGateway {
  const touch = (t: FactorTouch): boolean => heldCall('factor', 'touchFactor', () => factors.touch(t.userId, t.factorId, t.at));
  return {
    readState: (key, codec) => heldCurrent(held, key, codec),
    commitChanges: (changes, wanted) => heldLostRace(held, changes) ?? { ok: true, touched: wanted ? touch(wanted) : false },
    loadUser: (userId, stateKey, codec) => ({
      current: heldCurrent(held, stateKey, codec),
      factors: heldCall('factor', 'listFactors', () => factors.list(userId)),
      preferred: heldCall('factor', 'getPreferred', () => factors.preferred(userId)),
    }),
  };
}

/**
 * Commits changes to held records (made immutable first, in place: `settled`): `undefined` when the commit won, else the
 * lost race answered with the current records. A fault is `store_failed`, as `storeCall` makes it.
 */
function heldLostRace(held: HeldRecords, changes: readonly Change[]): { readonly ok: false; readonly current: Current<unknown>[] } | undefined {
  // Made immutable where they are: the changes themselves are the writes (no copies).
  for (const c of changes) if (c.state !== undefined) settled(c.state);
  const versions = heldCall('state', 'commit', () => held.commit(changes));
  return versions === null ? { ok: false, current: changes.map((c) => heldCurrent(held, c.key, c.codec as Codec<unknown>)) } : undefined;
}

/** A held record as the codec's state: the held value itself, or a string written through `write` decoded. */
function heldCurrent<S>(held: HeldRecords, key: string, codec: Codec<S>): Current<S> {
  let rec: HeldRecord | null;
  try {
    rec = held.read(key);
  } catch (err) {
    throw new MfaError('store_failed', 'The state store failed (read); nothing was reported as done', { cause: err });
  }
  if (rec === null) return missing(codec);
  if (rec.codec === undefined) return { version: rec.version, state: decodeWith(codec, { value: rec.value, version: rec.version }) };
  if (rec.codec.kind === codec.kind) return { version: rec.version, state: rec.value as S };
  // Held as another kind: read it as its string would be read.
  return { version: rec.version, state: decodeWith(codec, { value: rec.codec.encode(rec.value as never), version: rec.version }) };
}
