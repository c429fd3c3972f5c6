import { sql } from 'kysely';
import type { FactorStore } from '../../ports/factor-store.js';
import type { ExceptionEntry } from '../../core/types.js';
import { touchFactorRow, type SqlContext } from './cas.js';
import { asText, guarded, type AnyKysely } from './dialect.js';
import { exceptionOf, exceptionRow, factorOf, factorRow, inCreationOrder } from './records.js';
import { upsert } from './upsert.js';

const FACTOR_COLUMNS = ['user_id', 'factor_id', 'status', 'phone', 'email', 'created_at', 'last_used_at', 'data'] as const;

/**
 * A {@link FactorStore} over three tables: factors (keyed by user and factor id, the JSON
 * plus the columns the lookups use), preferred factors and the exception list. Every call
 * is one statement; a touch is one `UPDATE … where status = 'active'`.
 * @internal
 */
export function createKyselyFactorStore(db: AnyKysely, ctx: SqlContext): FactorStore {
  const { t, dialect } = ctx;
  const columns = sql.join(FACTOR_COLUMNS.map((c) => sql.ref(c)));
  const factorsWhere = async (what: string, where: ReturnType<typeof sql>) =>
    guarded(what, async () => {
      const { rows } = await sql<Record<string, unknown>>`select ${columns} from ${sql.table(t.factors)} where ${where}`.execute(db);
      return inCreationOrder(rows.map(factorOf));
    });

  return {
    listFactors: (userId) => factorsWhere('listFactors', sql`${sql.ref('user_id')} = ${userId}`),

    async getFactor(userId, factorId) {
      const found = await factorsWhere('getFactor', sql`${sql.ref('user_id')} = ${userId} and ${sql.ref('factor_id')} = ${factorId}`);
      return found[0] ?? null;
    },

    async putFactor(factor) {
      const row = factorRow(factor);
      await guarded('putFactor', () => upsert(dialect, t.factors, ['user_id', 'factor_id'], { ...row }).execute(db));
    },

    touchFactor: (userId, factorId, at) => guarded('touchFactor', () => touchFactorRow(db, ctx, { userId, factorId, at })),

    async deleteFactor(userId, factorId) {
      const r = await guarded('deleteFactor', () =>
        sql`delete from ${sql.table(t.factors)} where ${sql.ref('user_id')} = ${userId} and ${sql.ref('factor_id')} = ${factorId}`.execute(db),
      );
      return Number(r.numAffectedRows ?? 0n) > 0;
    },

    findFactorsByPhone: (phone) => factorsWhere('findFactorsByPhone', sql`${sql.ref('phone')} = ${phone}`),

    findFactorsByEmail: (email) => factorsWhere('findFactorsByEmail', sql`${sql.ref('email')} = ${email}`),

    async getPreferred(userId) {
      const { rows } = await guarded('getPreferred', () =>
        sql<Record<string, unknown>>`select ${sql.ref('factor_id')} from ${sql.table(t.preferred)} where ${sql.ref('user_id')} = ${userId}`.execute(db),
      );
      const row = rows[0];
      return row === undefined ? null : asText(row['factor_id'], 'preferred factor id');
    },

    async setPreferred(userId, factorId) {
      await guarded('setPreferred', () =>
        factorId === null
          ? sql`delete from ${sql.table(t.preferred)} where ${sql.ref('user_id')} = ${userId}`.execute(db)
          : upsert(dialect, t.preferred, ['user_id'], { user_id: userId, factor_id: factorId }).execute(db),
      );
    },

    async getException(userId) {
      const { rows } = await guarded('getException', () =>
        sql<Record<string, unknown>>`select ${sql.ref('user_id')}, ${sql.ref('data')} from ${sql.table(t.exceptions)} where ${sql.ref('user_id')} = ${userId}`.execute(db),
      );
      const row = rows[0];
      return row === undefined ? null : exceptionOf(row);
    },

    async putException(entry) {
      await guarded('putException', () => upsert(dialect, t.exceptions, ['user_id'], { ...exceptionRow(entry) }).execute(db));
    },

    async deleteException(userId) {
      const r = await guarded('deleteException', () =>
        sql`delete from ${sql.table(t.exceptions)} where ${sql.ref('user_id')} = ${userId}`.execute(db),
      );
      return Number(r.numAffectedRows ?? 0n) > 0;
    },

    async listExceptions() {
      const { rows } = await guarded('listExceptions', () =>
        sql<Record<string, unknown>>`select ${sql.ref('user_id')}, ${sql.ref('data')} from ${sql.table(t.exceptions)}`.execute(db),
      );
      return rows.map(exceptionOf).sort(byAdded);
    },
  };
}

function byAdded(a: ExceptionEntry, b: ExceptionEntry): number {
  return a.addedAt - b.addedAt || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}
