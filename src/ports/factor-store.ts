import type { ExceptionEntry, Factor } from '../core/types.js';
import type { CombinedStore } from './combined-store.js';
import type { StateStore } from './state-store.js';

/**
 * Durable MFA data: factors, the preferred factor and the exception list. Plain CRUD
 * with no rules in it, so a host can keep it in its own database in a few lines.
 *
 * Contract (checked by `defineStoreTests` from `mfakit/testing`):
 * - Reads return copies: mutating a returned object does not change the store.
 * - Missing data resolves `null`, `[]` or `false`, never rejects.
 * - Any fault rejects; a write that did not happen never resolves.
 *
 * @example
 * ```ts
 * // A FactorStore over your own tables (sketch):
 * const factors: FactorStore = {
 *   listFactors: (userId) => db.factor.findMany({ where: { userId } }),
 *   getFactor: (userId, id) => db.factor.findFirst({ where: { userId, id } }),
 *   // ...the other members
 * } as FactorStore;
 * ```
 */
export interface FactorStore {
  /** All factors of a user, in creation order. */
  listFactors(userId: string): Promise<Factor[]>;
  /** One factor of a user, or `null`. */
  getFactor(userId: string, factorId: string): Promise<Factor | null>;
  /** Inserts or replaces a factor (keyed by `userId` and `id`). */
  putFactor(factor: Factor): Promise<void>;
  /** Deletes a factor; resolves whether it existed. */
  deleteFactor(userId: string, factorId: string): Promise<boolean>;
  /**
   * Optional fast path for a successful sign-in: sets `lastUsedAt` of an **active** factor
   * and resolves `true`; resolves `false` and changes nothing when the factor does not exist
   * or is not active. Without it, mfakit uses `getFactor` + `putFactor`.
   */
  touchFactor?(userId: string, factorId: string, at: number): Promise<boolean>;
  /** Every factor, of any user, whose `phone` equals this E.164 number. */
  findFactorsByPhone(phone: string): Promise<Factor[]>;
  /**
   * Every factor, of any user, whose `email` equals this address (compared exactly, as
   * mfakit stores it: trimmed, the domain in lower case, the local part as typed).
   * Optional, but `destinations.unique` with an email sender needs it: `createMfa` refuses
   * that combination without it.
   */
  findFactorsByEmail?(email: string): Promise<Factor[]>;
  /** The user's preferred factor id, or `null`. */
  getPreferred(userId: string): Promise<string | null>;
  /** Sets (or with `null` clears) the user's preferred factor id. */
  setPreferred(userId: string, factorId: string | null): Promise<void>;
  /** The user's exception-list entry, or `null` (expired entries included: mfakit checks expiry). */
  getException(userId: string): Promise<ExceptionEntry | null>;
  /** Inserts or replaces the user's exception-list entry. */
  putException(entry: ExceptionEntry): Promise<void>;
  /** Deletes the user's exception-list entry; resolves whether it existed. */
  deleteException(userId: string): Promise<boolean>;
  /** Every exception-list entry. */
  listExceptions(): Promise<ExceptionEntry[]>;
}

/**
 * Both storage ports, as `createMfa({ stores })` takes them and as `memoryStores()` and
 * `redisStores()` return them.
 *
 * @example
 * ```ts
 * const stores: Stores = { factors: myFactorStore, state: memoryStores().state };
 * ```
 */
export interface Stores {
  /** Durable data. */
  readonly factors: FactorStore;
  /** Short-lived security state. */
  readonly state: StateStore;
  /**
   * Optional one-call fast paths over both (`redisStores()` has them); leave it out
   * unless your store can keep their contract.
   */
  readonly combined?: CombinedStore | undefined;
}
