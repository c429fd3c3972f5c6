import { afterAll, describe, expect, it } from 'vitest';
import { createMfa } from 'mfakit';
import { kyselyStores, migrate } from '../../src/adapters/kysely/index.js';
import { fakeClock } from '../../src/testing/clock.js';
import { outboxSender } from '../../src/testing/outbox.js';
import { defineSqlStoreCases } from '../helpers/sql-store-cases.js';
import { postgresKysely, sqlAvailable, startPostgres, type SqlServer } from '../helpers/sql-servers.js';
import { PHONE, SECRET } from '../helpers/setup.js';

const available = sqlAvailable('postgres');
let server: SqlServer | undefined;
afterAll(async () => {
  await server?.stop();
});

defineSqlStoreCases({
  name: 'PostgreSQL',
  skip: !available,
  connect: async () => {
    server = await startPostgres();
    return postgresKysely(server, 20);
  },
});

describe.skipIf(!available)('kyselyStores on PostgreSQL: round trips', () => {
  it('an uncontended startChallenge costs 3 statements (the load with the shared settings, one commit, the prefix budget\'s shard), a verify after its own start in this process 1 (the commit)', async () => {
    if (server === undefined) throw new Error('no server');
    const sent: string[] = [];
    const db = postgresKysely(server, 2, (text) => sent.push(text.trim().split(/\s+/)[0]?.toLowerCase() ?? ''));
    try {
      await migrate(db, { tablePrefix: 'trips_' });
      const clock = fakeClock(Date.now());
      const outbox = outboxSender();
      const mfa = createMfa({ stores: kyselyStores(db, { tablePrefix: 'trips_', clock }), senders: { sms: outbox }, secret: SECRET, clock });
      expect((await mfa.enrollSms('u1', PHONE)).ok).toBe(true);
      expect((await mfa.confirmEnrollment('u1', outbox.last()?.code ?? '')).ok).toBe(true);
      clock.advance(30_000);
      const count = async (op: () => Promise<{ ok: boolean }>): Promise<string[]> => {
        sent.length = 0;
        expect((await op()).ok).toBe(true);
        return [...sent];
      };
      // The prefix budget's shard is drawn at random: a new shard is an INSERT, one the enrollment wrote an UPDATE.
      const start = await count(() => mfa.startChallenge('u1'));
      expect(start).toHaveLength(3);
      expect(start.slice(0, 2)).toEqual(['select', 'with']);
      expect(['insert', 'update']).toContain(start[2]);
      expect(await count(() => mfa.verify('u1', outbox.last()?.code ?? ''))).toEqual(['with']);
    } finally {
      await db.destroy();
    }
  });
});
