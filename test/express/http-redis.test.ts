/**
 * The example app in Redis mode (`REDIS_URL`), against the run's shared Redis: state shared
 * by two app instances, and the admin's channel switch made on one obeyed by the other at once.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { storesFromEnv } from '../../examples/express/mfa-setup.js';
import { systemClock } from '../../src/index.js';
import { startApp } from './helpers/app.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ADMIN_PHONE, ALICE_PHONE, lastCode, login, signIn, wrongCode } from './helpers/flows.js';

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

  it('an admin switches SMS off on instance A: B shows it and obeys it at once, without a restart', async () => {
    // Two app instances as two processes would run them: each its own Redis client, the same key prefix.
    const env = { REDIS_URL: redisUrl ?? '', REDIS_KEY_PREFIX: `example-test-${randomBytes(4).toString('hex')}:` };
    const setupA = await storesFromEnv(env, systemClock);
    const setupB = await storesFromEnv(env, systemClock);
    const a = await startApp({ stores: setupA.stores });
    const b = await startApp({ stores: setupB.stores });
    try {
      // The admin signs in on each instance (sessions are per instance here), B after the cooldown.
      const adminA = new Client(a.url);
      await signIn(a, adminA, 'admin');
      await a.advance(30_000);
      await b.advance(30_000);
      const adminB = new Client(b.url);
      expect((await signIn(b, adminB, 'admin')).path).toBe('/');
      expect(textOf((await adminB.get('/admin')).html, 'sms-state')).toBe('on');

      await adminA.get('/admin');
      await adminA.post('/admin/channels/sms', { enabled: 'off' });
      const off = await adminA.post('/admin/channels/sms', { enabled: 'off', confirm: 'yes', reason: 'carrier outage, ticket #88' });
      expect(textOf(off.html, 'sms-state')).toBe('off');

      // B's admin page reads the shared setting: off, with who, when and why.
      const pageB = await adminB.get('/admin');
      expect(textOf(pageB.html, 'sms-state')).toBe('off');
      expect(textOf(pageB.html, 'sms-changed')).toBe('switched off by admin, 09:00 UTC: “carrier outage, ticket #88”');

      // B's sign-ins obey it: alice's code goes by email; the admin, who has only a number for texts, is told.
      await b.advance(30_000);
      const sentByB = b.outbox?.list().length ?? 0;
      const alice = await login(new Client(b.url), 'alice');
      expect(textOf(alice.html, 'sent-by')).toBe('by email');
      const smsOnly = await login(new Client(b.url), 'admin');
      expect(textOf(smsOnly.html, 'cannot-send')).toBe(
        'Text messages are switched off right now (carrier outage), and your account has no other way to receive a code. Try again later or contact support.',
      );
      expect(b.outbox?.list().slice(0, (b.outbox?.list().length ?? 0) - sentByB).map((m) => m.channel)).toEqual(['email']);

      // The event (and so the audit entry) comes from the instance that acted.
      expect(a.audit.list()[0]).toMatchObject({ action: 'channel.changed', channel: 'sms', enabled: false, reason: 'carrier outage, ticket #88' });
      expect(b.audit.list().some((e) => e.action === 'channel.changed')).toBe(false);

      // And back on from B: A sends texts again at its next sign-in.
      await adminB.post('/admin/channels/sms', { enabled: 'on', reason: 'carrier is back' });
      expect(textOf((await adminA.get('/admin')).html, 'sms-changed')).toBe('switched on by admin, 09:01 UTC: “carrier is back”');
      await a.advance(60_000);
      const again = await login(new Client(a.url), 'admin');
      expect(textOf(again.html, 'sent-by')).toBe('by text message');
      expect(a.outbox?.list()[0]).toMatchObject({ channel: 'sms', to: ADMIN_PHONE });
    } finally {
      await a.close();
      await b.close();
      await setupA.close();
      await setupB.close();
    }
  });
});
