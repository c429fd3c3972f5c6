/**
 * The rule numbers ({@link Policy}) and their defaults ({@link DEFAULTS}): the vocabulary every
 * pure rule in `core/` is written against.
 * @module
 */
import { CHANNELS, type Channel } from './types.js';

/**
 * The rule numbers in force (`mfa.rules`), after defaults.
 *
 * @example
 * ```ts
 * mfa.rules.maxTries;   // 4
 * mfa.rules.cooldownMs; // 30000
 * ```
 */
export interface Policy {
  /** Digits per code. */
  readonly codeLength: number;
  /** Code lifetime in ms. */
  readonly codeTtlMs: number;
  /** Wrong entries per code. */
  readonly maxTries: number;
  /** Wrong entries that lock. */
  readonly maxFailures: number;
  /** Lock length in ms. */
  readonly lockMs: number;
  /** Consecutive failures that lock until an admin unlocks. */
  readonly hardLimit: number;
  /** How long failures are remembered after the last one, in ms. */
  readonly failureMemoryMs: number;
  /** Minimum ms between sends to a user. */
  readonly cooldownMs: number;
  /** Sends per user per window. */
  readonly sendsPerUser: number;
  /** Sends per destination number per window. */
  readonly sendsPerDestination: number;
  /** Sends per number prefix per window (SMS-pumping defence); `null`: off. */
  readonly sendsPerPrefix: number | null;
  /** Digits of the national significant number that make a prefix. */
  readonly prefixDigits: number;
  /** Sends per client IP per window (counted when the caller passes `ip`); `null`: off. */
  readonly sendsPerIp: number | null;
  /** Sends of the whole deployment per window (a spend ceiling, in fixed slots); `null`: off. */
  readonly globalCap: number | null;
  /** Budget window in ms. */
  readonly sendWindowMs: number;
  /** How long a proof of possession allows factor changes, in ms (0: step-up off). */
  readonly stepUpMs: number;
  /** How long a trusted device skips MFA, in ms (`verify(…, { trustDevice: true })`). */
  readonly deviceTtlMs: number;
}

/**
 * Every default of mfakit, in one place: the rule numbers (a full {@link Policy}, as in the
 * README's rules table), the fallback order of channels, the compare-and-set bound and the
 * shortest accepted secret.
 *
 * @example
 * ```ts
 * createMfa({ ...options, code: { ttlMs: DEFAULTS.codeTtlMs / 2 } }); // 5-minute codes
 * `${DEFAULTS.maxTries} tries per code`;                              // '4 tries per code'
 * ```
 */
export const DEFAULTS = {
  /** Digits in a code: 6. */
  codeLength: 6,
  /** A code is valid while less than this has passed since it was issued: 10 min. */
  codeTtlMs: 10 * 60_000,
  /** Wrong entries one code survives; the last one kills it: 4. */
  maxTries: 4,
  /** Wrong entries (across codes and factors) that lock the user: 8. */
  maxFailures: 8,
  /** How long a lock lasts: 20 min. */
  lockMs: 20 * 60_000,
  /** Consecutive failures after which only an admin can unlock (NIST SP 800-63B 5.2.2): 100. */
  hardLimit: 100,
  /** Failure counts are forgotten this long after the last failure: 24 h. */
  failureMemoryMs: 24 * 60 * 60_000,
  /** Minimum time between two sends of one purpose to one user: 30 s. */
  cooldownMs: 30_000,
  /** Sends per user per send window: 10. */
  sendsPerUser: 10,
  /** Sends per destination number per send window: 10. */
  sendsPerDestination: 10,
  /**
   * Sends per number prefix per send window: 100. A prefix is the country code and the first
   * {@link DEFAULTS.prefixDigits} digits of the national number (`+1 415555`): pumping
   * rings walk consecutive numbers of one range, real users rarely share one.
   */
  sendsPerPrefix: 100 as number | null,
  /** Digits of the national significant number that make a prefix: 6. */
  prefixDigits: 6,
  /** Sends per client IP (an IPv6 address counts by its /64) per send window, when the caller passes `ip`: 100. */
  sendsPerIp: 100 as number | null,
  /** Sends of the whole deployment per send window (fixed slots): off (`null`); set it to your spend ceiling. */
  globalCap: null as number | null,
  /** The window of every send budget: 1 h. */
  sendWindowMs: 60 * 60_000,
  /** A sign-in verify allows changes to the user's factors for this long: 10 min. */
  stepUpMs: 10 * 60_000,
  /** A trusted device ("remember this browser") skips MFA for this long: 30 days. */
  deviceTtlMs: 30 * 24 * 60 * 60_000,
  /** Order in which channels are tried when the preferred factor is unusable. */
  channelPriority: CHANNELS as readonly Channel[],
  /** Compare-and-set attempts before a call fails closed with `contention`: 64. */
  maxCasAttempts: 64,
  /** Shortest accepted secret, in characters: 32. */
  minSecretLength: 32,
} as const satisfies Policy & Record<string, unknown>;
