/**
 * A Redis error's `cause` carries no phone number and no command arguments. ioredis attaches
 * the failed command with its arguments to its errors (`command.args`: e.g. the phone index
 * key `phone:{+14155552671}` of SADD in `enrollSms` and SMEMBERS in `handleOptOut`), so a
 * logger that serialises causes would write the number. The store's causes are plain errors
 * (name and message only). Here the phone index key is made the wrong type, so exactly those
 * commands fail with WRONGTYPE on a real Redis.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores, type RedisClientLike } from '../../src/adapters/redis/index.js';
import type { MfaError } from 'mfakit';
import { createMfa } from 'mfakit';
import { outboxSender } from '../../src/testing/outbox.js';
import { DIGITS, expectClean, serialiseError } from '../helpers/redis-leaks.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { PHONE, SECRET } from '../helpers/setup.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the error-cause tests');

interface Kit {
  readonly name: string;
  open(url: string): Promise<{ client: RedisClientLike; close(): Promise<void> }>;
}

const kits: Kit[] = [
  {
    name: 'ioredis',
    async open(target) {
      const client = new Redis(target, { maxRetriesPerRequest: 1 });
      client.on('error', () => undefined);
      return { client, close: async () => void (await client.quit().catch(() => undefined)) };
    },
  },
  {
    name: 'node-redis',
    async open(target) {
      const client = createClient({ url: target });
      client.on('error', () => undefined);
      await client.connect();
      return { client, close: () => client.close() };
    },
  },
];

for (const kit of kits) {
  describe.skipIf(url === null)(`error causes with ${kit.name}`, () => {
    let conn: Awaited<ReturnType<Kit['open']>> | undefined;
    const prefix = `mfakit-causes:${process.pid}:${kit.name}:`;
    const client = (): RedisClientLike => {
      if (conn === undefined) throw new Error('not connected');
      return conn.client;
    };
    const admin = new Redis(url ?? '', { lazyConnect: true });
    beforeAll(async () => {
      conn = await kit.open(url ?? '');
      await admin.connect();
      // The phone index key holds a string: SADD and SMEMBERS on it fail with WRONGTYPE.
      await admin.set(`${prefix}phone:{${PHONE}}`, 'not a set');
    });
    afterAll(async () => {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
      await conn?.close();
    });

    const mfa = () => createMfa({ stores: redisStores(client(), { keyPrefix: prefix }), senders: { sms: outboxSender() }, secret: SECRET, appName: 'Acme' });

    it('enrollSms failing on the phone index (SADD): the error and its causes hold no number and no arguments', async () => {
      const err = await mfa().enrollSms('u1', PHONE).catch((e: unknown) => e);
      expectClean(err, 'u1');
    });

    it('handleOptOut failing on the phone index (SMEMBERS): the error and its causes hold no number', async () => {
      const err = await mfa().handleOptOut(PHONE).catch((e: unknown) => e);
      expectClean(err, 'u1');
    });
  });
}

describe('error causes of every client shape (a client error that carries its arguments)', () => {
  /** An error as ioredis builds it: the command and its arguments attached. */
  const loaded = (): Error =>
    Object.assign(new Error(`WRONGTYPE Operation against a key holding the wrong kind of value`), {
      name: 'ReplyError',
      command: { name: 'sadd', args: [`k:phone:{${PHONE}}`, '["u1","f_x"]'] },
      cause: new Error(`phone:{${PHONE}}`),
    });
  const shapes: [string, RedisClientLike][] = [
    ['ioredis', { call: () => Promise.reject(loaded()) }],
    ['ioredis Cluster', { isCluster: true, call: () => Promise.reject(loaded()) } as RedisClientLike],
    ['node-redis', { sendCommand: () => Promise.reject(loaded()) }],
    ['node-redis cluster', { sendCommand: () => Promise.reject(loaded()), getSlotRandomNode: () => undefined }],
    ['function', () => Promise.reject(loaded())],
  ];
  for (const [name, client] of shapes) {
    it(`${name}: the cause is a plain error with the name and message only`, async () => {
      const { factors } = redisStores(client, { keyPrefix: 'k:' });
      const err = await factors.findFactorsByPhone(PHONE).catch((e: unknown) => e);
      expectClean(err, 'u1');
      expect((err as MfaError).cause).toMatchObject({ name: 'ReplyError', message: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    });
  }

  it('arguments that Redis echoes in its reply text, and long digit runs, are cut from the message', async () => {
    const echo = new Error(`ERR unknown command 'SADD', with args beginning with: 'k:phone:{${PHONE}}' '["u1","f_x"]' `);
    const { factors } = redisStores(() => Promise.reject(echo), { keyPrefix: 'k:' });
    const err = await factors.findFactorsByPhone(PHONE).catch((e: unknown) => e);
    expect(serialiseError(err)).not.toContain(DIGITS);
    expect(serialiseError(err)).not.toContain('with args');
    expect((err as MfaError).cause).toMatchObject({ message: "ERR unknown command 'SADD'" });
    const plain = new Error(`ERR something about ${PHONE} happened`);
    const err2 = await redisStores(() => Promise.reject(plain), { keyPrefix: 'k:' }).factors.findFactorsByPhone(PHONE).catch((e: unknown) => e);
    expect(serialiseError(err2)).not.toContain(DIGITS);
  });
});
