/**
 * A client created and used at once, as the README does: `new Redis(url, { maxRetriesPerRequest: 1,
 * enableOfflineQueue: false })` is still connecting on the first call, and ioredis alone rejects
 * it ("Stream isn't writeable"). The store waits for the client's first `ready`, within
 * `commandTimeoutMs`, and fails closed when it does not come.
 */
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { redisStores, type IoredisLike } from '../../src/adapters/redis/index.js';
import { MfaError } from 'mfakit';
import { createMfa } from 'mfakit';
import { outboxSender } from '../../src/testing/outbox.js';
import { freePort, warnSkipped } from '../helpers/redis-server.js';
import { PHONE, SECRET } from '../helpers/setup.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the client start-up tests');

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function ioredis(target: string, extra: { lazyConnect?: boolean } = {}): Redis {
  // Exactly the README's options.
  const redis = new Redis(target, { maxRetriesPerRequest: 1, enableOfflineQueue: false, ...extra });
  const errors: unknown[] = [];
  redis.on('error', (err: unknown) => errors.push(err));
  closers.push(async () => {
    redis.disconnect();
  });
  return redis;
}

const mfaOn = (client: Parameters<typeof redisStores>[0], commandTimeoutMs?: number) =>
  createMfa({
    stores: redisStores(client, { keyPrefix: `mfakit-startup:${process.pid}:${Math.random()}:`, ...(commandTimeoutMs ? { commandTimeoutMs } : {}) }),
    senders: { sms: outboxSender() },
    secret: SECRET,
    appName: 'Acme',
  });

describe.skipIf(url === null)('a Redis client used before it is ready', () => {
  it('ioredis with the README options: the first call right after `new Redis` succeeds', async () => {
    const redis = ioredis(url ?? '');
    expect(redis.status).not.toBe('ready');
    const mfa = mfaOn(redis);
    expect(await mfa.enrollSms('u1', PHONE)).toMatchObject({ ok: true });
  });

  it('ioredis with lazyConnect: the store starts the connection, as its own first command would', async () => {
    const redis = ioredis(url ?? '', { lazyConnect: true });
    expect(redis.status).toBe('wait');
    expect(await mfaOn(redis).getStatus('u1')).toMatchObject({ locked: false });
  });

  it('node-redis whose connect() is not awaited: the first call succeeds', async () => {
    const client = createClient({ url: url ?? '', disableOfflineQueue: true });
    client.on('error', () => undefined);
    const connecting = client.connect();
    closers.push(async () => {
      await connecting;
      await client.close();
    });
    expect(client.isReady).toBe(false);
    expect(await mfaOn(client).enrollSms('u1', PHONE)).toMatchObject({ ok: true });
  });

  it('node-redis connected only after redisStores was called: the first call succeeds', async () => {
    const client = createClient({ url: url ?? '', disableOfflineQueue: true });
    client.on('error', () => undefined);
    const mfa = mfaOn(client);
    const connecting = client.connect();
    closers.push(async () => {
      await connecting;
      await client.close();
    });
    expect(await mfa.getStatus('u1')).toMatchObject({ locked: false });
  });

  it('fails closed (store_failed) when the client never becomes ready', async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const redis = ioredis(nobody);
    const err = await mfaOn(redis, 300).enrollSms('u1', PHONE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MfaError);
    expect(err).toMatchObject({ code: 'store_failed' });
  });

  it('a command still waiting when commandTimeoutMs passes is never sent later', async () => {
    const sent: string[] = [];
    const fake = Object.assign(new EventEmitter(), {
      status: 'connecting',
      call: (command: string): Promise<unknown> => {
        sent.push(command);
        return Promise.resolve(null);
      },
    }) satisfies IoredisLike;
    const { state } = redisStores(fake, { commandTimeoutMs: 20 });
    await expect(state.read('user:1')).rejects.toMatchObject({ code: 'store_failed', message: expect.stringContaining('not ready') });
    fake.status = 'ready';
    fake.emit('ready');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([]);
    // Ready now: the next command goes straight out.
    expect(await state.read('user:1')).toBe(null);
    expect(sent).toEqual(['GET']);
  });

  it('once ready, a client that loses its connection is not waited for (it fails fast, as configured)', async () => {
    const sent: string[] = [];
    const fake = Object.assign(new EventEmitter(), {
      status: 'ready',
      call: (command: string): Promise<unknown> => {
        sent.push(command);
        return fake.status === 'ready' ? Promise.resolve(null) : Promise.reject(new Error("Stream isn't writeable"));
      },
    }) satisfies IoredisLike;
    const { state } = redisStores(fake, { commandTimeoutMs: 60_000 });
    expect(await state.read('user:1')).toBe(null);
    fake.status = 'reconnecting';
    // With a 60 s timeout, a wait would time the test out: the rejection is the client's own.
    await expect(state.read('user:1')).rejects.toMatchObject({ code: 'store_failed', message: expect.stringContaining("isn't writeable") });
    expect(sent).toEqual(['GET', 'GET']);
  });
});
