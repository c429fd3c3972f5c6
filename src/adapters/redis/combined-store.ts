import { MfaError } from '../../config/errors.js';
import { checkTtl } from '../../config/validate.js';
import type { CombinedStore, CommitResult, FactorTouch, StateWrite } from '../../ports/combined-store.js';
import type { VersionedRecord } from '../../ports/state-store.js';
import { CAS, LOAD, runScript } from './cas-script.js';
import { asInteger, asPairs, asString, type RedisCall } from './client.js';
import { PREFERRED_FIELD, readFactorsHash } from './factor-store.js';
import type { RedisKeys } from './keys.js';

/**
 * The smallest version mfakit writes: a version is at least the Redis server's time in
 * µs when written (see `CAS_SCRIPT`), never below 10^15 µs (September 2001).
 * @internal
 */
export const MIN_VERSION = 1_000_000_000_000_000;

/**
 * Parses `<version>\n<value>`, refusing anything mfakit could not have written: the
 * version must be a decimal integer as the script formats it (no sign, no leading zero,
 * no spaces), at least {@link MIN_VERSION} and safe. So a hand-written `-5\n{}` or
 * `123\n{}` fails closed instead of reading as a record.
 * @internal
 */
export function parseStateValue(raw: string): VersionedRecord {
  const nl = raw.indexOf('\n');
  const digits = nl > 0 ? raw.slice(0, nl) : '';
  const version = /^[1-9][0-9]*$/.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isSafeInteger(version) || version < MIN_VERSION) {
    throw new MfaError('store_failed', 'Redis state value is malformed (not written by mfakit)');
  }
  return { value: raw.slice(nl + 1), version };
}

const parseRecord = (reply: unknown): VersionedRecord | null => {
  const raw = asString(reply, 'EVALSHA');
  return raw === null ? null : parseStateValue(raw);
};

/**
 * Runs the compare-and-set script over `writes` (and `touch`): one `EVALSHA`. An
 * expected version that is not a safe integer never matches.
 * @internal
 */
export async function commitWrites(
  call: RedisCall,
  keys: RedisKeys,
  writes: readonly StateWrite[],
  touch?: FactorTouch,
): Promise<CommitResult> {
  const first = writes[0];
  if (!first) throw new MfaError('invalid_argument', 'commit: at least one write is needed');
  const redisKeys = writes.map((w) => keys.state(w.key)) as [string, ...string[]];
  const touching = touch !== undefined && touch.factorId !== PREFERRED_FIELD;
  const args = [String(writes.length), touching ? touch.factorId : '', touching ? String(touch.at) : ''];
  for (const w of writes) {
    checkTtl(w.ttlMs);
    const expected = w.expectedVersion;
    // A version that is not an integer matches nothing (`'x'` is never a stored version).
    const exp = expected === null ? '' : Number.isSafeInteger(expected) ? String(expected) : 'x';
    args.push(exp, w.value === null ? 'del' : 'set', w.value ?? '', w.ttlMs === null ? '' : String(Math.ceil(w.ttlMs)));
  }
  if (touching) redisKeys.push(keys.factors(touch.userId));
  const reply = await runScript(call, CAS, redisKeys, args);
  if (!Array.isArray(reply) || reply.length < 1) throw new MfaError('store_failed', 'Redis EVALSHA returned an unexpected reply');
  if (asInteger(reply[0], 'EVALSHA') === 1) {
    const versions = writes.map((_, i) => {
      const v = asString(reply[i + 2], 'EVALSHA');
      return v === null ? null : Number(v);
    });
    return { ok: true, touched: asInteger(reply[1], 'EVALSHA') === 1, versions };
  }
  return { ok: false, current: writes.map((_, i) => parseRecord(reply[i + 1])) };
}

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
