/**
 * HTTP tests of the example app: sign-in, the MFA challenge and every refusal it can show,
 * sessions, CSRF, security headers. Users who skip the code, the dev outbox and the test
 * clock: http-skip-dev.test.ts. Settings, admin, webhooks, password limit, page wording:
 * http-settings / http-admin / http-webhooks / http-login-throttle / http-pages.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { freshAppPerTest } from './helpers/per-test.js';
import { Client, flashOf, stable, textOf } from './helpers/client.js';
import { ADMIN_ID, ADMIN_PHONE, ALICE_ID, ALICE_PHONE, lastCode, login, signIn, wrongCode } from './helpers/flows.js';

const t = freshAppPerTest({ noCodeLeaks: true });
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

const sid = () => c.cookies.get('mfakit.sid');

describe('sign-in page and security headers', () => {
  it('GET /login shows the form, the demo users, a CSRF field, and strict headers', async () => {
    const page = await c.get('/login');
    expect(page.status).toBe(200);
    expect(page.html).toContain('autocomplete="current-password"');
    expect(page.html).toMatch(/name="_csrf" value="[0-9a-f]+\.[0-9a-f]+"/);
    expect(page.html).toContain('alice-demo-pass'); // development only
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /nonce="([^"]+)"/.exec(page.html)?.[1];
    expect(csp).toContain(`'nonce-${nonce}'`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-powered-by')).toBeNull();
    expect(c.cookies.has('mfakit.csrf')).toBe(true);
  });

  it('serves the countdown script from /assets', async () => {
    const res = await fetch(`${app.url}/assets/countdown.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-cooldown-ms');
  });

  it('GET / sends an anonymous visitor to /login', async () => {
    const page = await c.get('/', { follow: false });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
  });

  it('refuses a form without a CSRF token, or with a token of another session', async () => {
    await c.get('/login');
    const missing = await c.post('/login', { username: 'alice', password: 'alice-demo-pass', _csrf: null });
    expect(missing.status).toBe(403);
    expect(textOf(missing.html, 'error-message')).toMatch(/form has expired/);

    const other = new Client(app.url);
    await other.get('/login');
    const stolen = await c.post('/login', { username: 'alice', password: 'alice-demo-pass', _csrf: other.csrf });
    expect(stolen.status).toBe(403);
    expect(app.outbox?.list()).toHaveLength(0);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const wrong = await login(c, 'alice', 'not-her-password');
    const unknown = await login(new Client(app.url), 'nobody', 'not-her-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(flashOf(wrong.html)).toBe('Wrong username or password.');
    const normalise = (html: string) => stable(html).replace(/id="username"[^>]*>/, '');
    expect(normalise(wrong.html)).toBe(normalise(unknown.html));
    expect(app.outbox?.list()).toHaveLength(0);
  });

  it('404s with a page and refuses oversized bodies', async () => {
    const missing = await c.get('/nope');
    expect(missing.status).toBe(404);
    expect(textOf(missing.html, 'error-message')).toBe('There is nothing at this address.');
    const big = await fetch(`${app.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=${'a'.repeat(20_000)}`,
    });
    expect(big.status).toBe(413);
  });
});

describe('password, then the MFA challenge', () => {
  it('sends a code, shows the masked number, and signs in with a new session id each step', async () => {
    await c.get('/login');
    const anonymous = sid();
    const challenge = await c.post('/login', { username: 'alice', password: 'alice-demo-pass' });
    expect(challenge.hops[0]).toEqual({ status: 303, location: '/mfa' });
    expect(challenge.path).toBe('/mfa');
    const pending = sid();
    expect(pending).toBeDefined();
    expect(pending).not.toBe(anonymous);
    expect(textOf(challenge.html, 'masked-to')).toBe('+1 ••• ••• 0147');
    expect(challenge.html).toContain('autocomplete="one-time-code"');
    expect(challenge.html).toMatch(/<button id="resend"[^>]*disabled[^>]*data-cooldown-ms="30000"/);
    expect(challenge.html).toContain(' in 30 s');
    expect(challenge.headers.get('cache-control')).toBe('no-store');
    expect(app.outbox?.list()[0]).toMatchObject({ to: ALICE_PHONE, purpose: 'sign_in' });
    // Nothing but the challenge is reachable yet.
    expect((await c.get('/settings')).path).toBe('/login');

    const home = await c.post('/mfa/verify', { code: lastCode(app, ALICE_PHONE) });
    expect(home.hops[0]).toEqual({ status: 303, location: '/' });
    expect(home.path).toBe('/');
    expect(textOf(home.html, 'welcome')).toBe('Welcome, Alice Example');
    expect(sid()).not.toBe(pending);
    // The challenge is over: /mfa is no longer available.
    expect((await c.get('/mfa', { follow: false })).headers.get('location')).toBe('/login');
  });

  it('GET /mfa without a password step goes to /login', async () => {
    const page = await c.get('/mfa');
    expect(page.path).toBe('/login');
  });

  it('a wrong code shows the attempts left; the 4th kills the code; 8 lock the user with the end time', async () => {
    await login(c, 'alice');
    const code = lastCode(app, ALICE_PHONE);
    let page = await c.post('/mfa/verify', { code: wrongCode(code) });
    // The attempts left are said once, on the page, not again in the message.
    expect(flashOf(page.html)).toBe('That code is not right.');
    expect(textOf(page.html, 'attempts-left')).toBe('3 attempts left with this code.');
    await c.post('/mfa/verify', { code: wrongCode(code) });
    page = await c.post('/mfa/verify', { code: wrongCode(code) });
    expect(flashOf(page.html)).toBe('That code is not right.');
    expect(textOf(page.html, 'attempts-left')).toBe('1 attempt left with this code.');
    page = await c.post('/mfa/verify', { code: wrongCode(code) });
    expect(flashOf(page.html)).toBe('That code is not right, and it cannot be used again. Request a new code.');
    expect(page.html).toContain('id="no-code"');
    // Even the right code is dead now.
    page = await c.post('/mfa/verify', { code });
    expect(flashOf(page.html)).toBe('This code can no longer be used. Request a new code.');

    await app.advance(30_000);
    page = await c.post('/mfa/resend');
    expect(flashOf(page.html)).toBe('We sent a new code by text message to +1 ••• ••• 0147.');
    const second = lastCode(app, ALICE_PHONE);
    for (let i = 0; i < 3; i++) page = await c.post('/mfa/verify', { code: wrongCode(second) });
    expect(flashOf(page.html)).toBe('That code is not right. 1 more wrong code and sign-in will be locked for 20 minutes.');
    expect(textOf(page.html, 'attempts-left')).toBe('1 attempt left with this code.');
    page = await c.post('/mfa/verify', { code: wrongCode(second) });
    expect(flashOf(page.html)).toBeUndefined();
    expect(textOf(page.html, 'lockout')).toBe(
      'Too many wrong codes. For your security, sign-in is locked until 09:20 UTC (in 20 minutes).',
    );
    expect(page.html).not.toContain('id="code"');
    expect(page.html).not.toContain('id="resend"');

    // Locked: resend and the right code are refused, and signing in again shows the lock.
    expect(textOf((await c.post('/mfa/resend')).html, 'lockout')).toMatch(/locked until 09:20 UTC/);
    expect(textOf((await c.post('/mfa/verify', { code: second })).html, 'lockout')).toMatch(/locked until/);
    const again = new Client(app.url);
    const relogin = await login(again, 'alice');
    expect(relogin.path).toBe('/mfa');
    expect(textOf(relogin.html, 'lockout')).toMatch(/locked until 09:20 UTC/);
  });

  it('refuses a malformed code without counting it', async () => {
    await login(c, 'alice');
    const page = await c.post('/mfa/verify', { code: '12ab' });
    expect(flashOf(page.html)).toBe('Enter the 6-digit code we sent you.');
    expect((await app.mfa.getStatus(ALICE_ID)).failures).toBe(0);
  });

  it('refuses an expired code', async () => {
    await login(c, 'alice');
    await app.advance(10 * 60_000);
    const page = await c.post('/mfa/verify', { code: lastCode(app, ALICE_PHONE) });
    expect(flashOf(page.html)).toBe('That code has expired. Request a new code.');
    expect(page.html).toContain('Send a new code');
  });

  it('resend: refused during the cooldown (with the wait), allowed at 30 s, new code replaces the old', async () => {
    await login(c, 'alice');
    const first = lastCode(app, ALICE_PHONE);
    await app.advance(12_000);
    let page = await c.get('/mfa');
    expect(page.html).toMatch(/data-cooldown-ms="18000"/);
    page = await c.post('/mfa/resend');
    expect(flashOf(page.html)).toBe('A code is already on its way. You can request another in 18 seconds.');
    await app.advance(18_000);
    page = await c.get('/mfa');
    expect(page.html).toMatch(/<button id="resend" class="secondary" type="submit"  data-cooldown-ms="0"/);
    page = await c.post('/mfa/resend');
    expect(flashOf(page.html)).toMatch(/We sent a new code/);
    expect(app.outbox?.list()).toHaveLength(2);
    const second = lastCode(app, ALICE_PHONE);
    if (second !== first) {
      page = await c.post('/mfa/verify', { code: first });
      expect(flashOf(page.html)).toMatch(/not right/);
    }
    expect((await c.post('/mfa/verify', { code: second })).path).toBe('/');
  });

  it('signing in twice within 30 s says the code is on its way', async () => {
    await login(c, 'alice');
    const page = await login(new Client(app.url), 'alice');
    // (the second client)
    expect(page.path).toBe('/mfa');
    expect(flashOf(page.html)).toBe('A code is already on its way. You can request another in 30 seconds.');
    expect(textOf(page.html, 'masked-to')).toBe('+1 ••• ••• 0147');
  });

  it('reports a failed delivery, and the resend is then allowed at once', async () => {
    app.outbox?.failNext(1);
    const page = await login(c, 'alice');
    expect(flashOf(page.html)).toBe('We could not send the code. Try again in a moment.');
    expect(page.html).toContain('id="no-code"');
    expect(page.html).toMatch(/data-cooldown-ms="0"/);
    const retry = await c.post('/mfa/resend');
    expect(flashOf(retry.html)).toMatch(/We sent a new code/);
  });

  it('stops at the hourly send budget', async () => {
    await login(c, 'alice');
    let page = await c.get('/mfa');
    for (let i = 0; i < 9; i++) {
      await app.advance(30_000);
      page = await c.post('/mfa/resend');
      expect(flashOf(page.html)).toMatch(/We sent a new code/);
    }
    await app.advance(30_000);
    page = await c.post('/mfa/resend');
    expect(flashOf(page.html)).toMatch(/^Too many codes were sent recently\. Try again in \d+ minutes\.$/);
  });

  it('no code waiting: no_pending_code', async () => {
    await app.mfa.setChannelEnabled('sms', false);
    await login(c, 'admin'); // SMS only: no code goes out
    await app.mfa.setChannelEnabled('sms', true);
    const page = await c.post('/mfa/verify', { code: '123456' });
    expect(flashOf(page.html)).toBe('There is no code waiting to be entered. Request a new code.');
  });

  it('a challenge left waiting times out', async () => {
    await login(c, 'alice');
    await app.advance(15 * 60_000 + 1);
    const page = await c.get('/mfa');
    expect(page.path).toBe('/login');
    expect(flashOf(page.html)).toBe('Your sign-in timed out. Sign in again.');
  });

  it('SMS switched off: the challenge says so, for a user with one or two numbers (and no other factor)', async () => {
    // Give the admin a second number (after a sign-in code: step-up): still no code while SMS is off.
    await app.mfa.startChallenge(ADMIN_ID);
    expect(await app.mfa.verify(ADMIN_ID, lastCode(app, ADMIN_PHONE))).toMatchObject({ ok: true });
    await app.mfa.enrollSms(ADMIN_ID, '+1 604 555 0199');
    await app.mfa.confirmEnrollment(ADMIN_ID, lastCode(app, '+16045550199'));
    await app.mfa.setChannelEnabled('sms', false);
    await app.advance(30_000);
    const page = await login(c, 'admin');
    expect(page.path).toBe('/mfa');
    // Said once, on the page (it stays on reload), with no button that cannot work.
    expect(textOf(page.html, 'cannot-send')).toMatch(/^Text messages are switched off right now \(carrier outage\)/);
    expect(flashOf(page.html)).toBeUndefined();
    expect(page.html).toContain('id="no-code"');
    expect(page.html).not.toContain('id="resend"');
    const retry = await c.post('/mfa/resend');
    expect(textOf(retry.html, 'cannot-send')).toMatch(/switched off/);
  });

  it('every number unusable (replied STOP): no_usable_factor', async () => {
    await app.mfa.handleOptOut(ADMIN_PHONE);
    const page = await login(c, 'admin');
    expect(textOf(page.html, 'cannot-send')).toBe('None of your numbers or email addresses can receive codes right now (for example, a number that replied STOP). Contact support.');
    expect(page.html).not.toContain('id="resend"');
  });

  it('a number removed after the code went out: the code proves nothing', async () => {
    await login(c, 'alice');
    const code = lastCode(app, ALICE_PHONE);
    await app.mfa.removeFactor(ALICE_ID, 'f_demo_alice', { by: 'support', reason: 'lost phone' });
    const page = await c.post('/mfa/verify', { code });
    expect(page.path).toBe('/mfa');
    // mfakit drops the code with its factor.
    expect(flashOf(page.html)).toBe('There is no code waiting to be entered. Request a new code.');
    expect(page.html).not.toContain('id="masked-to"');
  });

  it('POST /logout ends the session', async () => {
    await signIn(app, c, 'alice');
    const page = await c.post('/logout');
    expect(page.path).toBe('/login');
    expect((await c.get('/', { follow: false })).headers.get('location')).toBe('/login');
  });
});
