/**
 * HTTP tests of "Remember this browser": the box on the code page, the device-token cookie
 * (HttpOnly, SameSite=Lax, expiring with mfakit's trust), a later sign-in with the password
 * only, and everything that ends the trust (the user's "Forget remembered browsers", the
 * admin's, a new sign-in method, a tampered cookie).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { forgetBrowser, rememberBrowser } from '../../examples/express/remembered-browser.js';
import { T0, type RunningApp } from './helpers/app.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ADMIN_ID, ADMIN_PHONE, ALICE_ID, ALICE_PHONE, lastCode, login, signIn } from './helpers/flows.js';
import { freshAppPerTest } from './helpers/per-test.js';

const t = freshAppPerTest({ noCodeLeaks: true });
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

const COOKIE = 'mfakit.device';
const DAY = 24 * 60 * 60_000;
const JP = '+819012345678';

/** The Set-Cookie line for the device cookie on a response, if any. */
const deviceCookieLine = (headers: Headers) => headers.getSetCookie().find((l) => l.startsWith(`${COOKIE}=`));

/** Alice signs in with her texted code and ticks "Remember this browser"; returns the Set-Cookie line. */
async function aliceRemembered(): Promise<string> {
  const page = await login(c, 'alice');
  expect(page.path).toBe('/mfa');
  const verified = await c.post('/mfa/verify', { code: lastCode(app, ALICE_PHONE), remember: 'on' }, { follow: false });
  expect(verified.status).toBe(303);
  expect(verified.headers.get('location')).toBe('/');
  const line = deviceCookieLine(verified.headers);
  if (!line) throw new Error('no device cookie set');
  expect((await c.get('/')).path).toBe('/');
  return line;
}

async function signOut(client = c): Promise<void> {
  await client.get('/');
  await client.post('/logout');
}

