/**
 * A Redis fixture that counts the commands mfakit sends: every instance it makes talks to
 * the test Redis through a bare-function client that records each command's name. Call it
 * inside a `describe` (it registers the connect and the key cleanup as hooks).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { redisStores, type RedisStores, type RedisStoresOptions } from '../../src/adapters/redis/index.js';
import { createMfa, type Mfa, type MfaOptions } from 'mfakit';
import type { FakeClock } from '../../src/testing/clock.js';
import type { OutboxSender } from '../../src/testing/outbox.js';
import { SECRET } from './setup.js';

export interface CountingRedis {
  /**
   * A process: its own mfa (so its own memory of records) on the counted client; `extra`
   * overrides the base options, `storeOptions` are passed to `redisStores` (e.g. `cluster: true`).
   */
  server(clock: FakeClock, outbox: OutboxSender, extra?: Partial<MfaOptions>, storeOptions?: RedisStoresOptions): Mfa;
  /** The commands `op` sends (through any server of this fixture). */
  count(op: () => Promise<unknown>): Promise<string[]>;
  /** Stores on the same prefix, not counted (to set up data). */
  uncounted(): RedisStores;
}

/** The fixture over keys under `prefix` (deleted after the suite), with `baseOptions` for every server. */
export function countingRedis(prefix: string, baseOptions: Partial<MfaOptions> = {}): CountingRedis {
  const url = inject('redisUrl');
  let io: Redis | undefined;
  const sent: string[] = [];
  const connected = (): Redis => {
    if (!io) throw new Error('not connected');
    return io;
  };

  beforeAll(() => {
    if (url !== null) io = new Redis(url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    if (!io) return;
    const keys = await io.keys(`${prefix}*`);
    if (keys.length > 0) await io.del(...keys);
    await io.quit().catch(() => undefined);
  });

  return {
    server(clock, outbox, extra = {}, storeOptions = {}) {
      const client = (command: string, args: string[]) => {
        sent.push(command);
        return connected().call(command, ...args);
      };
      return createMfa({ stores: redisStores(client, { ...storeOptions, keyPrefix: prefix }), senders: { sms: outbox }, secret: SECRET, clock, ...baseOptions, ...extra });
    },
    async count(op) {
      sent.length = 0;
      await op();
      return [...sent];
    },
    uncounted: () => redisStores(connected(), { keyPrefix: prefix }),
  };
}
