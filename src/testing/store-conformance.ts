import type { Stores } from '../ports/factor-store.js';
import { defineCombinedTests } from './store-tests-combined.js';
import { defineFactorTests } from './store-tests-factors.js';
import { defineRuleTests } from './store-tests-rules.js';
import { defineConcurrencyTests, defineStateTests, defineTtlTests } from './store-tests-state.js';
import { defineBackupTests } from './store-tests-backup.js';
import { defineSettingsTests } from './store-tests-settings.js';
import { defineTotpTests } from './store-tests-totp.js';
import type { StoreTestContext, StoreTestOptions, TestApi, TestFn } from './types.js';

export type { ExpectLike, StoreTestContext, StoreTestOptions, TestApi, TestFn } from './types.js';


/**
 * Defines the store conformance suite: the contracts of `FactorStore` and `StateStore`
 * (copies, compare-and-set, versions, TTLs, deletes, and atomicity under 100–200
 * concurrent writers), the optional `combined` fast paths when `combined` says so, then the rules end to end through `createMfa` over the stores
 * (4 tries per code, 8 failures lock, cooldown, one live code, 30 concurrent calls, shared
 * settings seen by a second instance).
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
    t.describe('rules end to end (createMfa)', () => {
      defineRuleTests(it, expect, withStores, ctx);
      defineTotpTests(it, expect, withStores, ctx);
      defineBackupTests(it, expect, withStores, ctx);
      defineSettingsTests(it, expect, withStores, ctx);
    });
    options.extra?.(ctx);
  });
}