describe('remember this browser', () => {
  it('the box: a cookie for 30 days, then the password alone signs in; the token never shows on a page or in the log', async () => {
    const page = await login(c, 'alice');
    expect(page.html).toContain('<input type="checkbox" name="remember" value="on" id="remember">');
    expect(page.html).toMatch(/id="remember"> Remember this browser for 30 days<\/label>/);
    expect(page.html).not.toMatch(/id="remember"[^>]*checked/);

    const verified = await c.post('/mfa/verify', { code: lastCode(app, ALICE_PHONE), remember: 'on' }, { follow: false });
    const line = deviceCookieLine(verified.headers) ?? '';
    const attrs = line.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
    expect(attrs).toContain('path=/');
    expect(attrs).not.toContain('secure'); // plain http in development; Secure in production
    expect(attrs).toContain(`expires=${new Date(T0 + 30 * DAY).toUTCString().toLowerCase()}`);
    const token = c.cookies.get(COOKIE) ?? '';
    expect(token).toMatch(/^1\.\d+\.[A-Za-z0-9_-]+$/);
    expect((await c.get('/')).path).toBe('/');

    await signOut();
    expect(c.cookies.get(COOKIE)).toBe(token); // signing out keeps the browser remembered
    app.clock.advance(29 * DAY); // (the test route moves at most 7 days at a time)
    const sent = app.outbox?.list().length;
    const again = await login(c, 'alice');
    expect(again.path).toBe('/');
    expect(again.hops[0]).toEqual({ status: 303, location: '/' });
    expect(flashOf(again.html)).toBe('No code was needed: this browser is remembered until 2026-02-04 09:00 UTC.');
    expect(textOf(again.html, 'welcome')).toBe('Welcome, Alice Example');
    expect(app.outbox?.list().length).toBe(sent); // no code was sent

    for (const { path, html } of c.bodies) expect(html, `token on ${path}`).not.toContain(token.split('.')[2]);
    for (const line of app.log) expect(line).not.toContain(token.split('.')[2]);
  });

  it('after 30 days the code is asked again, and the stale cookie is cleared', async () => {
    await aliceRemembered();
    await signOut();
    app.clock.advance(30 * DAY);
    const page = await login(c, 'alice');
    expect(page.path).toBe('/mfa');
    expect(c.cookies.has(COOKIE)).toBe(false);
  });

  it('without the box: no cookie, and the next sign-in asks for a code', async () => {
    await login(c, 'alice');
    const verified = await c.post('/mfa/verify', { code: lastCode(app, ALICE_PHONE) }, { follow: false });
    expect(verified.headers.get('location')).toBe('/');
    expect(deviceCookieLine(verified.headers)).toBeUndefined();
    expect(c.cookies.has(COOKIE)).toBe(false);
    await c.get('/');
    await signOut();
    expect((await login(c, 'alice')).path).toBe('/mfa');
  });

  it('"Forget remembered browsers" in Security settings: this cookie goes, and a copy kept elsewhere no longer works', async () => {
    await aliceRemembered();
    const token = c.cookies.get(COOKIE) ?? '';
    let page = await c.get('/settings');
    expect(page.html).toContain('action="/settings/devices/forget"');
    expect(page.html).toMatch(/Adding or removing a sign-in method, or generating new backup codes, forgets them too\./);

    page = await c.post('/settings/devices/forget');
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toBe('Every browser you had remembered asks for a code at its next sign-in, this one included.');
    expect(c.cookies.has(COOKIE)).toBe(false);
    expect(app.log.some((l) => l.includes(`remembered browsers of ${ALICE_ID} forgotten by ${ALICE_ID}: user request`))).toBe(true);

    // Another browser still holding the token (copied here by hand) is asked for a code.
    await signOut();
    c.cookies.set(COOKIE, token);
    expect((await login(c, 'alice')).path).toBe('/mfa');
    expect(c.cookies.has(COOKIE)).toBe(false);
  });

  it('the admin forgets a user\'s remembered browsers', async () => {
    await aliceRemembered();
    await signOut();
    const admin = new Client(app.url);
    await login(admin, 'admin');
    await admin.post('/mfa/verify', { code: lastCode(app, ADMIN_PHONE) });
    let page = await admin.get('/admin');
    expect(page.html).toContain(`action="/admin/users/${ALICE_ID}/devices/forget"`);
    expect(textOf(page.html, 'forget-note')).toMatch(/A change to their sign-in methods, a lock or an unlock forgets them too\./);
    page = await admin.post(`/admin/users/${ALICE_ID}/devices/forget`);
    expect(flashOf(page.html)).toBe('Every browser alice had remembered asks for a code at its next sign-in.');
    expect(app.log.some((l) => l.includes(`remembered browsers of ${ALICE_ID} forgotten by ${ADMIN_ID}: forgotten from the admin page`))).toBe(true);

    expect((await login(c, 'alice')).path).toBe('/mfa');
  });

  it('adding a sign-in method forgets the remembered browsers (mfakit does it)', async () => {
    await aliceRemembered();
    await c.get('/settings');
    let page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(page.path).toBe('/settings/confirm');
    const code = app.outbox?.list().find((m) => m.to === JP && m.purpose === 'enroll')?.code ?? '';
    page = await c.post('/settings/confirm', { code });
    expect(flashOf(page.html)).toMatch(/is confirmed/);
    await signOut();
    expect(c.cookies.has(COOKIE)).toBe(true); // the browser still sends it…
    expect((await login(c, 'alice')).path).toBe('/mfa'); // …and it is not trusted any more
    expect(c.cookies.has(COOKIE)).toBe(false);
  });

  it('a tampered cookie, or one too long to be a token, asks for a code (no error page)', async () => {
    await aliceRemembered();
    await signOut();
    const token = c.cookies.get(COOKIE) ?? '';
    // One character of the MAC changed (the first: all its bits count).
    const [version, expiry, mac = ''] = token.split('.');
    c.cookies.set(COOKIE, `${version}.${expiry}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`);
    let page = await login(c, 'alice');
    expect(page.path).toBe('/mfa');
    expect(page.status).toBe(200);
    await c.post('/logout');

    c.cookies.set(COOKIE, 'x'.repeat(1000));
    page = await login(c, 'alice');
    expect(page.status).toBe(200);
    expect(page.path).toBe('/mfa');
  });

  it("another user's token is not trusted", async () => {
    await aliceRemembered();
    await signOut();
    // The same browser, the admin's password: the cookie is Alice's, so a code is asked.
    const page = await login(c, 'admin');
    expect(page.path).toBe('/mfa');
  });

  it('"Confirm it\'s you" offers no "remember" box (only the sign-in page does)', async () => {
    await signIn(app, c, 'alice');
    await app.advance(11 * 60_000);
    await c.get('/settings');
    const page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(page.path).toBe('/settings/step-up');
    expect(page.html).not.toContain('name="remember"');
    const verified = await c.post('/settings/step-up/verify', { code: lastCode(app, ALICE_PHONE), remember: 'on' }, { follow: false });
    expect(deviceCookieLine(verified.headers)).toBeUndefined();
  });
});

describe('in production', () => {
  // (A production app over plain http gets no session cookie at all, so this checks the
  // cookie helper itself, on a real Express response.)
  it('the cookie is Secure, __Host- prefixed, HttpOnly, SameSite=Lax, path /, no domain', async () => {
    const web = express();
    web.get('/set', (_req, res) => {
      rememberBrowser(res, true, '1.123.abc', T0 + DAY);
      res.end();
    });
    web.get('/clear', (_req, res) => {
      forgetBrowser(res, true);
      res.end();
    });
    const server = web.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const path of ['/set', '/clear']) {
        const line = (await fetch(base + path)).headers.getSetCookie()[0] ?? '';
        expect(line.startsWith(path === '/set' ? '__Host-mfakit.device=1.123.abc;' : '__Host-mfakit.device=;')).toBe(true);
        const attrs = line.split(';').map((a) => a.trim().toLowerCase());
        expect(attrs).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']));
        expect(attrs.some((a) => a.startsWith('domain='))).toBe(false);
        if (path === '/set') expect(attrs).toContain(`expires=${new Date(T0 + DAY).toUTCString().toLowerCase()}`);
      }
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
