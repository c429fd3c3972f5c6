import { MfaError } from '../../errors.js';
import type { StateStore, VersionedRecord } from '../../ports/state-store.js';
import { CAS_SCRIPT, CAS_SHA, runScript } from './cas-script.js';
import { asInteger, asString, type RedisCall } from './client.js';
import type { RedisKeys } from './keys.js';

function checkTtl(ttlMs: number | null): void {
  if (ttlMs === null) return;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 1) {
    throw new MfaError('invalid_argument', 'state store: ttlMs must be null or a finite number >= 1');
  }
}

/** Parses `<version>\n<value>`. @internal */
export function parseStateValue(raw: string): VersionedRecord {
  const nl = raw.indexOf('\n');
  const version = nl > 0 ? Number(raw.slice(0, nl)) : Number.NaN;
  if (!Number.isSafeInteger(version)) {
    throw new MfaError('store_failed', 'Redis state value is malformed');
  }
  return { value: raw.slice(nl + 1), version };
}

/**
 * A {@link StateStore} over Redis: each key is one Redis string `<version>\n<value>`,
 * read with one `GET` and written with one `EVALSHA` of a compare-and-set script
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
      checkTtl(ttlMs);
      if (expectedVersion !== null && !Number.isSafeInteger(expectedVersion)) return false;
      const redisKey = keys.state(key);
      const reply = await runScript(call, { source: CAS_SCRIPT, sha: CAS_SHA }, redisKey, [
        expectedVersion === null ? '' : String(expectedVersion),
        value === null ? 'del' : 'set',
        value ?? '',
        ttlMs === null ? '' : String(Math.ceil(ttlMs)),
      ]);
      return asInteger(reply, 'EVALSHA') === 1;
    },
  };
}
