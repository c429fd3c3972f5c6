/** The example app in Redis mode (`REDIS_URL`), against the run's shared Redis. */
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { storesFromEnv } from '../../examples/express/mfa-setup.js';
import { systemClock } from '../../src/index.js';
import { startApp } from './helpers/app.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ALICE_PHONE, lastCode, login, wrongCode } from './helpers/flows.js';

const redisUrl = inject('redisUrl');

describe.skipIf(!redisUrl)('Redis mode', () => {
  it('signs in with state kept in Redis, shared by two app instances', async () => {
    const env = { REDIS_URL: redisUrl ?? '', REDIS_KEY_PREFIX: `example-test-${randomBytes(4).toString('hex')}:` };
    const setup = await storesFromEnv(env, systemClock);
    expect(setup.kind).toBe('redis');
    const one = await startApp({ stores: setup.stores });
    const two = await startApp({ stores: setup.stores });
    try {
      const c = new Client(one.url);
      await login(c, 'alice');
      const code = lastCode(one, ALICE_PHONE);
      await c.post('/mfa/verify', { code: wrongCode(code) });
      // A second process sees the same tries and cooldown.
      expect((await two.mfa.getStatus('u_alice')).pending?.attemptsLeft).toBe(3);
      const elsewhere = await login(new Client(two.url), 'alice');
      expect(flashOf(elsewhere.html)).toMatch(/already on its way/);
      const home = await c.post('/mfa/verify', { code });
      expect(textOf(home.html, 'welcome')).toBe('Welcome, Alice Example');
    } finally {
      await one.close();
      await two.close();
      await setup.close();
    }
  });
});
