import { sql } from 'kysely';
import { MfaError } from '../../config/errors.js';
import { checkTtl } from '../../config/validate.js';
import type { Clock } from '../../ports/clock.js';
import type { CombinedStore, CommitResult, UserSnapshot, UserSnapshotWith } from '../../ports/combined-store.js';
import type { VersionedRecord } from '../../ports/state-store.js';
import type { Factor } from '../../core/types.js';
import { commitInOneStatement, readState, recordOf, touchFactorRow, writeState, type SqlContext } from './cas.js';
import { asText, guarded, type AnyKysely } from './dialect.js';
import { factorOf, inCreationOrder } from './records.js';

/** Thrown inside a commit's transaction to roll it back when a version did not match. */
const LOST = Symbol('lost race');

/**
 * The {@link CombinedStore} of `kyselyStores`: `loadUser` is one `SELECT … union all …`
 * over the user's factors, preferred factor and state row (one statement, so one
 * snapshot on every dialect); `loadUserWith` the same statement over more state rows. `commit` is all or none over every write and the touch: one
 * statement for one record without a touch (everywhere) and for any commit on Postgres
 * (see `cas.ts`); otherwise one transaction. A deadlock or serialization failure runs it
 * again (bounded). Writes may span users (`multiKey`).
 * @internal
 */
export function createKyselyCombinedStore(db: AnyKysely, ctx: SqlContext, clock: Clock): CombinedStore {
  const { t } = ctx;
  /** The user's factors, preferred factor and state row, and the state rows `also`: one statement. */
  const load = async (userId: string, stateKey: string, also: readonly string[]): Promise<UserSnapshotWith> => {
    const now = clock.now();
    const ref = sql.ref;
    const stateKeys = [stateKey, ...also];
    const { rows } = await guarded('loadUser', () =>
      sql<Record<string, unknown>>`select ${sql.lit('f')} as ${ref('kind')}, ${ref('data')} as ${ref('txt')}, ${ref('last_used_at')} as ${ref('n1')}, ${ref('user_id')} as ${ref('c1')}, ${ref('factor_id')} as ${ref('c2')}, ${ref('phone')} as ${ref('c3')}, ${ref('status')} as ${ref('c4')}
        from ${sql.table(t.factors)} where ${ref('user_id')} = ${userId}
        union all select ${sql.lit('p')}, null, null, ${ref('user_id')}, ${ref('factor_id')}, null, null
        from ${sql.table(t.preferred)} where ${ref('user_id')} = ${userId}
        union all select ${sql.lit('s')}, ${ref('value')}, ${ref('version')}, ${ref('state_key')}, null, null, null
        from ${sql.table(t.state)} where ${ref('state_key')} in (${sql.join(stateKeys)}) and (${ref('expires_at')} is null or ${ref('expires_at')} > ${now})`.execute(db),
    );
    const factors: Factor[] = [];
    let preferred: string | null = null;
    const states = new Map<string, VersionedRecord>();
    for (const row of rows) {
      const kind = asText(row['kind'], 'row kind');
      if (kind === 'f') {
        factors.push(factorOf({ data: row['txt'], last_used_at: row['n1'], user_id: row['c1'], factor_id: row['c2'], phone: row['c3'], status: row['c4'] }));
      } else if (kind === 'p') {
        preferred = asText(row['c2'], 'preferred factor id');
      } else {
        states.set(asText(row['c1'], 'state key'), recordOf({ value: row['txt'], version: row['n1'] }));
      }
    }
    return { factors: inCreationOrder(factors), preferred, state: states.get(stateKey) ?? null, also: also.map((k) => states.get(k) ?? null) };
  };
  return {
    multiKey: true,

    async loadUser(userId, stateKey): Promise<UserSnapshot> {
      const { factors, preferred, state } = await load(userId, stateKey, []);
      return { factors, preferred, state };
    },

    async loadUserWith(userId, stateKey, alsoRead): Promise<UserSnapshotWith> {
      return load(userId, stateKey, alsoRead);
    },

    async commit(writes, touch): Promise<CommitResult> {
      if (writes.length === 0) throw new MfaError('invalid_argument', 'commit: at least one write is needed');
      for (const w of writes) checkTtl(w.ttlMs);
      const now = clock.now();
      const lost = async (): Promise<CommitResult> => ({
        ok: false,
        current: await guarded('commit', () => Promise.all(writes.map((w) => readState(db, ctx, w.key, clock.now())))),
      });
      const [only] = writes;
      if (only !== undefined && writes.length === 1 && touch === undefined) {
        // One record: one statement, no transaction.
        const v = await guarded('commit', () => writeState(db, ctx, only, now));
        return v === false ? lost() : { ok: true, versions: [v], touched: false };
      }
      if (ctx.dialect === 'postgres' && new Set(writes.map((w) => w.key)).size === writes.length) {
        if (writes.some((w) => w.expectedVersion !== null && !Number.isSafeInteger(w.expectedVersion))) return lost();
        // Every record (a user's, a number's) and the touch: one statement, so one round trip.
        const r = await guarded('commit', () => commitInOneStatement(db, ctx, writes, touch, now));
        return r === null ? lost() : { ok: true, ...r };
      }
      const outcome = await guarded('commit', async () => {
        try {
          // MySQL: read committed, so a lookup of a missing key takes no gap lock (under
          // repeatable read, concurrent inserts of new keys deadlock on each other's gaps).
          const begin = ctx.dialect === 'mysql' ? db.transaction().setIsolationLevel('read committed') : db.transaction();
          return await begin.execute(async (trx) => {
            const versions: (number | null)[] = [];
            for (const w of writes) {
              const v = await writeState(trx, ctx, w, now);
              if (v === false) throw LOST;
              versions.push(v);
            }
            const touched = touch === undefined ? false : await touchFactorRow(trx, ctx, touch);
            return { versions, touched };
          });
        } catch (err) {
          if (err === LOST) return null;
          throw err;
        }
      });
      return outcome === null ? lost() : { ok: true, ...outcome };
    },
  };
}
