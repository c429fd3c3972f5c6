import { createClient } from 'redis';
import { defineRedisStoreCases } from '../helpers/redis-store-cases.js';

type NodeRedisClient = ReturnType<typeof createClient>;

defineRedisStoreCases<NodeRedisClient>({
  name: 'node-redis',
  async connect(url, options = {}) {
    const client = createClient({
      url,
      disableOfflineQueue: options.failFast === true,
      socket: { reconnectStrategy: (retries) => Math.min(retries * 50, 500) },
    });
    client.on('error', () => undefined); // reconnects are expected in the kill tests
    await client.connect();
    return client;
  },
  async close(client) {
    if (client.isOpen) await client.close().catch(() => undefined);
    if (client.isOpen) client.destroy();
  },
  counting(client, log) {
    return new Proxy(client, {
      get(target, prop, receiver) {
        if (prop === 'sendCommand') {
          return (args: string[]) => {
            log.push(String(args[0]).toUpperCase());
            return target.sendCommand(args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  },
});
