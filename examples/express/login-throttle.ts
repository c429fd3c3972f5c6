/**
 * Password-guessing limit for `POST /login`, with `rate-limiter-flexible`. mfakit limits
 * code guessing; the password in front of it needs its own limit.
 *
 * Two counts of **wrong** passwords, each in a fixed window that starts with the first one:
 * - per account (the username as typed, normalised; unknown usernames are counted the same
 *   way, so the answer never tells whether an account exists);
 * - per client IP, with a higher limit (one address trying many accounts).
 * When either count has reached its limit, every sign-in from that account or address is
 * refused (HTTP 429), even with the right password, until its window ends. The password is
 * then not even checked. A right password clears the account's count, not the address's.
 *
 * ADAPT: with several processes, use `RateLimiterRedis` (same package, same calls) on a shared
 * Redis, so every process sees the same counts. Behind a reverse proxy, set Express's
 * `trust proxy` so `req.ip` is the client's address and not the proxy's.
 * @module
 */
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import { StartupError } from './startup-error.js';

/** At most `attempts` wrong passwords within `windowMs`. */
export interface LoginLimit {
  readonly attempts: number;
  readonly windowMs: number;
}

/** The two limits (see the module comment). */
export interface LoginLimits {
  readonly perAccount: LoginLimit;
  readonly perIp: LoginLimit;
}

/** 10 wrong passwords per account and 100 per address, each per 15 minutes. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perAccount: { attempts: 10, windowMs: 15 * 60_000 },
  perIp: { attempts: 100, windowMs: 15 * 60_000 },
};

/** Why a sign-in was refused, and for how long. */
export interface Throttled {
  readonly scope: 'account' | 'ip';
  readonly retryAfterMs: number;
}

function limiter(name: string, limit: LoginLimit): RateLimiterMemory {
  if (!Number.isInteger(limit.attempts) || limit.attempts < 1) throw new StartupError(`loginLimits.${name}.attempts must be a positive integer`);
  if (!Number.isFinite(limit.windowMs) || limit.windowMs < 1000) throw new StartupError(`loginLimits.${name}.windowMs must be at least 1000`);
  return new RateLimiterMemory({ keyPrefix: `login-${name}`, points: limit.attempts, duration: Math.ceil(limit.windowMs / 1000) });
}

/** The same normalisation as the user directory: `Alice ` and `alice` are one account. */
const accountKey = (username: string) => username.trim().toLowerCase();

/** Milliseconds left when `res` has used up `points` in a window that has not ended, else 0. */
function blockedFor(res: RateLimiterRes | null, points: number): number {
  if (!res || res.msBeforeNext <= 0) return 0;
  return res.consumedPoints >= points ? res.msBeforeNext : 0;
}

/** One instance per app, so each app (and each test) starts with clean counts. */
export class LoginThrottle {
  readonly #account: RateLimiterMemory;
  readonly #ip: RateLimiterMemory;
  readonly #limits: LoginLimits;

  constructor(limits: Partial<LoginLimits> = {}) {
    this.#limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
    this.#account = limiter('perAccount', this.#limits.perAccount);
    this.#ip = limiter('perIp', this.#limits.perIp);
  }

  /** `undefined` when a password may be checked now; otherwise why not and for how long. */
  async check(username: string, ip: string): Promise<Throttled | undefined> {
    const [account, address] = await Promise.all([this.#account.get(accountKey(username)), this.#ip.get(ip)]);
    const accountMs = blockedFor(account, this.#limits.perAccount.attempts);
    const ipMs = blockedFor(address, this.#limits.perIp.attempts);
    if (accountMs === 0 && ipMs === 0) return undefined;
    return accountMs >= ipMs ? { scope: 'account', retryAfterMs: accountMs } : { scope: 'ip', retryAfterMs: ipMs };
  }

  /** Counts a wrong password against the account and the address. */
  async failed(username: string, ip: string): Promise<void> {
    await Promise.all([this.#account.penalty(accountKey(username)), this.#ip.penalty(ip)]);
  }

  /** A right password clears the account's count (the address keeps its own). */
  async succeeded(username: string): Promise<void> {
    await this.#account.delete(accountKey(username));
  }
}
