import type { Clock } from '../../ports/clock.js';
import type { StateStore } from '../../ports/state-store.js';
import { readState, writeState, type SqlContext } from './cas.js';
import { guarded, type AnyKysely } from './dialect.js';

/**
 * A {@link StateStore} over one table: a read is one `SELECT` of a live row (`expires_at`
 * null or later than `clock.now()`); a write is one compare-and-set statement checked by
 * its affected rows (see `cas.ts`).
 * @internal
 */
export function createKyselyStateStore(db: AnyKysely, ctx: SqlContext, clock: Clock): StateStore {
  return {
    read: (key) => guarded('read', () => readState(db, ctx, key, clock.now())),
    async write(key, value, expectedVersion, ttlMs) {
      const v = await guarded('write', () => writeState(db, ctx, { key, value, expectedVersion, ttlMs }, clock.now()));
      return v !== false;
    },
  };
}
