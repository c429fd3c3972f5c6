import { MfaError } from '../../config/errors.js';
import type { FactorStore } from '../../ports/factor-store.js';
import type { ExceptionEntry, Factor } from '../../core/types.js';
import { asInteger, asPairs, asString, asStrings, type RedisCall } from './client.js';
import type { RedisKeys } from './keys.js';
import { parseJson, PREFERRED_FIELD, readFactorsHash } from './records.js';
import { CAS, runScript } from './cas-script.js';

/** A member of a phone or email index set: `["<userId>","<factorId>"]`. */
const member = (userId: string, factorId: string): string => JSON.stringify([userId, factorId]);

/**
 * A {@link FactorStore} over Redis. Factors of a user are one hash; a set per phone
 * number indexes them for `findFactorsByPhone`, a set per email address for
 * `findFactorsByEmail`. Each index is updated so that it is
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

  /** The index set keys of a factor: its number's and its address's. */
  const indexKeys = (f: Pick<Factor, 'phone' | 'email'> | null | undefined): string[] => [
    ...(f?.phone !== undefined ? [keys.phone(f.phone)] : []),
    ...(f?.email !== undefined ? [keys.email(f.email)] : []),
  ];

  const unindex = async (userId: string, factorId: string, key: string): Promise<void> => {
    await call('SREM', key, [key, member(userId, factorId)]);
  };

  /** The factors an index set names that still hold `matches` (a stale entry is skipped). */
  const findIndexed = async (key: string, what: string, matches: (f: Factor) => boolean): Promise<Factor[]> => {
    const members = asStrings(await call('SMEMBERS', key, [key]), 'SMEMBERS');
    const found: Factor[] = [];
    for (const m of members) {
      if (m === null) continue;
      const [userId, factorId] = parseJson<[string, string]>(m, what);
      const factor = await getFactor(userId, factorId);
      // A stale entry (left by an interrupted write) is skipped, not removed: removing
      // it here could race with a putFactor that indexed before writing the factor.
      if (factor !== null && matches(factor)) found.push(factor);
    }
    return found;
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
      const now = indexKeys(factor);
      for (const key of now) await call('SADD', key, [key, member(factor.userId, factor.id)]);
      const key = keys.factors(factor.userId);
      await call('HSET', key, [key, factor.id, JSON.stringify(factor)]);
      for (const gone of indexKeys(old)) if (!now.includes(gone)) await unindex(factor.userId, factor.id, gone);
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
      for (const gone of indexKeys(old)) await unindex(userId, factorId, gone);
      return removed;
    },

    findFactorsByPhone: (phone) => findIndexed(keys.phone(phone), 'phone index', (f) => f.phone === phone),

    findFactorsByEmail: (email) => findIndexed(keys.email(email), 'email index', (f) => f.email === email),

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
