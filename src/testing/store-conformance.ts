import type { Stores } from '../ports/factor-store.js';
import { defineCombinedTests } from './store-tests-combined.js';
import { defineFactorTests } from './store-tests-factors.js';
import { defineRuleTests } from './store-tests-rules.js';
import { defineConcurrencyTests, defineStateTests, defineTtlTests } from './store-tests-state.js';

/**
 * A test or hook body.
 *
 * @example
 * ```ts
 * const body: TestFn = async () => { await stores.state.read('user:1'); };
 * ```
 */
export type TestFn = () => void | Promise<void>;

/**
 * The assertions the conformance suite uses; vitest's and jest's `expect` fit.
 *
 * @example
 * ```ts
 * import { expect } from 'vitest';
 * const e: ExpectLike = expect;
 * ```
 */
export interface ExpectLike {
  (actual: unknown): {
    /** `Object.is` equality. */
    toBe(expected: unknown): void;
    /** Deep equality. */
    toEqual(expected: unknown): void;
  };
}

/**
 * The test framework, injected so that `mfakit/testing` imports none (vitest, jest and
 * mocha-with-an-expect all fit).
 *
 * @example
 * ```ts
 * import { describe, it, expect, beforeEach, afterEach } from 'vitest';
 * const t: TestApi = { describe, it, expect, beforeEach, afterEach };
 * ```
 */
export interface TestApi {
  /** Groups tests. */
  describe(name: string, fn: () => void): void;
  /** Defines one test; `timeout` in ms when the suite was given `timeoutMs`. */
  it(name: string, fn: TestFn, timeout?: number): void;
  /** Assertions. */
  expect: ExpectLike;
  /** Not used by the built-in tests; passed on to `extra` suites. */
  beforeEach?(fn: TestFn): void;
  /** Not used by the built-in tests; passed on to `extra` suites. */
  afterEach?(fn: TestFn): void;
}

/**
 * What {@link StoreTestOptions.extra} receives, to add suites that share the setup.
 *
 * @example
 * ```ts
 * const extra = (ctx: StoreTestContext) => {
 *   ctx.t.it('my check', ctx.withStores(async (stores) => { await stores.state.read('k'); }));
 * };
 * ```
 */
export interface StoreTestContext {
  /** The injected framework. */
  readonly t: TestApi;
  /** The options given to {@link defineStoreTests}. */
  readonly options: StoreTestOptions;
  /** Wraps a test body: creates fresh stores, runs it, then runs `cleanup`. */
  withStores(body: (stores: Stores) => Promise<void>): () => Promise<void>;
  /** Waits `ms` of store time: advances the fake clock, or sleeps when there is none. */
  elapse(ms: number): Promise<void>;
}

/**
 * Options of {@link defineStoreTests}.
 *
 * @example
 * ```ts
 * const options: StoreTestOptions = { name: 'memory', create: () => memoryStores({ clock }), clock };
 * ```
 */
export interface StoreTestOptions {
  /** Shown in the `describe` title. */
  readonly name: string;
  /** Fresh, empty stores; called once per test. */
  readonly create: () => Stores | Promise<Stores>;
  /**
   * The clock the stores read, when the test controls it: the TTL tests advance it.
   * With `now`, the rule tests give it to `createMfa` too. Leave it out for a store on
   * real time (Redis): the TTL tests then use short real TTLs and wait, and the rule
   * tests drive `createMfa` with a fake clock starting at `Date.now()`.
   */
  readonly clock?: {
    /** Moves the store's time forward. */
    advance(ms: number): void;
    /** The store's current time, shared with `createMfa` in the rule tests. */
    now?(): number;
  };
  /** The TTL used by real-time TTL tests (default `150` ms). */
  readonly realTtlMs?: number;
  /** Runs after each test, even a failed one (e.g. delete the test's keys, close clients). */
  readonly cleanup?: () => void | Promise<void>;
  /**
   * Whether the stores have the optional `combined` fast paths, and whether one commit
   * may span users (`'multi-key'`) or not (`'one-user'`, e.g. on Redis Cluster). The
   * suite then checks them against the plain calls. Default: they have none.
   */
  readonly combined?: 'one-user' | 'multi-key';
  /** Per-test timeout in ms, passed to `it` (default: the framework's). */
  readonly timeoutMs?: number;
  /**
   * More suites to run inside the same `describe` with the same setup. `mfakit/testing`
   * uses it for the rules end to end (driving `createMfa` over the stores).
   */
  readonly extra?: (ctx: StoreTestContext) => void;
}

/**
 * Defines the store conformance suite: the contracts of `FactorStore` and `StateStore`
 * (copies, compare-and-set, versions, TTLs, deletes, and atomicity under 100–200
 * concurrent writers), the optional `combined` fast paths when `combined` says so, then the rules end to end through `createMfa` over the stores
 * (4 tries per code, 8 failures lock, cooldown, one live code, 30 concurrent calls).
 * Run it against your own stores to prove they fit mfakit.
 *
 * @example
 * ```ts
 * import { describe, it, expect } from 'vitest';
 * import { defineStoreTests } from 'mfakit/testing';
 * import { myStores, wipe } from './my-stores.js';
 *
 * defineStoreTests({ describe, it, expect }, {
 *   name: 'my stores',
 *   create: () => myStores(),
 *   cleanup: () => wipe(),
 * });
 * ```
 */
export function defineStoreTests(t: TestApi, options: StoreTestOptions): void {
  const { expect } = t;
  const realTtl = options.realTtlMs ?? 150;
  const it = (name: string, fn: TestFn): void =>
    options.timeoutMs === undefined ? t.it(name, fn) : t.it(name, fn, options.timeoutMs);

  const withStores =
    (body: (stores: Stores) => Promise<void>) =>
    async (): Promise<void> => {
      const stores = await options.create();
      try {
        await body(stores);
      } finally {
        await options.cleanup?.();
      }
    };

  const elapse = async (ms: number): Promise<void> => {
    if (options.clock) options.clock.advance(ms);
    else await new Promise((resolve) => setTimeout(resolve, ms));
  };

  const ctx: StoreTestContext = { t, options, withStores, elapse };

  t.describe(`store conformance: ${options.name}`, () => {
    t.describe('FactorStore', () => defineFactorTests(it, expect, withStores));
    t.describe('StateStore', () => {
      defineStateTests(it, expect, withStores);
      defineTtlTests(it, expect, withStores, options.clock, realTtl);
      defineConcurrencyTests(it, expect, withStores);
    });
    const combined = options.combined;
    if (combined) t.describe('combined fast paths', () => defineCombinedTests(it, expect, withStores, combined));
    t.describe('rules end to end (createMfa)', () => defineRuleTests(it, expect, withStores, ctx));
    options.extra?.(ctx);
  });
}

/** @internal */
export type It = (name: string, fn: TestFn) => void;
/** @internal */
export type WithStores = StoreTestContext['withStores'];
