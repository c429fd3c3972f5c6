import { MfaError } from '../../config/errors.js';
import type { FactorStore } from '../../ports/factor-store.js';
import type { ExceptionEntry, Factor } from '../../core/types.js';
import { asInteger, asPairs, asString, asStrings, type RedisCall } from './client.js';
import type { RedisKeys } from './keys.js';
import { parseJson, PREFERRED_FIELD, readFactorsHash } from './records.js';
import { CAS, runScript } from './cas-script.js';

/** A member of a phone index set: `["<userId>","<factorId>"]`. */
const member = (userId: string, factorId: string): string => JSON.stringify([userId, factorId]);

/**
 * A {@link FactorStore} over Redis. Factors of a user are one hash; a set per phone
 * number indexes them for `findFactorsByPhone`. The index is updated so that it is
 * always a superset of the truth (added before the factor is written, removed after),
 * and every hit is checked against the factor itself, so a crash between two
 * commands never hides a factor. No key here has a TTL: this is durable data.
 * @internal
 */
export function createRedisFactorStore(call: RedisCall, keys: RedisKeys): FactorStore {
  const hget = async (key: string, field: string): Promise<string | null> =>
    asString(await call('HGET', key, [key, field]), 'HGET');

  const getFactor = async (userId: string, factorId: string): Promise<Factor | null> => {
    if (factorId === PREFERRED_FIELD) return null;
    const json = await hget(keys.factors(userId), factorId);
    return json === null ? null : parseJson<Factor>(json, 'factor');
  };

  const unindex = async (userId: string, factorId: string, phone: string): Promise<void> => {
    const key = keys.phone(phone);
    await call('SREM', key, [key, member(userId, factorId)]);
  };

  return {
    async listFactors(userId) {
      const key = keys.factors(userId);
      return readFactorsHash(asPairs(await call('HGETALL', key, [key]), 'HGETALL')).factors;
    },

    getFactor,

    async putFactor(factor) {
      if (factor.id === PREFERRED_FIELD) throw new MfaError('invalid_argument', `A factor id may not be '${PREFERRED_FIELD}'`);
      const old = await getFactor(factor.userId, factor.id);
      if (factor.phone !== undefined) {
        const key = keys.phone(factor.phone);
        await call('SADD', key, [key, member(factor.userId, factor.id)]);
      }
      const key = keys.factors(factor.userId);
      await call('HSET', key, [key, factor.id, JSON.stringify(factor)]);
      if (old?.phone !== undefined && old.phone !== factor.phone) {
        await unindex(factor.userId, factor.id, old.phone);
      }
    },

    async touchFactor(userId, factorId, at) {
      if (factorId === PREFERRED_FIELD) return false;
      const key = keys.factors(userId);
      // The compare-and-set script with no state keys: only its factor touch runs.
      const reply = await runScript(call, CAS, [key], ['0', factorId, String(at)]);
      if (!Array.isArray(reply)) throw new MfaError('store_failed', 'Redis EVALSHA returned an unexpected reply');
      return asInteger(reply[1], 'EVALSHA') === 1;
    },

    async deleteFactor(userId, factorId) {
      if (factorId === PREFERRED_FIELD) return false;
      const old = await getFactor(userId, factorId);
      if (old === null) return false;
      const key = keys.factors(userId);
      const removed = asInteger(await call('HDEL', key, [key, factorId]), 'HDEL') === 1;
      if (old.phone !== undefined) await unindex(userId, factorId, old.phone);
      return removed;
    },

    async findFactorsByPhone(phone) {
      const key = keys.phone(phone);
      const members = asStrings(await call('SMEMBERS', key, [key]), 'SMEMBERS');
      const found: Factor[] = [];
      for (const m of members) {
        if (m === null) continue;
        const [userId, factorId] = parseJson<[string, string]>(m, 'phone index');
        const factor = await getFactor(userId, factorId);
        // A stale entry (left by an interrupted write) is skipped, not removed: removing
        // it here could race with a putFactor that indexed before writing the factor.
        if (factor?.phone === phone) found.push(factor);
      }
      return found;
    },

    getPreferred: (userId) => hget(keys.factors(userId), PREFERRED_FIELD),

    async setPreferred(userId, factorId) {
      const key = keys.factors(userId);
      if (factorId === null) await call('HDEL', key, [key, PREFERRED_FIELD]);
      else await call('HSET', key, [key, PREFERRED_FIELD, factorId]);
    },

    async getException(userId) {
      const json = await hget(keys.exceptions(), userId);
      return json === null ? null : parseJson<ExceptionEntry>(json, 'exception');
    },

    async putException(entry) {
      const key = keys.exceptions();
      await call('HSET', key, [key, entry.userId, JSON.stringify(entry)]);
    },

    async deleteException(userId) {
      const key = keys.exceptions();
      return asInteger(await call('HDEL', key, [key, userId]), 'HDEL') === 1;
    },

    async listExceptions() {
      const key = keys.exceptions();
      return asPairs(await call('HGETALL', key, [key]), 'HGETALL').map(([, json]) =>
        parseJson<ExceptionEntry>(json, 'exception'),
      );
    },
  };
}
