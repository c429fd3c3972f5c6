/**
 * The SQL store cases every dialect runs: the whole conformance suite (on a fake clock, so
 * TTL tests move time instead of sleeping: the store evaluates `expires_at` against the
 * injected clock), then the checks of this adapter (sweep, migrate, prefixes, rows mfakit
 * did not write). Each dialect's test file gives a `Kysely` factory.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRetryable } from '../../src/adapters/kysely/dialect.js';
import { kyselyStores, mfakitMigrator, migrate } from '../../src/adapters/kysely/index.js';
import { factorRow } from '../../src/adapters/kysely/records.js';
import type { Factor } from '../../src/core/types.js';
import { createMfa } from 'mfakit';
import { fakeClock } from '../../src/testing/clock.js';
import { outboxSender } from '../../src/testing/outbox.js';
import { defineStoreTests } from '../../src/testing/store-conformance.js';
import { PHONE, SECRET } from './setup.js';

/** The tables of a prefix, for wiping between tests. */
const TABLES = ['factors', 'preferred', 'exceptions', 'state'] as const;

/** Deletes every row of a prefix's tables. */
export async function wipe(db: Kysely<unknown>, prefix: string): Promise<void> {
  for (const t of TABLES) {
    // A test's last calls may still hold row locks (MariaDB then reports a deadlock): retry.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await sql`delete from ${sql.table(`${prefix}${t}`)}`.execute(db);
        break;
      } catch (err) {
        if (attempt >= 5 || !isRetryable(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }
}

/** Defines the conformance suite and the adapter checks over `connect()` (called once, in `beforeAll`). */
export function defineSqlStoreCases(options: {
  readonly name: string;
  readonly connect: () => Promise<Kysely<unknown>>;
  readonly skip?: boolean;
}): void {
  const { name } = options;
  let db: Kysely<unknown> | undefined;
  const use = (): Kysely<unknown> => {
    if (db === undefined) throw new Error('not connected');
    return db;
  };
  const clock = fakeClock(Date.now());
  const prefix = 'conf_';

  describe.skipIf(options.skip === true)(`kyselyStores on ${name}`, () => {
    beforeAll(async () => {
      db = await options.connect();
      await migrate(db, { tablePrefix: prefix });
    });
    afterAll(async () => {
      await db?.destroy();
    });

    defineStoreTests({ describe, it, expect }, {
      name: `kyselyStores (${name})`,
      combined: 'multi-key',
      clock,
      create: () => kyselyStores(use(), { tablePrefix: prefix, clock }),
      cleanup: () => wipe(use(), prefix),
    });

    describe('adapter specifics', () => {
      it('an expired row reads as missing before sweep(), which then deletes it and says how many', async () => {
        const stores = kyselyStores(use(), { tablePrefix: prefix, clock });
        try {
          expect(await stores.state.write('a', '1', null, 1_000)).toBe(true);
          expect(await stores.state.write('b', '2', null, 5_000)).toBe(true);
          expect(await stores.state.write('forever', '3', null, null)).toBe(true);
          clock.advance(1_000);
          expect(await stores.state.read('a')).toBe(null);
          expect((await stores.combined.loadUser('x', 'a')).state).toBe(null);
          const raw = async () => (await sql<{ n: unknown }>`select count(*) as n from ${sql.table(`${prefix}state`)}`.execute(use())).rows[0]?.n;
          expect(Number(await raw())).toBe(3); // still there, invisible
          // An expired row neither matches its old version nor blocks a new key.
          expect(await stores.state.write('b', 'x', null, 1_000)).toBe(false);
          clock.advance(4_000);
          expect(await stores.sweep()).toBe(2);
          expect(Number(await raw())).toBe(1);
          expect((await stores.state.read('forever'))?.value).toBe('3');
          expect(await stores.sweep()).toBe(0);
        } finally {
          await wipe(use(), prefix);
        }
      });

      it('a new key replaces an expired row; the expired version matches nothing', async () => {
        const { state } = kyselyStores(use(), { tablePrefix: prefix, clock });
        try {
          await state.write('k', 'old', null, 1_000);
          const old = await state.read('k');
          clock.advance(1_000);
          expect(await state.write('k', 'stale', old?.version ?? 0, 1_000)).toBe(false);
          expect(await state.write('k', null, old?.version ?? 0, 1)).toBe(false);
          expect(await state.write('k', 'new', null, 1_000)).toBe(true);
          const now = await state.read('k');
          expect(now?.value).toBe('new');
          expect(now?.version).not.toBe(old?.version);
        } finally {
          await wipe(use(), prefix);
        }
      });

      it('a database at the first migration upgrades by running migrate again: existing email factors are found by address, and so are rows an older instance writes after it (at the next migrate)', async () => {
        const old = `u${process.pid}_`;
        const mail: Factor = { id: 'fm', userId: 'u1', channel: 'email', status: 'active', email: 'Ada.Lovelace@example.com', createdAt: 1, activatedAt: 2 };
        const sms: Factor = { id: 'fs', userId: 'u1', channel: 'sms', status: 'active', phone: PHONE, createdAt: 3, lastUsedAt: 9 };
        const app: Factor = { id: 'ft', userId: 'u2', channel: 'totp', status: 'pending', totpSecret: 'sealed', createdAt: 4 };
        try {
          const first = await mfakitMigrator(use(), { tablePrefix: old }).migrateTo('0001_initial');
          expect(first.error).toBeUndefined();
          // Rows as the first schema (no email column) holds them.
          for (const f of [mail, sms, app]) {
            const { email: _email, ...row } = factorRow(f);
            await use().insertInto(`${old}factors` as never).values(row as never).execute();
          }
          expect((await migrate(use(), { tablePrefix: old })).applied).toEqual(['0002_factor_email']);
          expect((await migrate(use(), { tablePrefix: old })).applied).toEqual([]);
          const { factors } = kyselyStores(use(), { tablePrefix: old, clock });
          expect(await factors.findFactorsByEmail?.('Ada.Lovelace@example.com')).toEqual([mail]);
          expect(await factors.findFactorsByEmail?.('ada.lovelace@example.com')).toEqual([]);
          expect(await factors.listFactors('u1')).toEqual([mail, sms]);
          expect(await factors.listFactors('u2')).toEqual([app]);
          expect(await factors.findFactorsByPhone(PHONE)).toEqual([sms]);

          // An instance still on the old version writes a row after the upgrade (a rolling
          // deploy): no email column. It is read as it is, and the next migrate indexes it.
          const late: Factor = { id: 'fl', userId: 'u3', channel: 'email', status: 'active', email: 'grace@example.com', createdAt: 5, activatedAt: 6 };
          const { email: _late, ...lateRow } = factorRow(late);
          await use().insertInto(`${old}factors` as never).values(lateRow as never).execute();
          expect(await factors.listFactors('u3')).toEqual([late]);
          expect(await factors.findFactorsByEmail?.('grace@example.com')).toEqual([]);
          expect((await migrate(use(), { tablePrefix: old })).applied).toEqual([]);
          expect(await factors.findFactorsByEmail?.('grace@example.com')).toEqual([late]);
          expect(await factors.findFactorsByEmail?.('Ada.Lovelace@example.com')).toEqual([mail]);
        } finally {
          for (const t of [...TABLES, 'migrations', 'migrations_lock']) await use().schema.dropTable(`${old}${t}`).ifExists().execute();
        }
      });

      it('migrate is idempotent, and two prefixes live side by side in one database', async () => {
        const again = await migrate(use(), { tablePrefix: prefix });
        expect(again.applied).toEqual([]);
        const other = `p${process.pid}_`;
        const first = await migrate(use(), { tablePrefix: other });
        expect(first.applied).toEqual(['0001_initial', '0002_factor_email']);
        expect((await migrate(use(), { tablePrefix: other })).applied).toEqual([]);
        const a = kyselyStores(use(), { tablePrefix: prefix, clock });
        const b = kyselyStores(use(), { tablePrefix: other, clock });
        try {
          await a.factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: PHONE, createdAt: 1 });
          await a.state.write('user:u1', 'a', null, 60_000);
          expect(await b.factors.listFactors('u1')).toEqual([]);
          expect(await b.state.read('user:u1')).toBe(null);
          expect(await b.state.write('user:u1', 'b', null, 60_000)).toBe(true);
          expect((await a.state.read('user:u1'))?.value).toBe('a');
          expect(await a.factors.findFactorsByPhone(PHONE)).toHaveLength(1);
          expect(await b.factors.findFactorsByPhone(PHONE)).toHaveLength(0);
        } finally {
          await wipe(use(), prefix);
          for (const t of [...TABLES, 'migrations', 'migrations_lock']) await use().schema.dropTable(`${other}${t}`).ifExists().execute();
        }
      });

      it('keys are compared byte for byte (case, trailing spaces)', async () => {
        const { state, factors } = kyselyStores(use(), { tablePrefix: prefix, clock });
        try {
          for (const k of ['user:Ada', 'user:ada', 'user:ada ']) expect(await state.write(k, k, null, 60_000)).toBe(true);
          for (const k of ['user:Ada', 'user:ada', 'user:ada ']) expect((await state.read(k))?.value).toBe(k);
          await factors.putFactor({ id: 'f1', userId: 'Ada', channel: 'totp', status: 'active', createdAt: 1 });
          expect(await factors.listFactors('ada')).toEqual([]);
          expect(await factors.getFactor('Ada ', 'f1')).toBe(null);
        } finally {
          await wipe(use(), prefix);
        }
      });

      it('a row mfakit did not write fails closed with store_failed, with no value in the error', async () => {
        const stores = kyselyStores(use(), { tablePrefix: prefix, clock });
        const mfa = createMfa({ stores, senders: { sms: outboxSender() }, secret: SECRET, clock });
        const f = sql.table(`${prefix}factors`);
        const rows: [string, string, string | null, string][] = [
          ['not json', 'active', PHONE, 'f1'],
          [JSON.stringify({ id: 'f1', userId: 'u1', channel: 'fax', status: 'active', phone: PHONE, createdAt: 1 }), 'active', PHONE, 'f1'],
          [JSON.stringify({ id: 'f1', userId: 'u1', channel: 'sms', status: 'pending', phone: PHONE, createdAt: 1 }), 'active', PHONE, 'f1'],
          [JSON.stringify({ id: 'f2', userId: 'u1', channel: 'sms', status: 'active', phone: PHONE, createdAt: 1 }), 'active', PHONE, 'f1'],
          [JSON.stringify({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: '+14155550000', createdAt: 1 }), 'active', PHONE, 'f1'],
        ];
        try {
          for (const [data, status, phone, id] of rows) {
            await sql`insert into ${f} (user_id, factor_id, status, phone, created_at, data) values (${'u1'}, ${id}, ${status}, ${phone}, ${1}, ${data})`.execute(use());
            for (const op of [() => stores.factors.listFactors('u1'), () => stores.factors.findFactorsByPhone(PHONE), () => stores.combined.loadUser('u1', 'user:u1'), () => mfa.startChallenge('u1')]) {
              const err = await op().then(() => null, (e: unknown) => e);
              expect(err).toMatchObject({ code: 'store_failed' });
              expect(JSON.stringify(err) + String(err) + String((err as Error).cause)).not.toContain('4155552671');
            }
            await wipe(use(), prefix);
          }
          // A state row with a version mfakit could not have written.
          await sql`insert into ${sql.table(`${prefix}state`)} (state_key, value, version, expires_at) values (${'user:u1'}, ${'{}'}, ${0}, ${null})`.execute(use());
          await expect(stores.state.read('user:u1')).rejects.toMatchObject({ code: 'store_failed' });
          await expect(mfa.getStatus('u1')).rejects.toMatchObject({ code: 'store_failed' });
        } finally {
          await wipe(use(), prefix);
        }
      });

      it('a database error rejects with store_failed, and no number, id or value reaches the error or its causes', async () => {
        // Tables that were never created: every statement fails in the driver, whose error
        // object holds the statement (mysql2 interpolates the values into `sql`).
        const stores = kyselyStores(use(), { tablePrefix: 'missing_', clock });
        const mfa = createMfa({ stores, senders: { sms: outboxSender() }, secret: SECRET, clock });
        const secretish = 'kiosk-user-0123456789';
        const calls: (() => Promise<unknown>)[] = [
          () => stores.factors.putFactor({ id: 'f1', userId: secretish, channel: 'sms', status: 'active', phone: PHONE, createdAt: 1 }),
          () => stores.factors.findFactorsByPhone(PHONE),
          () => stores.state.write(`user:${secretish}`, '{"v":1}', null, 60_000),
          () => stores.combined.commit([{ key: `user:${secretish}`, value: '{"v":1}', expectedVersion: null, ttlMs: 60_000 }]),
          () => stores.combined.loadUser(secretish, `user:${secretish}`),
          () => stores.sweep(),
          () => mfa.enrollSms(secretish, PHONE),
          () => mfa.handleOptOut(PHONE),
        ];
        for (const call of calls) {
          const err = await call().then(() => null, (e: unknown) => e);
          expect(err).toMatchObject({ code: 'store_failed' });
          const seen: string[] = [];
          for (let e: unknown = err; e instanceof Error; e = e.cause) seen.push(e.message, String(e.stack), JSON.stringify(e), Object.keys(e).join(','));
          const all = seen.join('\n');
          expect(all).not.toContain('4155552671');
          expect(all).not.toContain('0123456789');
          expect(all).not.toContain('{"v":1}');
        }
      });

      it('refuses bad options: a prefix that is not an identifier, a db that is not Kysely', () => {
        for (const tablePrefix of ['', '1x_', 'a-b', 'x; drop table', 'a'.repeat(41)]) {
          expect(() => kyselyStores(use(), { tablePrefix })).toThrow(expect.objectContaining({ code: 'invalid_options' }));
        }
        expect(() => kyselyStores({} as Kysely<unknown>)).toThrow(expect.objectContaining({ code: 'invalid_options' }));
      });

      it('touchFactor sets lastUsedAt of an active factor only, in one statement', async () => {
        const { factors } = kyselyStores(use(), { tablePrefix: prefix, clock });
        try {
          await factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: PHONE, createdAt: 1 });
          await factors.putFactor({ id: 'f2', userId: 'u1', channel: 'sms', status: 'pending', phone: PHONE, createdAt: 2 });
          expect(await factors.touchFactor?.('u1', 'f1', 5)).toBe(true);
          expect(await factors.touchFactor?.('u1', 'f1', 5)).toBe(true); // the same time again
          expect(await factors.touchFactor?.('u1', 'f2', 5)).toBe(false);
          expect(await factors.touchFactor?.('u1', 'nope', 5)).toBe(false);
          expect((await factors.getFactor('u1', 'f1'))?.lastUsedAt).toBe(5);
          expect((await factors.getFactor('u1', 'f2'))?.lastUsedAt).toBe(undefined);
        } finally {
          await wipe(use(), prefix);
        }
      });
    });
  });
}
