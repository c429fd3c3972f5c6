import { MfaError } from '../../config/errors.js';
import type { CombinedStore, UserSnapshot } from '../../ports/combined-store.js';
import type { VersionedRecord } from '../../ports/state-store.js';
import { LOAD, runScript } from './cas-script.js';
import { asPairs, asString, type RedisCall } from './client.js';
import type { RedisKeys } from './keys.js';
import { commitWrites, parseRecord, parseStateValue, readFactorsHash } from './records.js';

/**
 * The {@link CombinedStore} of `redisStores`: `loadUser` is one `EVALSHA` of a read-only
 * script over the user's state key and factors hash (one hash slot); `loadUserWith` the
 * same script over the other keys too on a single node, and on a cluster (other keys,
 * other slots) that script beside one `GET` per other key; `commit` is one `EVALSHA` of
 * the compare-and-set script over every key. On a cluster client `multiKey` is `false`,
 * so neither script ever spans hash slots.
 * @internal
 */
export function createRedisCombinedStore(call: RedisCall, keys: RedisKeys, multiKey: boolean): CombinedStore {
  /** The load script over the user's keys and `more`; its reply split. */
  const load = async (userId: string, stateKey: string, more: readonly string[]) => {
    const reply = await runScript(call, LOAD, [keys.state(stateKey), keys.factors(userId), ...more], []);
    if (!Array.isArray(reply) || reply.length !== 2 + more.length) throw new MfaError('store_failed', 'Redis EVALSHA returned an unexpected reply');
    const snap: UserSnapshot = { ...readFactorsHash(asPairs(reply[1], 'EVALSHA')), state: parseRecord(reply[0]) };
    return { snap, also: more.map((_, i) => parseRecord(reply[i + 2])) };
  };
  const get = async (key: string): Promise<VersionedRecord | null> => {
    const redisKey = keys.state(key);
    const raw = asString(await call('GET', redisKey, [redisKey]), 'GET');
    return raw === null ? null : parseStateValue(raw);
  };
  return {
    multiKey,
    async loadUser(userId, stateKey) {
      return (await load(userId, stateKey, [])).snap;
    },
    async loadUserWith(userId, stateKey, alsoRead) {
      if (multiKey) {
        const { snap, also } = await load(userId, stateKey, alsoRead.map((k) => keys.state(k)));
        return { ...snap, also };
      }
      const [{ snap }, ...also] = await Promise.all([load(userId, stateKey, []), ...alsoRead.map(get)]);
      return { ...snap, also };
    },
    commit: (writes, touch) => commitWrites(call, keys, writes, touch),
  };
}
