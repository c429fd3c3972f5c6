/**
 * A source of the current time in milliseconds since the Unix epoch.
 *
 * Every rule (expiry, cooldown, lockout, send budgets) reads time only through this
 * port, so tests can move time by hand instead of using fake timers.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => Date.now() };
 * const mfa = createMfa({ clock, ...options });
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. Must never go backwards within one process. */
  now(): number;
}

/**
 * The wall clock: `Date.now()`.
 *
 * @example
 * ```ts
 * systemClock.now(); // 1764060000000
 * ```
 */
export const systemClock: Clock = { now: () => Date.now() };
