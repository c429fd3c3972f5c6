/**
 * Redis adapter tests shared by the ioredis and node-redis test files: the conformance
 * suite plus Redis-specific checks, parameterised by a small client kit.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores, type RedisClientLike } from '../../src/adapters/redis/index.js';
import { CAS_SHA } from '../../src/adapters/redis/cas-script.js';
import { rawCall } from '../../src/adapters/redis/client.js';
import { MfaError } from 'mfakit';
import { defineStoreTests } from '../../src/testing/store-conformance.js';
import { canSpawnRedis, startRedis, warnSkipped, type RedisServer } from './redis-server.js';
import { eventually } from './eventually.js';

/** How to open, instrument and close one kind of client. */
export interface RedisKit<C extends RedisClientLike> {
  readonly name: string;
  /** `failFast`: no offline queue, so commands reject at once while disconnected. */
  connect(url: string, options?: { failFast?: boolean; resp3?: boolean }): Promise<C>;
  close(client: C): Promise<void>;
  /** A client of the same shape that records each command name sent through it. */
  counting(client: C, log: string[]): C;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends an admin command through any supported client. */
export function command(client: RedisClientLike, name: string, ...args: string[]): Promise<unknown> {
  return rawCall(client)(name, args[0] ?? '', args);
}

async function deleteByPrefix(client: RedisClientLike, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const reply = (await command(client, 'SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000')) as [string, string[]];
    cursor = String(reply[0]);
    for (const key of reply[1]) await command(client, 'DEL', key);
  } while (cursor !== '0');
}

async function keysByPrefix(client: RedisClientLike, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const reply = (await command(client, 'SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000')) as [string, string[]];
    cursor = String(reply[0]);
    keys.push(...reply[1]);
  } while (cursor !== '0');
  return keys.sort();
}


