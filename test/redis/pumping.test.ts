/**
 * The shared send budgets on Redis: in one process (200 concurrent starts against the global
 * cap) and across 4 worker processes (2 on ioredis, 2 on node-redis), each with its own
 * createMfa and client: 1 000 sends to consecutive numbers of one prefix stop at the prefix
 * budget, and the global cap holds under 200 starts released together.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores } from '../../src/adapters/redis/index.js';
import { createMfa, MfaError } from 'mfakit';
import { outboxSender } from '../../src/testing/outbox.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { SECRET } from '../helpers/setup.js';
import { runRound, tally, WorkerHandle } from '../helpers/worker-handle.js';
import type { Call, FromWorker, RoundOptions } from './worker.js';
import { startRedisWorkers } from './workers.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the pumping tests');


describe.skipIf(url === null)('send budgets on Redis', () => {
  const workers: WorkerHandle<FromWorker>[] = [];
  let admin: Redis | undefined;
  let n = 0;
  const base = `mfakit-pump:${process.pid}:`;

  beforeAll(async () => {
    admin = new Redis(url ?? '', { maxRetriesPerRequest: 1 });
    await startRedisWorkers(url ?? '', workers);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    if (admin) {
      const keys = await admin.keys(`${base}*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit().catch(() => undefined);
      admin.disconnect();
    }
  });

  /** A fresh key prefix with `count` users, user i with an SMS factor on `phoneOf(i)`. */
  async function users(count: number, phoneOf: (i: number) => string): Promise<{ prefix: string; ids: string[] }> {
    const prefix = `${base}${++n}:`;
    if (admin === undefined) throw new Error('not connected');
    const { factors } = redisStores(admin, { keyPrefix: prefix });
    const ids = Array.from({ length: count }, (_, i) => `u${i}`);
    await Promise.all(ids.map((userId, i) => factors.putFactor({ id: `f_${userId}`, userId, channel: 'sms', status: 'active', phone: phoneOf(i), createdAt: 1 })));
    return { prefix, ids };
  }

  const onePrefix = (i: number) => `+1415555${String(i).padStart(4, '0')}`;
  const manyPrefixes = (i: number) => `+1415${String(200 + i).padStart(3, '0')}1234`;
  const round = (prefix: string, ids: readonly string[], options: RoundOptions) =>
    runRound(workers, prefix, 'unused', ids.map((userId): Call => ({ op: 'startChallenge', userId })), 120_000, options);

  it('across 4 processes: 1 000 sends at once to consecutive numbers of one prefix → exactly 100 go out; no budget key holds a number', async () => {
    const { prefix, ids } = await users(1000, onePrefix);
    const { outcomes, sent } = await round(prefix, ids, {});
    expect(tally(outcomes)).toEqual({ ok: 100, send_limit_reached: 900 });
    expect(outcomes.filter((o) => o.ok === false && 'scope' in o && o.scope === 'prefix')).toHaveLength(900);
    expect(sent).toHaveLength(100);
    const keys = await admin?.keys(`${prefix}*`);
    expect(keys?.filter((k) => k.includes('{pfx:'))).toHaveLength(4);
    // (The factor store's phone index is durable data, keyed by number by design; the budgets are not.)
    for (const k of (keys ?? []).filter((key) => !key.includes(':phone:{'))) expect(k).not.toMatch(/4155/);
    // The refused users were not charged: only the 100 senders have a state record.
    expect(keys?.filter((k) => k.includes('{user:') && !k.endsWith(':factors'))).toHaveLength(100);
  }, 180_000);

  it.each([1, 50, 199])('across 4 processes: 200 starts released together, global cap %i → exactly that many sent', async (cap) => {
    const { prefix, ids } = await users(200, manyPrefixes);
    const { outcomes, sent } = await round(prefix, ids, { sending: { globalCap: cap } });
    expect(tally(outcomes)).toEqual({ ok: cap, send_limit_reached: 200 - cap });
    expect(outcomes.filter((o) => o.ok === false && 'scope' in o && o.scope === 'global')).toHaveLength(200 - cap);
    expect(sent).toHaveLength(cap);
  }, 180_000);

  it('in one process: 200 concurrent starts, global cap 50 → exactly 50 sent, nothing thrown', async () => {
    const { prefix, ids } = await users(200, manyPrefixes);
    if (admin === undefined) throw new Error('not connected');
    const outbox = outboxSender();
    const mfa = createMfa({ stores: redisStores(admin, { keyPrefix: prefix }), senders: { sms: outbox }, secret: SECRET, sending: { globalCap: 50 } });
    const results = await Promise.all(ids.map((u) => mfa.startChallenge(u).catch((e: unknown) => ({ ok: false as const, error: `threw:${e instanceof MfaError ? e.code : String(e)}` }))));
    const t: Record<string, number> = {};
    for (const r of results) t[r.ok ? 'ok' : `${r.error}:${'scope' in r ? r.scope : ''}`] = (t[r.ok ? 'ok' : `${r.error}:${'scope' in r ? r.scope : ''}`] ?? 0) + 1;
    expect(t).toEqual({ ok: 50, 'send_limit_reached:global': 150 });
    expect(outbox.messages).toHaveLength(50);
  }, 120_000);
});
