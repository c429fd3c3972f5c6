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
  /** Budget window in ms. */
  readonly sendWindowMs: number;
}

/**
 * Every default of mfakit, in one place: the rule numbers (a full {@link Policy}, as in the
 * README's rules table), the fallback order of channels, the compare-and-set bound and the
 * shortest accepted secret.
 *
 * | key | default | rule |
 * |---|---|---|
 * | `codeLength` | 6 | digits in a code |
 * | `codeTtlMs` | 600 000 (10 min) | a code is valid while less than this has passed since it was issued |
 * | `maxTries` | 4 | wrong entries one code survives; the last one kills it |
 * | `maxFailures` | 8 | wrong entries (across codes and factors) that lock the user |
 * | `lockMs` | 1 200 000 (20 min) | how long a lock lasts |
 * | `hardLimit` | 100 | consecutive failures after which only an admin can unlock (NIST SP 800-63B 5.2.2) |
 * | `failureMemoryMs` | 86 400 000 (24 h) | failure counts are forgotten this long after the last failure |
 * | `cooldownMs` | 30 000 | minimum time between two sends to one user |
 * | `sendsPerUser` | 10 | sends per user per send window |
 * | `sendsPerDestination` | 10 | sends per destination number per send window |
 * | `sendWindowMs` | 3 600 000 (1 h) | the window of both send budgets |
 * | `channelPriority` | sms, voice, email, totp, backup | order in which channels are tried when the preferred factor is unusable |
 * | `maxCasAttempts` | 64 | compare-and-set attempts before a call fails closed with `contention` |
 * | `minSecretLength` | 32 | shortest accepted secret, in characters |
 *
 * @example
 * ```ts
 * createMfa({ ...options, code: { ttlMs: DEFAULTS.codeTtlMs / 2 } }); // 5-minute codes
 * `${DEFAULTS.maxTries} tries per code`;                              // '4 tries per code'
 * ```
 */
export const DEFAULTS = {
  codeLength: 6,
  codeTtlMs: 10 * 60_000,
  maxTries: 4,
  maxFailures: 8,
  lockMs: 20 * 60_000,
  hardLimit: 100,
  failureMemoryMs: 24 * 60 * 60_000,
  cooldownMs: 30_000,
  sendsPerUser: 10,
  sendsPerDestination: 10,
  sendWindowMs: 60 * 60_000,
  channelPriority: CHANNELS as readonly Channel[],
  maxCasAttempts: 64,
  minSecretLength: 32,
} as const satisfies Policy & Record<string, unknown>;
