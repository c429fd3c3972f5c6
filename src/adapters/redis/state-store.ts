import type { StateStore } from '../../ports/state-store.js';
import { asString, type RedisCall } from './client.js';
import type { RedisKeys } from './keys.js';
import { commitWrites, parseStateValue } from './records.js';

/**
 * A {@link StateStore} over Redis: each key is one Redis string `<version>\n<value>`,
 * read with one `GET` and written with one `EVALSHA` of the compare-and-set script
 * (`EVAL` once after a `NOSCRIPT`, e.g. after a restart or `SCRIPT FLUSH`).
 * @internal
 */
export function createRedisStateStore(call: RedisCall, keys: RedisKeys): StateStore {
  return {
    async read(key) {
      const redisKey = keys.state(key);
      const raw = asString(await call('GET', redisKey, [redisKey]), 'GET');
      return raw === null ? null : parseStateValue(raw);
    },

    async write(key, value, expectedVersion, ttlMs) {
      const r = await commitWrites(call, keys, [{ key, value, expectedVersion, ttlMs }]);
      return r.ok;
    },
  };
}
