import type { Clock } from '../ports/clock.js';

/**
 * A clock that moves only when told to.
 *
 * @example
 * ```ts
 * const clock: FakeClock = fakeClock(); clock.advance(30_000);
 * ```
 */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`. */
  advance(ms: number): void;
  /** Sets the time. */
  set(ms: number): void;
}

/**
 * A controllable clock for tests: rules at their edges without fake timers.
 *
 * @example
 * ```ts
 * const clock = fakeClock();
 * const mfa = createMfa({ clock, stores: memoryStores({ clock }), ...rest });
 * clock.advance(599_999); // the code is still valid
 * ```
 */
export function fakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError('a fake clock only moves forward');
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}