/** Defines every Redis store test for one kind of client. */
export function defineRedisStoreCases<C extends RedisClientLike>(kit: RedisKit<C>): void {
  const url = inject('redisUrl');
  const base = `mfakit-test:${kit.name}:${process.pid}:`;
  if (url === null) {
    warnSkipped(`no Redis for ${kit.name} store tests`);
    describe.skipIf(true)(`redisStores with ${kit.name} (no Redis: see the warning above)`, () => undefined);
    return;
  }

  let client: C | undefined;
  let n = 0;
  let prefix = '';
  const use = (): C => {
    if (client === undefined) throw new Error('client not connected');
    return client;
  };

  describe(`redisStores with ${kit.name}`, () => {
    beforeAll(async () => {
      client = await kit.connect(url);
    });
    afterAll(async () => {
      if (client !== undefined) {
        await deleteByPrefix(client, base);
        await kit.close(client);
      }
    });

    defineStoreTests(
      { describe, it, expect },
      {
        name: kit.name,
        combined: 'multi-key',
        create: () => {
          prefix = `${base}${++n}:`;
          return redisStores(use(), { keyPrefix: prefix });
        },
        cleanup: () => deleteByPrefix(use(), prefix),
      },
    );

    describe('Redis specifics', () => {
      it('gives every state key the TTL asked for, null none, and factor keys none', async () => {
        const p = `${base}ttl:`;
        const { state, factors } = redisStores(use(), { keyPrefix: p });
        await state.write('user:u1', 'x', null, 600_000);
        await state.write('dest:abc', 'y', null, 3_600_000);
        await state.write('user:locked', 'z', null, null);
        await factors.putFactor({ id: 'f1', userId: 'u1', channel: 'sms', status: 'active', phone: '+14155552671', createdAt: 1 });
        await factors.setPreferred('u1', 'f1');
        await factors.putException({ userId: 'u2', addedBy: 'a', addedAt: 1, reason: 'r' });
        expect(await keysByPrefix(use(), p)).toEqual(
          [
            `${p}{dest:abc}`,
            `${p}{user:locked}`,
            `${p}{user:u1}`,
            `${p}{user:u1}:factors`,
            `${p}exceptions`,
            `${p}phone:{+14155552671}`,
          ].sort(),
        );
        const pttl = async (key: string) => Number(await command(use(), 'PTTL', `${p}${key}`));
        expect(await pttl('{user:u1}')).toBeGreaterThan(590_000);
        expect(await pttl('{user:u1}')).toBeLessThanOrEqual(600_000);
        expect(await pttl('{dest:abc}')).toBeGreaterThan(3_590_000);
        expect(await pttl('{user:locked}')).toBe(-1);
        // The preferred factor is a field of the factors hash, not a key of its own.
        expect(await command(use(), 'HGET', `${p}{user:u1}:factors`, ':preferred')).toBe('f1');
        for (const durable of ['{user:u1}:factors', 'exceptions', 'phone:{+14155552671}']) {
          expect(await pttl(durable)).toBe(-1);
        }
        // A TTL-less key gets a TTL again on its next write, and vice versa.
        const locked = await state.read('user:locked');
        await state.write('user:locked', 'z2', locked?.version ?? null, 1_000);
        expect(await pttl('{user:locked}')).toBeGreaterThan(0);
        const u1 = await state.read('user:u1');
        await state.write('user:u1', 'x2', u1?.version ?? null, null);
        expect(await pttl('{user:u1}')).toBe(-1);
        await deleteByPrefix(use(), p);
      });

      it('refuses an unsupported client and a keyPrefix with a hash tag', () => {
        expect(() => redisStores({} as unknown as RedisClientLike)).toThrow(MfaError);
        expect(() => redisStores(use(), { keyPrefix: 'a{b}:' })).toThrow(MfaError);
        expect(() => redisStores(use(), { commandTimeoutMs: 0 })).toThrow(MfaError);
      });

      it('prints the MEMORY USAGE of a typical state key', async () => {
        const p = `${base}mem:`;
        const { state } = redisStores(use(), { keyPrefix: p });
        const value = JSON.stringify({ c: 'x'.repeat(64), p: 'sign_in', f: 'f_3kq9abcd', t: 0, n: 3, l: null, s: [1764060000000, 1764060030000] });
        await state.write('user:4f1d2c9a-7b3e-4c55-9a1e-2f6b8d0c1e7a', value, null, 3_600_000);
        const bytes = Number(await command(use(), 'MEMORY', 'USAGE', `${p}{user:4f1d2c9a-7b3e-4c55-9a1e-2f6b8d0c1e7a}`));
        console.log(`[${kit.name}] MEMORY USAGE of a state key with a ${value.length}-byte value: ${bytes} bytes`);
        expect(bytes).toBeLessThanOrEqual(512);
        await deleteByPrefix(use(), p);
      });

      it('costs exactly 2 commands for an uncontended read + write', async () => {
        const log: string[] = [];
        const p = `${base}count:`;
        const { state } = redisStores(use(), { keyPrefix: p });
        await state.write('user:warm', 'x', null, 1_000); // loads the script if needed
        const counted = redisStores(kit.counting(use(), log), { keyPrefix: p }).state;
        const rec = await counted.read('user:1');
        await counted.write('user:1', 'v1', rec?.version ?? null, 60_000);
        expect(log).toEqual(['GET', 'EVALSHA']);
        log.length = 0;
        const rec2 = await counted.read('user:1');
        await counted.write('user:1', 'v2', rec2?.version ?? null, 60_000);
        expect(log).toEqual(['GET', 'EVALSHA']);
        await deleteByPrefix(use(), p);
      });

      it('falls back from EVALSHA to EVAL after SCRIPT FLUSH, then uses EVALSHA again', async () => {
        const log: string[] = [];
        const p = `${base}noscript:`;
        const { state } = redisStores(kit.counting(use(), log), { keyPrefix: p });
        await command(use(), 'SCRIPT', 'FLUSH');
        expect(await command(use(), 'SCRIPT', 'EXISTS', CAS_SHA)).toEqual([0]);
        expect(await state.write('user:1', 'v1', null, 60_000)).toBe(true);
        expect(log).toEqual(['EVALSHA', 'EVAL']);
        expect(await command(use(), 'SCRIPT', 'EXISTS', CAS_SHA)).toEqual([1]);
        log.length = 0;
        const rec = await state.read('user:1');
        expect(await state.write('user:1', 'v2', rec?.version ?? null, 60_000)).toBe(true);
        expect(log).toEqual(['GET', 'EVALSHA']);
        await deleteByPrefix(use(), p);
      });

      it('rejects with store_failed on a value it did not write', async () => {
        const p = `${base}bad:`;
        const { state } = redisStores(use(), { keyPrefix: p });
        await command(use(), 'SET', `${p}{user:1}`, 'not-a-record');
        await command(use(), 'HSET', `${p}{user:2}`, 'a', 'b');
        await expect(state.read('user:1')).rejects.toMatchObject({ code: 'store_failed' });
        await expect(state.write('user:1', 'v', 1, 1_000)).rejects.toMatchObject({ code: 'store_failed' });
        await expect(state.read('user:2')).rejects.toMatchObject({ code: 'store_failed' });
        await expect(state.write('user:2', 'v', null, 1_000)).rejects.toMatchObject({ code: 'store_failed' });
        await expect(state.write('user:3', 'v', null, 0)).rejects.toMatchObject({ code: 'invalid_argument' });
        await deleteByPrefix(use(), p);
      });

      it('keeps state across a dropped connection (CLIENT KILL)', async () => {
        const p = `${base}drop:`;
        const victim = await kit.connect(url);
        try {
          const { state } = redisStores(victim, { keyPrefix: p });
          await state.write('user:1', 'v1', null, 60_000);
          const before = await state.read('user:1');
          const id = String(await command(victim, 'CLIENT', 'ID'));
          expect(Number(await command(use(), 'CLIENT', 'KILL', 'ID', id))).toBe(1);
          const after = await eventually(() => state.read('user:1'));
          expect(after).toEqual(before);
          expect(await state.write('user:1', 'v2', before?.version ?? null, 60_000)).toBe(true);
          expect(String(await command(victim, 'CLIENT', 'ID'))).not.toBe(id);
        } finally {
          await kit.close(victim);
          await deleteByPrefix(use(), p);
        }
      });
    });

    describe('own redis-server (killed, paused)', () => {
      const spawnable = canSpawnRedis();
      let server: RedisServer | undefined;
      const own = (): RedisServer => {
        if (server === undefined) throw new Error('server not started');
        return server;
      };
      beforeAll(async () => {
        if (spawnable) server = await startRedis();
      });
      afterAll(async () => {
        await server?.stop();
      });

      it.skipIf(!spawnable)('fails closed while Redis is down and works after a restart', async () => {
        const c = await kit.connect(own().url, { failFast: true });
        try {
          const { state, factors } = redisStores(c, { keyPrefix: 'k:', commandTimeoutMs: 2_000 });
          await state.write('user:1', 'v1', null, 60_000);
          const rec = await state.read('user:1');
          await own().kill();
          const readErr = await state.read('user:1').catch((e: unknown) => e);
          expect(readErr).toBeInstanceOf(MfaError);
          expect((readErr as MfaError).code).toBe('store_failed');
          await expect(state.write('user:1', 'v2', rec?.version ?? null, 60_000)).rejects.toMatchObject({ code: 'store_failed' });
          await expect(state.write('user:2', 'v', null, 60_000)).rejects.toMatchObject({ code: 'store_failed' });
          await expect(factors.listFactors('u1')).rejects.toMatchObject({ code: 'store_failed' });
          await own().restart();
          // --save '' means the restarted server is empty: the adapter must simply work again.
          await eventually(() => state.read('user:1'));
          expect(await state.read('user:1')).toBe(null);
          expect(await state.write('user:1', 'v3', null, 60_000)).toBe(true); // NOSCRIPT → EVAL
          expect((await state.read('user:1'))?.value).toBe('v3');
        } finally {
          await kit.close(c);
        }
      });

      it.skipIf(!spawnable)('rejects a reply slower than commandTimeoutMs', async () => {
        const c = await kit.connect(own().url);
        const admin = await kit.connect(own().url);
        try {
          const { state } = redisStores(c, { keyPrefix: 'p:', commandTimeoutMs: 100 });
          await state.write('user:1', 'v1', null, 60_000);
          await command(admin, 'CLIENT', 'PAUSE', '400', 'ALL');
          const started = Date.now();
          await expect(state.read('user:1')).rejects.toMatchObject({ code: 'store_failed' });
          expect(Date.now() - started).toBeLessThan(350);
          await sleep(400);
          expect((await state.read('user:1'))?.value).toBe('v1');
        } finally {
          await kit.close(admin);
          await kit.close(c);
        }
      });
    });
  });
}
