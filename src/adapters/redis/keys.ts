/**
 * Redis key names, one function per kind of key. See the key layout in `index.ts`.
 * @internal
 */
export interface RedisKeys {
  /** One state record: `<prefix>{<key>}`, e.g. `mfakit:{user:42}`. */
  state(key: string): string;
  /** Hash factorId → factor JSON, plus `:preferred` → id: `<prefix>{user:<userId>}:factors`. */
  factors(userId: string): string;
  /** Set of `[userId, factorId]` JSON pairs: `<prefix>phone:{<e164>}`. */
  phone(e164: string): string;
  /** Set of `[userId, factorId]` JSON pairs: `<prefix>email:{<address>}`. */
  email(address: string): string;
  /** Hash userId → exception entry JSON: `<prefix>exceptions`. */
  exceptions(): string;
}

/** @internal */
export function redisKeys(prefix: string): RedisKeys {
  return {
    state: (key) => `${prefix}{${key}}`,
    factors: (userId) => `${prefix}{user:${userId}}:factors`,
    phone: (e164) => `${prefix}phone:{${e164}}`,
    email: (address) => `${prefix}email:{${address}}`,
    exceptions: () => `${prefix}exceptions`,
  };
}
