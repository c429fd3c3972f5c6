import type { Clock } from '../ports/clock.js';
import type { StoreTestContext } from './types.js';

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

/**
 * The clock `createMfa` reads, and how to move it. When the suite's clock can tell the
 * time it is the stores' clock too, and both move together. Otherwise (a store on real
 * time, such as Redis) mfakit gets a fake clock starting now: the rules are decided on
 * it, the store's TTLs run in real time, and the tests only move it by amounts far
 * below the TTLs mfakit gives (the shortest is the 10-minute code, the longest the
 * 24-hour failure memory), so no key expires early or late in a way that matters.
 * @internal
 */
export function clockFor(ctx: StoreTestContext): { clock: Clock; advance(ms: number): void } {
  const storeClock = ctx.options.clock;
  if (storeClock && typeof storeClock.now === 'function') {
    const now = storeClock.now.bind(storeClock);
    return { clock: { now }, advance: (ms) => storeClock.advance(ms) };
  }
  const own = fakeClock(Date.now());
  return {
    clock: own,
    advance: (ms) => {
      own.advance(ms);
      storeClock?.advance(ms);
    },
  };
}
