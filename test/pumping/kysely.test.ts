/** The shared budgets need nothing of a store but compare-and-set: the Kysely store (SQLite here) holds them exactly too. */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { kyselyStores, migrate } from '../../src/adapters/kysely/index.js';
import { createMfa, MfaError } from '../../src/index.js';
import { fakeClock, outboxSender } from '../../src/testing/index.js';
import { SECRET } from '../helpers/setup.js';

describe('send budgets on the Kysely store (SQLite)', () => {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  afterAll(async () => db.destroy());

  it('200 concurrent starts: the global cap (50) and the prefix budget (30) hold exactly, nothing thrown', async () => {
    await migrate(db);
    const clock = fakeClock();
    const stores = kyselyStores(db, { clock });
    const outbox = outboxSender();
    const mfa = createMfa({ stores, senders: { sms: outbox }, secret: SECRET, clock, sending: { globalCap: 50, perPrefix: 30 } });
    // 100 users of one prefix, 100 of 100 other prefixes.
    const ids = Array.from({ length: 200 }, (_, i) => `k${i}`);
    for (const [i, userId] of ids.entries()) {
      const phone = i < 100 ? `+1415555${String(i).padStart(4, '0')}` : `+1415${String(100 + i).padStart(3, '0')}1234`;
      await stores.factors.putFactor({ id: `f_${userId}`, userId, channel: 'sms', status: 'active', phone, createdAt: 1 });
    }
    const results = await Promise.all(ids.map((u) => mfa.startChallenge(u).catch((e: unknown) => ({ ok: false as const, error: `threw:${e instanceof MfaError ? e.code : String(e)}`, scope: undefined }))));
    const sent = results.filter((r) => r.ok).length;
    expect(sent).toBe(50);
    expect(outbox.messages).toHaveLength(50);
    const refusals = results.filter((r) => !r.ok).map((r) => `${r.error}:${'scope' in r ? r.scope : ''}`);
    // Every other start was refused by one of the two budgets (none threw contention or store_failed).
    expect(refusals.filter((k) => k !== 'send_limit_reached:global' && k !== 'send_limit_reached:prefix')).toEqual([]);
    // At most 30 of the one-prefix users got a code.
    expect(outbox.messages.filter((m) => m.to.startsWith('+1415555')).length).toBeLessThanOrEqual(30);
  }, 120_000);
});
