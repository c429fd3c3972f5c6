/**
 * With an ioredis client, the commands the stores send in one turn of the event loop leave
 * in one socket write per 16 commands (ioredis alone writes each command at once: one system
 * call each), and each caller still gets its own reply or error. Counted at the client's socket.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores } from '../../src/adapters/redis/index.js';
import { MfaError } from 'mfakit';
import { warnSkipped } from '../helpers/redis-server.js';
import { countSocketWrites } from '../helpers/socket-writes.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the write-batching tests');

describe.skipIf(url === null)('ioredis: one socket write per turn (per 16 commands)', () => {
  const prefix = `mfakit-tick:${process.pid}:`;
  const redis = new Redis(url ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
  const { state } = redisStores(redis, { keyPrefix: prefix });
  /** The commands in each socket write since the last reset. */
  const writes: number[] = [];

  beforeAll(async () => {
    await redis.connect();
    countSocketWrites(redis.stream, writes);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit().catch(() => undefined);
  });

  const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);

  it('100 parallel reads: 7 writes of at most 16 commands, each caller its own value, the socket released after', async () => {
    expect((await Promise.all(keys.map((k) => state.write(k, `value of ${k}`, null, 60_000))))).toEqual(keys.map(() => true));
    writes.length = 0;
    const read = await Promise.all(keys.map((k) => state.read(k)));
    expect(read.map((r) => r?.value)).toEqual(keys.map((k) => `value of ${k}`));
    expect(writes).toEqual([16, 16, 16, 16, 16, 16, 4]);
    expect(redis.stream.writableCorked).toBe(0);
  });

  it('a failing command in the batch fails its caller only (store_failed), the others succeed', async () => {
    await redis.set(`${prefix}{bad}`, 'not written by mfakit');
    writes.length = 0;
    const fresh = keys.map((k) => `fresh:${k}`);
    const results = await Promise.allSettled([
      ...fresh.slice(0, 50).map((k) => state.write(k, 'v', null, 60_000)),
      state.write('bad', 'v', null, 60_000),
      ...fresh.slice(50).map((k) => state.write(k, 'v', null, 60_000)),
    ]);
    expect(writes).toEqual([16, 16, 16, 16, 16, 16, 5]);
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([50]);
    const reason: unknown = (results[50] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(MfaError);
    expect((reason as MfaError).code).toBe('store_failed');
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual(fresh.map(() => true));
    expect(await redis.get(`${prefix}{bad}`)).toBe('not written by mfakit'); // nothing changed there
  });

  it('a command alone is sent and answered (nothing waits for company)', async () => {
    writes.length = 0;
    expect((await state.read('k7'))?.value).toBe('value of k7');
    expect(writes).toEqual([1]);
    expect(redis.stream.writableCorked).toBe(0);
  });

  it('commands of different turns are separate writes, in order', async () => {
    writes.length = 0;
    const first = await Promise.all([state.read('k1'), state.read('k2')]);
    const second = await Promise.all([state.read('k3'), state.read('k4'), state.read('k5')]);
    expect([...first, ...second].map((r) => r?.value)).toEqual(['k1', 'k2', 'k3', 'k4', 'k5'].map((k) => `value of ${k}`));
    expect(writes).toEqual([2, 3]);
  });

  it('batchWrites: false leaves every write to the client (one per command)', async () => {
    const plain = redisStores(redis, { keyPrefix: prefix, batchWrites: false }).state;
    writes.length = 0;
    const read = await Promise.all(keys.slice(0, 20).map((k) => plain.read(k)));
    expect(read.map((r) => r?.value)).toEqual(keys.slice(0, 20).map((k) => `value of ${k}`));
    expect(writes).toEqual(Array.from({ length: 20 }, () => 1));
  });

  it('batchWrites must be a boolean', () => {
    expect(() => redisStores(redis, { batchWrites: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });
});
