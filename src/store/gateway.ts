/**
 * The one way into the stores. Wraps the ports once: every fault becomes
 * `MfaError('store_failed')` (its cause kept, never a success), and the optional fast paths
 * (`combined`, `touchFactor`) are used when a store has them, with their fallbacks here, so
 * the flows never ask which store they run on.
 * @internal
 * @module
 */
import { MfaError } from '../config/errors.js';
import type { CommitResult, FactorTouch, StateWrite, UserSnapshot } from '../ports/combined-store.js';
import type { FactorStore, Stores } from '../ports/factor-store.js';
import type { VersionedRecord } from '../ports/state-store.js';

/** The factor store's calls, each turning a fault into `store_failed`. */
export type GuardedFactors = Omit<FactorStore, 'touchFactor'>;

/** Outcome of {@link StoreGateway.commit}; a lost race without the fast path carries no `current` (re-read). */
export type Committed =
  | { readonly ok: true; readonly versions: readonly (number | null | undefined)[]; readonly touched: boolean }
  | { readonly ok: false; readonly current?: readonly (VersionedRecord | null)[] };

/** What the flows and the compare-and-set loop use of the stores. */
export interface StoreGateway {
  /** Durable data: factors, preferred factor, exception list. */
  readonly factors: GuardedFactors;
  /** Whether one commit may span a user's and a number's records. */
  readonly multiKey: boolean;
  /** Whether a commit that loses a race answers with the current records (so a remembered record is a cheap first guess). */
  readonly answersRaces: boolean;
  /** Reads a state record. */
  read(key: string): Promise<VersionedRecord | null>;
  /** Compare-and-set of state records (several only when `multiKey`), then the factor touch, if any. */
  commit(writes: readonly StateWrite[], touch?: FactorTouch): Promise<Committed>;
  /** A user's state record, factors and preferred factor. */
  loadUser(userId: string, stateKey: string): Promise<UserSnapshot>;
  /** Records a factor's use if it is still active; `false` when it is not. */
  touchFactor(touch: FactorTouch): Promise<boolean>;
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
  const factors = Object.fromEntries(
    FACTOR_CALLS.map((name) => [
      name,
      (...args: unknown[]) => storeCall('factor', name, () => (store[name] as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as unknown as GuardedFactors;

  const touchFactor = (t: FactorTouch): Promise<boolean> =>
    storeCall('factor', 'touchFactor', async () => {
      if (store.touchFactor) return store.touchFactor(t.userId, t.factorId, t.at);
      const factor = await store.getFactor(t.userId, t.factorId);
      if (!factor || factor.status !== 'active') return false;
      await store.putFactor({ ...factor, lastUsedAt: t.at });
      return true;
    });

  return {
    factors,
    multiKey: combined?.multiKey === true,
    answersRaces: combined !== undefined,
    read: (key) => storeCall('state', 'read', () => state.read(key)),
    async commit(writes, touch) {
      if (combined) {
        const r: CommitResult = await storeCall('state', 'commit', () => combined.commit(writes, touch));
        return r;
      }
      const [write, ...more] = writes;
      if (!write || more.length > 0) throw new MfaError('invalid_argument', 'A store without combined fast paths commits one record at a time');
      const won = await storeCall('state', 'write', () => state.write(write.key, write.value, write.expectedVersion, write.ttlMs));
      if (!won) return { ok: false };
      return { ok: true, versions: [undefined], touched: touch ? await touchFactor(touch) : false };
    },
    async loadUser(userId, stateKey) {
      if (combined) return storeCall('state', 'loadUser', () => combined.loadUser(userId, stateKey));
      const record = await storeCall('state', 'read', () => state.read(stateKey));
      const [list, preferred] = await Promise.all([factors.listFactors(userId), factors.getPreferred(userId)]);
      return { state: record, factors: list, preferred };
    },
    touchFactor,
  };
}
