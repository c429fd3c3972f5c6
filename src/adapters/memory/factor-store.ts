import type { FactorStore } from '../../ports/factor-store.js';
import type { ExceptionEntry, Factor } from '../../core/types.js';

/** A copy of a flat record (every field of a Factor or ExceptionEntry is a primitive). */
const copyOf = <T extends object>(record: T): T => ({ ...record });

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
  /** userId → factorId → factor, in insertion (creation) order. */
  const byUser = new Map<string, Map<string, Factor>>();
  /** E.164 number → userId → set of factor ids. */
  const byPhone = new Map<string, Map<string, Set<string>>>();
  const preferred = new Map<string, string>();
  const exceptions = new Map<string, ExceptionEntry>();

  const unindex = (factor: Factor): void => {
    if (factor.phone === undefined) return;
    const users = byPhone.get(factor.phone);
    const ids = users?.get(factor.userId);
    if (users === undefined || ids === undefined) return;
    ids.delete(factor.id);
    if (ids.size === 0) users.delete(factor.userId);
    if (users.size === 0) byPhone.delete(factor.phone);
  };

  const index = (factor: Factor): void => {
    if (factor.phone === undefined) return;
    let users = byPhone.get(factor.phone);
    if (users === undefined) byPhone.set(factor.phone, (users = new Map()));
    let ids = users.get(factor.userId);
    if (ids === undefined) users.set(factor.userId, (ids = new Set()));
    ids.add(factor.id);
  };

  return {
    async listFactors(userId) {
      return [...(byUser.get(userId)?.values() ?? [])].map((f) => copyOf(f));
    },

    async getFactor(userId, factorId) {
      const factor = byUser.get(userId)?.get(factorId);
      return factor === undefined ? null : copyOf(factor);
    },

    async putFactor(factor) {
      const copy = copyOf(factor);
      let factors = byUser.get(copy.userId);
      if (factors === undefined) byUser.set(copy.userId, (factors = new Map()));
      const old = factors.get(copy.id);
      if (old !== undefined) unindex(old);
      factors.set(copy.id, copy); // replacing keeps the original position
      index(copy);
    },

    async touchFactor(userId, factorId, at) {
      const factor = byUser.get(userId)?.get(factorId);
      if (factor === undefined || factor.status !== 'active') return false;
      factor.lastUsedAt = at;
      return true;
    },

    async deleteFactor(userId, factorId) {
      const factors = byUser.get(userId);
      const old = factors?.get(factorId);
      if (factors === undefined || old === undefined) return false;
      factors.delete(factorId);
      if (factors.size === 0) byUser.delete(userId);
      unindex(old);
      return true;
    },

    async findFactorsByPhone(phone) {
      const found: Factor[] = [];
      for (const [userId, ids] of byPhone.get(phone) ?? []) {
        for (const id of ids) {
          const factor = byUser.get(userId)?.get(id);
          if (factor !== undefined) found.push(copyOf(factor));
        }
      }
      return found;
    },

    async getPreferred(userId) {
      return preferred.get(userId) ?? null;
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
}
