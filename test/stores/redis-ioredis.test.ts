import { Redis } from 'ioredis';
import { defineRedisStoreCases } from '../helpers/redis-store-cases.js';

defineRedisStoreCases<Redis>({
  name: 'ioredis',
  async connect(url, options = {}) {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: !options.failFast,
      retryStrategy: (times) => Math.min(times * 50, 500),
    });
    client.on('error', () => undefined); // reconnects are expected in the kill tests
    await client.connect();
    return client;
  },
  async close(client) {
    await client.quit().catch(() => undefined);
    client.disconnect();
  },
  counting(client, log) {
    return new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'call') {
          return (command: string, ...args: string[]) => {
            log.push(command.toUpperCase());
            return target.call(command, ...args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  },
});
