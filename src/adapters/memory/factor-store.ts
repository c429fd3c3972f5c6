import type { FactorStore } from '../../ports/factor-store.js';
import { HELD_FACTORS, type HeldFactors } from '../../ports/held-factors.js';
import type { ExceptionEntry, Factor } from '../../core/types.js';

/** A copy of a flat record (every field of a Factor or ExceptionEntry is a primitive), handed to a caller. */
const copyOf = <T extends object>(record: T): T => ({ ...record });

/**
 * What the store's own copies are made from. V8 fits an instance's fields in the object itself
 * (it sizes a class's instances to the fields they get), where `{}` keeps four there and the
 * rest in a separate array: 16 bytes more per stored factor. Only the store sees these
 * objects; callers get plain spread copies.
 */
class Kept {}

/**
 * The store's own copy of a record: its fields assigned one by one to a new object. V8 then
 * keeps it in the ordinary object layout, where a field added later in place (a factor's
 * first `lastUsedAt`, by `touch`) leaves it quick to copy; a spread copy that is given a
 * field afterwards makes every later copy of it take V8's slow path (more than twice the
 * instructions per copy). Same fields as a spread: own, enumerable, string-keyed ones.
 */
function heldCopyOf<T extends object>(record: T): T {
  const copy = new Kept() as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value: unknown = (record as Record<string, unknown>)[key];
    // An own `__proto__` field stays a field (an assignment would set the prototype).
    if (key === '__proto__') Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    else copy[key] = value;
  }
  return copy as T;
}

/**
 * Creates an in-memory {@link FactorStore}: factors, preferred factor ids and the
 * exception list, in `Map`s of this process. Every value goes in and comes out as a
 * shallow copy (factors and entries are flat records of primitives), so neither the caller
 * nor the store can change the other's copy.
 *
 * @example
 * ```ts
 * import { memoryFactorStore } from 'mfakit/memory';
 * const factors = memoryFactorStore();
 * await factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: '+14155552671', createdAt: Date.now() });
 * await factors.findFactorsByPhone('+14155552671'); // [{ id: 'f1', userId: 'u1', ... }]
 * ```
 */
export function memoryFactorStore(): FactorStore {
  // A user has a few factors and a number a few users, most often one: a lone factor is
  // held as itself, several in an array, never in a Map or Set of their own (a Map of one
  // takes ten times the memory; a million users fit in a few hundred MB).
  /** userId → the user's factors, in insertion (creation) order. */
  const byUser = new Map<string, Factor | Factor[]>();
  /** E.164 number → the factors (of any user) with that number: the very objects of `byUser`. */
  const byPhone = new Map<string, Factor | Factor[]>();
  /** Email address → the factors (of any user) with that address, as `byPhone`. */
  const byEmail = new Map<string, Factor | Factor[]>();
  const preferred = new Map<string, string>();
  const exceptions = new Map<string, ExceptionEntry>();

  const factorsOf = (userId: string): readonly Factor[] => listOf(byUser.get(userId));
  /** The user's factor `factorId` (the object held), looked up without building a list. */
  const find = (userId: string, factorId: string): Factor | undefined => {
    const entry = byUser.get(userId);
    if (entry === undefined) return undefined;
    if (!Array.isArray(entry)) return entry.id === factorId ? entry : undefined;
    return entry.find((f) => f.id === factorId);
  };

  // The sign-in path's reads and touch, synchronous (the async calls below are these).
  const held: HeldFactors = {
    list(userId) {
      const entry = byUser.get(userId);
      if (entry === undefined) return [];
      // A user with one factor (the usual case) needs no intermediate list.
      return Array.isArray(entry) ? entry.map((f) => copyOf(f)) : [copyOf(entry)];
    },
    preferred: (userId) => preferred.get(userId) ?? null,
    touch(userId, factorId, at) {
      const factor = find(userId, factorId);
      if (factor === undefined || factor.status !== 'active') return false;
      factor.lastUsedAt = at;
      return true;
    },
  };

  const store: FactorStore = {
    async listFactors(userId) {
      return held.list(userId);
    },

    async getFactor(userId, factorId) {
      const factor = find(userId, factorId);
      return factor === undefined ? null : copyOf(factor);
    },

    async putFactor(factor) {
      const copy = heldCopyOf(factor);
      const list = [...factorsOf(copy.userId)];
      const at = list.findIndex((f) => f.id === copy.id);
      if (at === -1) {
        list.push(copy);
      } else {
        remove(byPhone, (list[at] as Factor).phone, list[at] as Factor);
        remove(byEmail, (list[at] as Factor).email, list[at] as Factor);
        list[at] = copy; // replacing keeps the original position
      }
      byUser.set(copy.userId, packed(list));
      add(byPhone, copy.phone, copy);
      add(byEmail, copy.email, copy);
    },

    async touchFactor(userId, factorId, at) {
      return held.touch(userId, factorId, at);
    },

    async deleteFactor(userId, factorId) {
      const old = find(userId, factorId);
      if (old === undefined) return false;
      remove(byUser, userId, old);
      remove(byPhone, old.phone, old);
      remove(byEmail, old.email, old);
      return true;
    },

    async findFactorsByPhone(phone) {
      return listOf(byPhone.get(phone)).map((f) => copyOf(f));
    },

    async findFactorsByEmail(email) {
      return listOf(byEmail.get(email)).map((f) => copyOf(f));
    },

    async getPreferred(userId) {
      return held.preferred(userId);
    },

    async setPreferred(userId, factorId) {
      if (factorId === null) preferred.delete(userId);
      else preferred.set(userId, factorId);
    },

    async getException(userId) {
      const entry = exceptions.get(userId);
      return entry === undefined ? null : copyOf(entry);
    },

    async putException(entry) {
      exceptions.set(entry.userId, copyOf(entry));
    },

    async deleteException(userId) {
      return exceptions.delete(userId);
    },

    async listExceptions() {
      return [...exceptions.values()].map((e) => copyOf(e));
    },
  };
  // Not enumerable: a wrapper built by spreading this store (`{ ...store, listFactors }`) does
  // not carry it, so its own calls are never bypassed.
  return Object.defineProperty(store, HELD_FACTORS, { value: held });
}

/** The factors of an index entry. */
const listOf = (entry: Factor | Factor[] | undefined): readonly Factor[] => (entry === undefined ? [] : Array.isArray(entry) ? entry : [entry]);

/** An index entry for a list: a lone factor as itself. */
const packed = (list: Factor[]): Factor | Factor[] => (list.length === 1 ? (list[0] as Factor) : list);

/** Adds `factor` to the entry of `key` (none when `key` is absent). */
function add(index: Map<string, Factor | Factor[]>, key: string | undefined, factor: Factor): void {
  if (key === undefined) return;
  const entry = index.get(key);
  index.set(key, entry === undefined ? factor : [...listOf(entry), factor]);
}

/** Removes `factor` (this very object) from the entry of `key`; an empty entry goes. */
function remove(index: Map<string, Factor | Factor[]>, key: string | undefined, factor: Factor): void {
  if (key === undefined) return;
  const left = listOf(index.get(key)).filter((f) => f !== factor);
  if (left.length === 0) index.delete(key);
  else index.set(key, packed(left));
}
