import { afterAll, describe, expect, it } from 'vitest';
import { kyselyStores, migrate } from '../../src/adapters/kysely/index.js';
import { defineSqlStoreCases } from '../helpers/sql-store-cases.js';
import { mariadbKysely, sqlAvailable, startMariadb, type SqlServer } from '../helpers/sql-servers.js';

const available = sqlAvailable('mariadb');
let server: SqlServer | undefined;
afterAll(async () => {
  await server?.stop();
});

defineSqlStoreCases({
  name: 'MariaDB',
  skip: !available,
  connect: async () => {
    server = await startMariadb();
    return mariadbKysely(server, 20);
  },
});

describe.skipIf(!available)('kyselyStores on MariaDB: a killed server', () => {
  it('fails closed while the server is down and works again after a restart', async () => {
    if (server === undefined) throw new Error('no server');
    const db = mariadbKysely(server, 4);
    try {
      await migrate(db, { tablePrefix: 'down_' });
      const { state, factors, combined } = kyselyStores(db, { tablePrefix: 'down_' });
      expect(await state.write('user:1', 'v1', null, 600_000)).toBe(true);
      const rec = await state.read('user:1');
      await server.kill();
      for (const call of [
        () => state.read('user:1'),
        () => state.write('user:1', 'v2', rec?.version ?? null, 600_000),
        () => state.write('user:2', 'v', null, 600_000),
        () => combined.commit([{ key: 'user:1', value: 'v2', expectedVersion: rec?.version ?? null, ttlMs: 600_000 }, { key: 'user:3', value: 'v', expectedVersion: null, ttlMs: 600_000 }]),
        () => factors.listFactors('u1'),
      ]) {
        await expect(call()).rejects.toMatchObject({ code: 'store_failed' });
      }
      await server.restart();
      // InnoDB recovery keeps what was committed; the pool opens new connections.
      let after = await state.read('user:1').catch(() => undefined);
      for (let i = 0; after === undefined && i < 50; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        after = await state.read('user:1').catch(() => undefined);
      }
      expect(after).toEqual(rec);
      expect(await state.write('user:1', 'v3', rec?.version ?? null, 600_000)).toBe(true);
      expect((await state.read('user:1'))?.value).toBe('v3');
    } finally {
      await db.destroy().catch(() => undefined);
    }
  });
});
