import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { redisAvailability, startRedis, type RedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared Redis for the run (`REDIS_URL` or a spawned server), or `null` when there is none. */
    redisUrl: string | null;
  }
}

/**
 * Starts one redis-server for the whole run (unless `REDIS_URL` is set) and provides
 * its URL to the tests as `inject('redisUrl')`. The returned teardown stops it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const availability = redisAvailability();
  let server: RedisServer | null = null;
  if (availability.source === 'env') {
    project.provide('redisUrl', availability.url);
  } else if (availability.source === 'spawn') {
    server = await startRedis();
    project.provide('redisUrl', server.url);
  } else {
    project.provide('redisUrl', null);
  }
  return async () => {
    await server?.stop();
  };
}
