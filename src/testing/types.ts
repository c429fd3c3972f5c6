/**
 * The vocabulary of the store conformance suite: the injected test framework, the suite's
 * options and the context its parts share.
 * @module
 */
import type { Stores } from '../ports/factor-store.js';

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

/** @internal */
export type It = (name: string, fn: TestFn) => void;
/** @internal */
export type WithStores = StoreTestContext['withStores'];
