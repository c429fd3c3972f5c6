/**
 * destinations.unique on Redis: one active owner per number (or address) when many users
 * confirm it at once, from 4 createMfa instances in this process (each with its own client)
 * and from 4 worker processes (2 on ioredis, 2 on node-redis) sharing one Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores } from '../../src/adapters/redis/index.js';
import { createMfa, type FactorStore, type Mfa, type MfaOptions } from 'mfakit';
import { outboxSender, type OutboxSender } from '../../src/testing/outbox.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { emailRecorder } from '../helpers/senders.js';
import { must, PHONE, SECRET } from '../helpers/setup.js';
import { runRound, tally, WorkerHandle } from '../helpers/worker-handle.js';
import type { Call, FromWorker, RoundOptions } from './worker.js';
import { startRedisWorkers } from './workers.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the destinations.unique tests');

const ROUND: RoundOptions = { destinations: { unique: true }, sending: { perPrefix: false } };
const OPTIONS: Partial<MfaOptions> = { destinations: { unique: true }, sending: { perDestination: 1_000, perPrefix: false } };

describe.skipIf(url === null)('destinations.unique on Redis', () => {
  const clients: Redis[] = [];
  const workers: WorkerHandle<FromWorker>[] = [];
  const base = `mfakit-unique:${process.pid}:`;
  let n = 0;

  beforeAll(async () => {
    for (let i = 0; i < 4; i++) clients.push(new Redis(url ?? '', { maxRetriesPerRequest: 1 }));
    await startRedisWorkers(url ?? '', workers);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    const admin = clients[0];
    if (admin) {
      const keys = await admin.keys(`${base}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
    for (const c of clients) {
      await c.quit().catch(() => undefined);
      c.disconnect();
    }
  });

  /** 4 instances on one fresh prefix, each with its own client and senders. */
  function instances(): { prefix: string; factors: FactorStore; mfas: { mfa: Mfa; sms: OutboxSender; mail: ReturnType<typeof emailRecorder> }[] } {
    const prefix = `${base}${++n}:`;
    const mfas = clients.map((client) => {
      const sms = outboxSender();
      const mail = emailRecorder();
      const mfa = createMfa({ stores: redisStores(client, { keyPrefix: prefix }), senders: { sms, email: mail }, secret: SECRET, appName: 'Acme', ...OPTIONS });
      return { mfa, sms, mail };
    });
    return { prefix, factors: redisStores(clients[0] as Redis, { keyPrefix: prefix }).factors, mfas };
  }

  /** `count` users with a pending enrollment of `PHONE`, started through the first instance. */
  async function pending(env: ReturnType<typeof instances>, count: number): Promise<{ userId: string; code: string }[]> {
    const first = env.mfas[0];
    if (!first) throw new Error('no instance');
    const out: { userId: string; code: string }[] = [];
    for (let i = 0; i < count; i++) {
      const userId = `racer-${i}`;
      must(await first.mfa.enrollSms(userId, PHONE));
      out.push({ userId, code: first.sms.last()?.code ?? '' });
    }
    return out;
  }

  const activeOn = async (factors: FactorStore, phone: string) => (await factors.findFactorsByPhone(phone)).filter((f) => f.status === 'active');

  it('20 users confirm one number at once across 4 instances → exactly one active factor; 19 destination_in_use, holding no factor on it', async () => {
    const env = instances();
    const racers = await pending(env, 20);
    const results = await Promise.all(racers.map((r, i) => env.mfas[i % 4]?.mfa.confirmEnrollment(r.userId, r.code)));
    expect(results.filter((r) => r?.ok)).toHaveLength(1);
    expect(results.filter((r) => !r?.ok)).toEqual(Array.from({ length: 19 }, () => ({ ok: false, error: 'destination_in_use' })));
    const active = await activeOn(env.factors, PHONE);
    expect(active).toHaveLength(1);
    for (const r of racers) if (r.userId !== active[0]?.userId) expect(await env.factors.listFactors(r.userId)).toEqual([]);
  });

  it('20 users bound to one email address at once across 4 instances (addVerifiedFactor, two spellings) → exactly one owner', async () => {
    const env = instances();
    const spellings = ['Ada.Lovelace@example.com', ' Ada.Lovelace@EXAMPLE.COM'];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => env.mfas[i % 4]?.mfa.addVerifiedFactor(`m${i}`, { email: spellings[i % 2] ?? '' }, { by: 'hr-sync', reason: 'test' })),
    );
    expect(results.filter((r) => r?.ok)).toHaveLength(1);
    expect(results.filter((r) => !r?.ok)).toEqual(Array.from({ length: 19 }, () => ({ ok: false, error: 'destination_in_use' })));
    expect((await env.factors.findFactorsByEmail?.('Ada.Lovelace@example.com'))?.filter((f) => f.status === 'active')).toHaveLength(1);
  });

  it("a stale claim (the owner's factor deleted straight in the FactorStore) does not block the next user", async () => {
    const env = instances();
    const [a, b] = await pending(env, 2);
    const won = must(await env.mfas[1]!.mfa.confirmEnrollment(a?.userId ?? '', a?.code ?? ''));
    expect(await env.factors.deleteFactor(a?.userId ?? '', won.factorId)).toBe(true);
    expect(await env.mfas[2]!.mfa.confirmEnrollment(b?.userId ?? '', b?.code ?? '')).toMatchObject({ ok: true });
    expect((await activeOn(env.factors, PHONE)).map((f) => f.userId)).toEqual([b?.userId]);
    // The claim's key holds a keyed hash, never the number.
    const keys = await (clients[0] as Redis).keys(`${env.prefix}{owner:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(PHONE.slice(1));
  });

  it("upgrading from 0.4: an email factor whose address is not indexed is found after the README's loop writes it again, and another user is then refused", async () => {
    const env = instances();
    const first = env.mfas[0];
    if (!first) throw new Error('no instance');
    must(await first.mfa.addVerifiedFactor('old-user', { email: 'legacy@example.com' }, { by: 'admin', reason: 'provisioned before 0.5' }));
    // As 0.4 left it: the factor, but no address index.
    const admin = clients[0] as Redis;
    const indexes = await admin.keys(`${env.prefix}email:*`);
    expect(indexes).toHaveLength(1);
    await admin.del(...indexes);
    expect(await env.factors.findFactorsByEmail?.('legacy@example.com')).toEqual([]);

    // The README's loop, over the app's user ids.
    const allUserIds = async () => ['old-user', 'someone-else'];
    const { factors } = redisStores(admin, { keyPrefix: env.prefix });
    for (const id of await allUserIds()) {
      for (const factor of await factors.listFactors(id)) {
        if (factor.email !== undefined) await factors.putFactor(factor);
      }
    }
    expect((await env.factors.findFactorsByEmail?.('legacy@example.com'))?.map((f) => f.userId)).toEqual(['old-user']);
    expect(await first.mfa.enrollEmail('new-user', 'legacy@example.com')).toEqual({ ok: false, error: 'destination_in_use' });
  });

  it('across 4 processes: 20 users confirm one number at once → exactly one owner', async () => {
    const env = instances();
    const racers = await pending(env, 20);
    const calls: Call[] = racers.map((r) => ({ op: 'confirmEnrollment', userId: r.userId, code: r.code }));
    const { outcomes } = await runRound(workers, env.prefix, 'unused', calls, undefined, ROUND);
    expect(tally(outcomes)).toEqual({ ok: 1, destination_in_use: 19 });
    const active = await activeOn(env.factors, PHONE);
    expect(active).toHaveLength(1);
    let holders = 0;
    for (const r of racers) if ((await env.factors.listFactors(r.userId)).length > 0) holders++;
    expect(holders).toBe(1);
  });
});
