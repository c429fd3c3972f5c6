import { MfaError } from '../../config/errors.js';
import type { CombinedStore } from '../../ports/combined-store.js';
import { LOAD, runScript } from './cas-script.js';
import { asPairs, type RedisCall } from './client.js';
import type { RedisKeys } from './keys.js';
import { commitWrites, parseRecord, readFactorsHash } from './records.js';

/**
 * The {@link CombinedStore} of `redisStores`: `loadUser` is one `EVALSHA` of a read-only
 * script over the user's state key and factors hash (one hash slot); `commit` is one
 * `EVALSHA` of the compare-and-set script over every key. On a cluster client
 * `multiKey` is `false`, so a commit never spans hash slots.
 * @internal
 */
export function createRedisCombinedStore(call: RedisCall, keys: RedisKeys, multiKey: boolean): CombinedStore {
  return {
    multiKey,
    async loadUser(userId, stateKey) {
      const reply = await runScript(call, LOAD, [keys.state(stateKey), keys.factors(userId)], []);
      if (!Array.isArray(reply) || reply.length !== 2) throw new MfaError('store_failed', 'Redis EVALSHA returned an unexpected reply');
      return { ...readFactorsHash(asPairs(reply[1], 'EVALSHA')), state: parseRecord(reply[0]) };
    },
    commit: (writes, touch) => commitWrites(call, keys, writes, touch),
  };
}
