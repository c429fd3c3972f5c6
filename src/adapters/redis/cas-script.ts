import { createHash } from 'node:crypto';
import { isNoScript } from './client.js';

/**
 * Compare-and-set of one or more state keys, all or none, each stored as the string
 * `<version>\n<value>`; optionally records a factor's use in the same atomic step.
 *
 * KEYS[1..n] the state keys; KEYS[n+1] the user's factors hash when touching.
 * ARGV[1] n. ARGV[2] the factor id to touch (`''`: none). ARGV[3] the touch time (ms).
 * Then four arguments per key: the expected version (`''`: the key must not exist),
 * `'set'` or `'del'`, the value, the TTL in ms (`''`: none).
 *
 * Returns `{1, touched, version1, ...}` (a deleted key's version is nil) when every key
 * matched and was written, else `{0, current1, ...}` with each key's raw value (nil when
 * missing) and nothing changed.
 *
 * A new version is `max(old + 1, server time in µs, 10^15)`, so a key that is deleted (or
 * expires) and written again never reuses a version a stale reader may still hold, and
 * every version is a decimal integer of at least 16 digits: a stored version that is not
 * (a value mfakit did not write) makes the script fail (`mfakit: malformed state value`).
 * `SET` without `PX` drops any previous TTL, as `PERSIST` would. The touch sets
 * `lastUsedAt` of the factor only when it exists and is `active`; with n = 0 the script
 * is only that touch (`FactorStore.touchFactor`), KEYS[1] being the factors hash.
 * @internal
 */
export const CAS_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local n = tonumber(ARGV[1])
local cur, curv, ok = {}, {}, true
for i = 1, n do
  local raw = redis.call('GET', KEYS[i])
  cur[i], curv[i] = raw, false
  if raw then
    local nl = string.find(raw, '\\n', 1, true)
    if not nl then return redis.error_reply('mfakit: malformed state value') end
    curv[i] = string.sub(raw, 1, nl - 1)
    if #curv[i] < 16 or not string.find(curv[i], '^[1-9]%d*$') then
      return redis.error_reply('mfakit: malformed state value')
    end
  end
  local expected = ARGV[4 * i]
  if expected == '' then
    if raw then ok = false end
  elseif curv[i] ~= expected then
    ok = false
  end
end
if not ok then
  local out = {0}
  for i = 1, n do out[i + 1] = cur[i] end
  return out
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if now < 1e15 then now = 1e15 end
local out = {1, 0}
for i = 1, n do
  local a = 4 * i
  if ARGV[a + 1] == 'del' then
    redis.call('DEL', KEYS[i])
    out[i + 2] = false
  else
    local v = now
    if curv[i] then
      local bumped = tonumber(curv[i]) + 1
      if bumped > v then v = bumped end
    end
    local version = string.format('%.0f', v)
    local data = version .. '\\n' .. ARGV[a + 2]
    if ARGV[a + 3] == '' then
      redis.call('SET', KEYS[i], data)
    else
      redis.call('SET', KEYS[i], data, 'PX', ARGV[a + 3])
    end
    out[i + 2] = version
  end
end
if ARGV[2] ~= '' then
  local raw = redis.call('HGET', KEYS[n + 1], ARGV[2])
  if raw then
    local f = cjson.decode(raw)
    if f.status == 'active' then
      f.lastUsedAt = tonumber(ARGV[3])
      redis.call('HSET', KEYS[n + 1], ARGV[2], cjson.encode(f))
      out[2] = 1
    end
  end
end
return out
`;

/**
 * Reads a user's state key and factors hash, and any further state keys, at one instant.
 * KEYS[1] the state key, KEYS[2] the factors hash, KEYS[3..n] other state keys (single
 * node only: they are in other hash slots). Returns
 * `{state or nil, {field, value, ...}, other3 or nil, ...}`.
 * @internal
 */
export const LOAD_SCRIPT = `
local out = {redis.call('GET', KEYS[1]), redis.call('HGETALL', KEYS[2])}
for i = 3, #KEYS do out[i] = redis.call('GET', KEYS[i]) end
return out
`;

/** A Lua script with its SHA-1, for EVALSHA. @internal */
export interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });

/** @internal */
export const CAS = script(CAS_SCRIPT);
/** @internal */
export const LOAD = script(LOAD_SCRIPT);
/** SHA-1 of {@link CAS_SCRIPT}, for EVALSHA. @internal */
export const CAS_SHA = CAS.sha;

/**
 * Runs a script by SHA, loading it with EVAL once when Redis answers NOSCRIPT
 * (after a restart or SCRIPT FLUSH). The first key routes the command on a cluster.
 * @internal
 */
export function runScript(
  call: (command: string, key: string, args: string[]) => Promise<unknown>,
  s: Script,
  keys: readonly [string, ...string[]],
  args: readonly string[],
): Promise<unknown> {
  return evalSha(call, s, [s.sha, String(keys.length), ...keys, ...args]);
}

/**
 * {@link runScript} with the EVALSHA arguments already laid out: `argv[0]` the SHA (swapped
 * for the source on NOSCRIPT), `argv[1]` the number of keys, `argv[2]` the first key.
 * @internal
 */
export async function evalSha(
  call: (command: string, key: string, args: string[]) => Promise<unknown>,
  s: Script,
  argv: string[],
): Promise<unknown> {
  const first = argv[2] ?? '';
  try {
    return await call('EVALSHA', first, argv);
  } catch (err) {
    if (!isNoScript(err)) throw err;
    argv[0] = s.source;
    return call('EVAL', first, argv);
  }
}
