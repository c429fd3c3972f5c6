import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStores, type RedisClientLike } from '../../src/adapters/redis/index.js';
import { createMfa } from 'mfakit';
import { fakeClock } from '../../src/testing/clock.js';
import { outboxSender } from '../../src/testing/outbox.js';
import { defineStoreTests } from '../../src/testing/store-conformance.js';
import { PHONE, SECRET } from '../helpers/setup.js';
import { expectClean } from '../helpers/redis-leaks.js';
import { canStartCluster, startRedisCluster, warnSkipped, type RedisCluster } from '../helpers/redis-server.js';
import { countSocketWrites } from '../helpers/socket-writes.js';

const available = canStartCluster();
if (!available) {
  if (process.env['MFAKIT_REQUIRE_REDIS'] === '1') throw new Error('MFAKIT_REQUIRE_REDIS=1 but redis-server/redis-cli are not on PATH');
  warnSkipped('redis-server or redis-cli not on PATH (Redis Cluster tests)');
}

describe.skipIf(!available)('redisStores on a Redis Cluster (3 masters)', () => {
  let cluster: RedisCluster | undefined;
  let io: Cluster | undefined;
  let node: ReturnType<typeof createCluster> | undefined;
  let n = 0;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    const first = cluster.nodes[0];
    if (first === undefined) throw new Error('no node');
    io = new Cluster([{ host: '127.0.0.1', port: first.port }], { redisOptions: { maxRetriesPerRequest: 1 } });
    io.on('error', () => undefined);
    node = createCluster({ rootNodes: [{ url: first.url }] });
    node.on('error', () => undefined);
    await node.connect();
  });

  afterAll(async () => {
    await io?.quit().catch(() => undefined);
    io?.disconnect();
    if (node?.isOpen) await node.close().catch(() => undefined);
    await cluster?.stop();
  });

  const use = (c: RedisClientLike | undefined): RedisClientLike => {
    if (c === undefined) throw new Error('not connected');
    return c;
  };

  // Each test gets its own prefix; the whole cluster is thrown away afterwards.
  defineStoreTests({ describe, it, expect }, {
    name: 'ioredis Cluster',
    combined: 'one-user',
    create: () => redisStores(use(io), { keyPrefix: `io${++n}:` }),
  });
  defineStoreTests({ describe, it, expect }, {
    name: 'node-redis createCluster',
    combined: 'one-user',
    create: () => redisStores(use(node), { keyPrefix: `nr${++n}:` }),
  });

  it('puts one user\'s state, factors and preferred factor in one slot', async () => {
    // (The preferred factor is a field of the factors hash.)
    const { state, factors } = redisStores(use(io), { keyPrefix: 'slot:' });
    await state.write('user:u1', 'x', null, 60_000);
    await factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: '+14155552671', createdAt: 1 });
    await factors.setPreferred('u1', 'f1');
    const slot = (key: string) => io?.call('CLUSTER', 'KEYSLOT', key);
    const slots = await Promise.all(['slot:{user:u1}', 'slot:{user:u1}:factors'].map(slot));
    expect(new Set(slots).size).toBe(1);
    expect(await factors.findFactorsByPhone('+14155552671')).toHaveLength(1);
    for (const client of [use(io), use(node)]) {
      const { combined } = redisStores(client, { keyPrefix: 'slot:' });
      expect(combined.multiKey).toBe(false);
      expect(await combined.loadUser('u1', 'user:u1')).toMatchObject({ preferred: 'f1', state: { value: 'x' } });
    }
  });

  it('a Redis error on the phone index (SADD, SMEMBERS) leaves no number or argument in the error or its causes', async () => {
    const admin = io;
    if (!admin) throw new Error('not connected');
    // The phone index key holds a string: SADD and SMEMBERS on it fail with WRONGTYPE.
    await admin.set(`causes:phone:{${PHONE}}`, 'not a set');
    for (const client of [use(io), use(node)]) {
      const mfa = createMfa({ stores: redisStores(client, { keyPrefix: 'causes:' }), senders: { sms: outboxSender() }, secret: SECRET });
      expectClean(await mfa.enrollSms('u1', PHONE).catch((e: unknown) => e), 'u1');
      expectClean(await mfa.handleOptOut(PHONE).catch((e: unknown) => e), 'u1');
    }
  });

  it('ioredis Cluster: the commands of one turn leave in one write per node per 16 commands, each caller gets its own reply', async () => {
    const cluster = io;
    if (!cluster) throw new Error('not connected');
    const { state } = redisStores(cluster, { keyPrefix: 'tick:' });
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    expect(await Promise.all(keys.map((k) => state.write(k, `value of ${k}`, null, 60_000)))).toEqual(keys.map(() => true));
    // Count the commands in each socket write of every node (60 reads would be 60 writes unbatched).
    const writes: number[] = [];
    const sockets = cluster.nodes('all').map((n) => n.stream);
    for (const socket of sockets) countSocketWrites(socket, writes);
    const read = await Promise.all(keys.map((k) => state.read(k)));
    expect(read.map((r) => r?.value)).toEqual(keys.map((k) => `value of ${k}`));
    expect(writes.reduce((a, b) => a + b, 0)).toBe(60);
    expect(writes.length).toBeLessThanOrEqual(3 * 4); // 3 masters: one write each per 16 commands sent
    expect(cluster.nodes('all').map((n) => n.stream.writableCorked)).toEqual(cluster.nodes('all').map(() => 0));
  });

  it('costs 1 command per verify after its own start and 5 per startChallenge (the settings, the number\'s record and the prefix budget\'s are in other slots)', async () => {
    const cluster = io;
    if (!cluster) throw new Error('not connected');
    const sent: string[] = [];
    const client = {
      isCluster: true,
      call: (command: string, ...args: string[]) => {
        sent.push(command);
        return cluster.call(command, ...args);
      },
    };
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const mfa = createMfa({ stores: redisStores(client, { keyPrefix: 'count:' }), senders: { sms: outbox }, secret: SECRET, clock });
    expect((await mfa.enrollSms('u1', PHONE)).ok).toBe(true);
    expect((await mfa.confirmEnrollment('u1', outbox.last()?.code ?? '')).ok).toBe(true);
    clock.advance(30_000);
    await mfa.startChallenge('warm-up'); // loads the read script on the node
    const count = async (op: () => Promise<{ ok: boolean }>): Promise<string[]> => {
      sent.length = 0;
      expect((await op()).ok).toBe(true);
      return [...sent];
    };
    expect(await count(() => mfa.startChallenge('u1'))).toEqual(['EVALSHA', 'GET', 'EVALSHA', 'EVALSHA', 'EVALSHA']);
    expect(await count(() => mfa.verify('u1', outbox.last()?.code ?? ''))).toEqual(['EVALSHA']);
  });
});
