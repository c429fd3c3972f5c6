/**
 * The value layouts of the Redis keys (a state key's `<version>\n<value>`, a factors hash
 * with its preferred field) and the compare-and-set commit over state keys: what the
 * stores of this adapter share, so that none imports another.
 * @internal
 * @module
 */
import { MfaError } from '../../config/errors.js';
import { checkTtl } from '../../config/validate.js';
import type { Factor } from '../../core/types.js';
import type { CommitResult, FactorTouch, StateWrite } from '../../ports/combined-store.js';
import type { VersionedRecord } from '../../ports/state-store.js';
import { CAS, evalSha } from './cas-script.js';
import { asInteger, asString, plainError, type RedisCall } from './client.js';
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

/** A state record in a script's reply (`null`: missing). @internal */
export const parseRecord = (reply: unknown): VersionedRecord | null => {
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
  const n = writes.length;
  if (n === 0) throw new MfaError('invalid_argument', 'commit: at least one write is needed');
  const touching = touch !== undefined && touch.factorId !== PREFERRED_FIELD;
  // The EVALSHA arguments laid out once: SHA, key count, the keys, then the script's ARGV.
  const argv: string[] = [CAS.sha, String(touching ? n + 1 : n)];
  for (let i = 0; i < n; i++) argv.push(keys.state((writes[i] as StateWrite).key));
  if (touching) argv.push(keys.factors(touch.userId));
  argv.push(String(n), touching ? touch.factorId : '', touching ? String(touch.at) : '');
  for (let i = 0; i < n; i++) {
    const w = writes[i] as StateWrite;
    checkTtl(w.ttlMs);
    const expected = w.expectedVersion;
    // A version that is not an integer matches nothing (`'x'` is never a stored version).
    const exp = expected === null ? '' : Number.isSafeInteger(expected) ? String(expected) : 'x';
    argv.push(exp, w.value === null ? 'del' : 'set', w.value ?? '', w.ttlMs === null ? '' : String(Math.ceil(w.ttlMs)));
  }
  const reply = await evalSha(call, CAS, argv);
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

/** @internal */
export function parseJson<T>(json: string, what: string): T {
  try {
    return JSON.parse(json) as T;
  } catch (err) {
    // V8 quotes short inputs in its message: keep only the error's name, never the value.
    throw new MfaError('store_failed', `Redis ${what} value is not valid JSON`, { cause: plainError(new SyntaxError(err instanceof Error ? err.name : 'invalid JSON')) });
  }
}

/**
 * The field of a user's factors hash that holds the preferred factor id (a factor id is
 * `f_` + base64url, so it can never be this).
 * @internal
 */
export const PREFERRED_FIELD = ':preferred';

/** Splits the fields of a factors hash into the factors (by creation time) and the preferred id. @internal */
export function readFactorsHash(pairs: readonly [string, string][]): { factors: Factor[]; preferred: string | null } {
  let preferred: string | null = null;
  const factors: Factor[] = [];
  for (const [field, json] of pairs) {
    if (field === PREFERRED_FIELD) preferred = json;
    else factors.push(parseJson<Factor>(json, 'factor'));
  }
  // A large hash does not keep insertion order: order by creation time (stable sort).
  factors.sort((a, b) => a.createdAt - b.createdAt);
  return { factors, preferred };
}
