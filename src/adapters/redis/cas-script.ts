import { createHash } from 'node:crypto';
import { isNoScript } from './client.js';

/**
 * Compare-and-set of one state key, stored as the string `<version>\n<value>`.
 *
 * KEYS[1] the state key. ARGV[1] the expected version (`''`: the key must not exist).
 * ARGV[2] `'set'` or `'del'`. ARGV[3] the value. ARGV[4] the TTL in ms (`''`: none).
 * Returns 1 when written or deleted, 0 when the version did not match.
 *
 * A new version is `max(old + 1, server time in µs)`, so a key that is deleted (or
 * expires) and written again never reuses a version a stale reader may still hold.
 * `SET` without `PX` drops any previous TTL, as `PERSIST` would.
 * @internal
 */
export const CAS_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local cur = redis.call('GET', KEYS[1])
local curv = false
if cur then
  local nl = string.find(cur, '\\n', 1, true)
  if not nl then return redis.error_reply('mfakit: malformed state value') end
  curv = string.sub(cur, 1, nl - 1)
end
if ARGV[1] == '' then
  if cur then return 0 end
elseif curv ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'del' then
  redis.call('DEL', KEYS[1])
  return 1
end
local t = redis.call('TIME')
local v = tonumber(t[1]) * 1000000 + tonumber(t[2])
if curv then
  local bumped = tonumber(curv) + 1
  if bumped > v then v = bumped end
end
local data = string.format('%.0f', v) .. '\\n' .. ARGV[3]
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], data)
else
  redis.call('SET', KEYS[1], data, 'PX', ARGV[4])
end
return 1
`;

/** SHA-1 of {@link CAS_SCRIPT}, for EVALSHA. @internal */
export const CAS_SHA = createHash('sha1').update(CAS_SCRIPT).digest('hex');

/**
 * Sets `lastUsedAt` of an active factor inside its user's factors hash, in one command.
 * KEYS[1] the factors hash. ARGV[1] the factor id. ARGV[2] the time (epoch ms).
 * Returns 1 when the factor exists and is active, else 0 (nothing changed).
 * @internal
 */
export const TOUCH_SCRIPT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local f = cjson.decode(raw)
if f.status ~= 'active' then return 0 end
f.lastUsedAt = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(f))
return 1
`;

/** SHA-1 of {@link TOUCH_SCRIPT}. @internal */
export const TOUCH_SHA = createHash('sha1').update(TOUCH_SCRIPT).digest('hex');

/**
 * Runs a script by SHA, loading it with EVAL once when Redis answers NOSCRIPT
 * (after a restart or SCRIPT FLUSH).
 * @internal
 */
export async function runScript(
  call: (command: string, key: string, args: string[]) => Promise<unknown>,
  script: { readonly source: string; readonly sha: string },
  key: string,
  args: readonly string[],
): Promise<unknown> {
  try {
    return await call('EVALSHA', key, [script.sha, '1', key, ...args]);
  } catch (err) {
    if (!isNoScript(err)) throw err;
    return call('EVAL', key, [script.source, '1', key, ...args]);
  }
}
