/**
 * HTTP tests of the example app: users who skip the code (no number yet, exception list),
 * the dev outbox and the test clock route. (Split from http.test.ts, same setup.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { startApp, T0, type RunningApp } from './helpers/app.js';
import { freshAppPerTest } from './helpers/per-test.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ALICE_ID, ALICE_PHONE, lastCode, login } from './helpers/flows.js';

const t = freshAppPerTest({ noCodeLeaks: true });
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

describe('users who skip the code', () => {
  it('a user without a number is let in and sent to set one up, with a banner', async () => {
    const page = await login(c, 'bob');
    expect(page.hops[0]).toEqual({ status: 303, location: '/settings' });
    expect(flashOf(page.html)).toMatch(/^Welcome! Add a phone number/);
    expect(page.html).toContain('id="enroll-banner"');
    expect(page.html).toContain('id="no-factors"');
    expect((await c.get('/')).html).toContain('id="enroll-banner"');
    expect(app.outbox?.list()).toHaveLength(0);
  });

  it('a user on the exception list signs in without a code and is told why', async () => {
    await app.mfa.exceptions.add(ALICE_ID, { by: 'admin', reason: 'phone lost <b>' });
    const page = await login(c, 'alice');
    expect(page.path).toBe('/');
    expect(textOf(page.html, 'exception-notice')).toContain('“phone lost <b>”, added by admin');
    expect(page.html).toContain('phone lost &lt;b&gt;');
    expect(app.outbox?.list()).toHaveLength(0);
  });
});

describe('dev outbox and test clock', () => {
  it('GET /dev/outbox lists the messages with their code', async () => {
    expect(textOf((await c.get('/dev/outbox')).html, 'empty-outbox')).toBe('No messages yet.');
    await login(c, 'alice');
    const page = await new Client(app.url).get('/dev/outbox');
    expect(page.status).toBe(200);
    expect(page.html).toContain(`data-code>${lastCode(app, ALICE_PHONE)}</code>`);
    expect(page.html).toContain('+1 ••• ••• 0147');
  });

  it('POST /__test/advance moves the clock and validates ms', async () => {
    const ok = await fetch(`${app.url}/__test/advance?ms=1000`, { method: 'POST' });
    expect(await ok.json()).toEqual({ now: T0 + 1000 });
    expect((await fetch(`${app.url}/__test/advance?ms=-5`, { method: 'POST' })).status).toBe(400);
    expect((await fetch(`${app.url}/__test/advance?ms=abc`, { method: 'POST' })).status).toBe(400);
  });

  it('the test route does not exist without a test clock', async () => {
    const plain = await startApp({}, { testRoute: false });
    try {
      // Not mounted: the request meets the CSRF check (403), never a clock.
      expect((await fetch(`${plain.url}/__test/advance?ms=1000`, { method: 'POST' })).status).toBe(403);
      expect(plain.clock.now()).toBe(T0);
    } finally {
      await plain.close();
    }
  });
});
