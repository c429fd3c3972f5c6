/**
 * HTTP tests of authenticator apps (TOTP) in the example app: adding one (QR code inline,
 * secret shown grouped, a wrong first code refused, the right one activates it), signing in
 * with the app's code, "try another way" both ways, and the secret never shown elsewhere.
 * Codes are computed with otplib from the secret on the page and the app's fake clock.
 */
import { generateSync } from 'otplib';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { freshAppPerTest } from './helpers/per-test.js';
import { Client, decode, flashOf, textOf } from './helpers/client.js';
import { ALICE_ID, ALICE_PHONE, lastCode, login, signIn, wrongCode } from './helpers/flows.js';

const t = freshAppPerTest({ noCodeLeaks: true });
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

const PAGE = '/settings/authenticator';
const appCode = (secret: string) => generateSync({ secret, epoch: Math.floor(app.clock.now() / 1000) });

/** The secret as the page shows it (groups of four), without the spaces. */
function secretOf(html: string): string {
  const grouped = textOf(html, 'totp-secret') ?? '';
  expect(grouped).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  return grouped.replace(/ /g, '');
}

/** Signs alice in (texted code), adds an authenticator: returns its secret. */
async function addAuthenticator(): Promise<string> {
  await signIn(app, c, 'alice');
  await c.get('/settings');
  const page = await c.post(PAGE);
  expect(page.path).toBe(PAGE);
  const secret = secretOf(page.html);
  const done = await c.post(`${PAGE}/confirm`, { code: appCode(secret) });
  expect(done.path).toBe('/settings');
  return secret;
}

/** The "try another way" buttons: channel and label. */
function otherWays(html: string): { channel: string; label: string }[] {
  const section = /<section id="other-ways">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
  return [...section.matchAll(/<button[^>]*data-channel="(\w+)"[^>]*>([\s\S]*?)<span/g)].map((m) => ({
    channel: m[1] ?? '',
    label: decode(m[2] ?? '').replace(/\s+/g, ' ').trim(),
  }));
}

describe('adding an authenticator app', () => {
  it('shows an inline QR code and the grouped secret, refuses a wrong code, and the right code activates it', async () => {
    await signIn(app, c, 'bob'); // bob has no factor: straight to settings
    let page = await c.get('/settings');
    expect(page.html).toContain('id="add-authenticator"');
    page = await c.post(PAGE);
    expect(page.path).toBe(PAGE);
    expect(page.headers.get('cache-control')).toBe('no-store');
    // The QR code is SVG markup inside the page: no image request, nothing for the CSP to allow.
    expect(page.html).toMatch(/<figure class="qr" id="totp-qr"[^>]*><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox=/);
    expect(page.html).not.toMatch(/<img|https?:\/\/(?!www\.w3\.org)/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const secret = secretOf(page.html);
    expect(secret.length).toBeGreaterThanOrEqual(26);

    const right = appCode(secret);
    page = await c.post(`${PAGE}/confirm`, { code: wrongCode(right) });
    expect(page.path).toBe(PAGE);
    expect(flashOf(page.html)).toMatch(/^That code is not right\. Enter the code your authenticator app shows now/);
    expect(secretOf(page.html)).toBe(secret); // the same key: the user retries
    expect((await app.mfa.listFactors('u_bob')).factors).toMatchObject([{ channel: 'totp', status: 'pending' }]);

    page = await c.post(`${PAGE}/confirm`, { code: right });
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toBe('Your authenticator app is confirmed. Sign-in will now ask for a code from it.');
    expect(page.html).toMatch(/<tr data-factor="[^"]+" data-channel="totp">[\s\S]*?Authenticator app[\s\S]*?badge active/);
    // The page is gone with its secret: coming back means starting again.
    page = await c.get(PAGE);
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toBe('To add an authenticator app, start again: you will get a new key.');
  });

  it('leaving the page forgets the secret: the user starts again with a new key', async () => {
    await signIn(app, c, 'bob');
    await c.get('/settings');
    const first = secretOf((await c.post(PAGE)).html);
    await c.get('/');
    expect((await c.get(PAGE)).path).toBe('/settings');
    const second = secretOf((await c.post(PAGE)).html);
    expect(second).not.toBe(first);
    // Only one unconfirmed authenticator is kept.
    expect((await app.mfa.listFactors('u_bob')).factors.filter((f) => f.channel === 'totp')).toHaveLength(1);
  });

  it('can be made preferred and removed like the other factors', async () => {
    await addAuthenticator();
    let page = await c.get('/settings');
    const id = /<tr data-factor="([^"]+)" data-channel="totp">/.exec(page.html)?.[1] ?? '';
    page = await c.post(`/settings/factors/${id}/preferred`);
    expect(flashOf(page.html)).toBe('Sign-in codes will now go to your authenticator app first.');
    page = await c.post(`/settings/factors/${id}/remove`);
    // The preferred factor, with two other ways left: which one is mfakit's choice, said after.
    expect(textOf(page.html, 'confirm-consequence')).toBe(
      'Sign-in will then use one of your other ways: +1 ••• ••• 0147 or a•••@example.com. To use this authenticator app again you will have to add and confirm it again.',
    );
    page = await c.post(`/settings/factors/${id}/remove`, { confirm: 'yes' });
    expect(flashOf(page.html)).toBe('The authenticator app was removed. Sign-in codes now go to +1 ••• ••• 0147.');
    expect((await app.mfa.getStatus(ALICE_ID)).signInFactorId).toBe('f_demo_alice');
    expect(page.html).not.toContain('data-channel="totp"');
  });
});

describe('signing in with an authenticator app', () => {
  it('asks for the app code (nothing sent, no resend), verifies it, and offers the other factors', async () => {
    const secret = await addAuthenticator();
    let page = await c.get('/settings');
    const id = /<tr data-factor="([^"]+)" data-channel="totp">/.exec(page.html)?.[1] ?? '';
    await c.post(`/settings/factors/${id}/preferred`);
    await c.post('/logout');
    const sentBefore = app.outbox?.list().length ?? 0;
    await app.advance(60_000);

    page = await login(c, 'alice');
    expect(page.path).toBe('/mfa');
    expect(textOf(page.html, 'app-prompt')).toBe('Enter the 6-digit code from your authenticator app.');
    expect(page.html).not.toContain('We sent');
    expect(page.html).not.toContain('id="resend"');
    expect(app.outbox?.list().length).toBe(sentBefore); // nothing was sent
    expect(otherWays(page.html)).toEqual([
      { channel: 'sms', label: 'Send a code by text message to +1 ••• ••• 0147' },
      { channel: 'email', label: 'Send a code by email to a•••@example.com' },
    ]);

    const code = appCode(secret);
    page = await c.post('/mfa/verify', { code: wrongCode(code) });
    expect(page.path).toBe('/mfa');
    expect(flashOf(page.html)).toBe('That code is not right.');
    expect(textOf(page.html, 'app-prompt')).toBe('Enter the 6-digit code from your authenticator app.');
    page = await c.post('/mfa/verify', { code });
    expect(page.path).toBe('/');
    expect(textOf(page.html, 'codes-go-to')).toBe('Sign-in asks for a code from your authenticator app (3 ways on file).');
  });

  it('from a texted code, "try another way" lists the authenticator, and its code signs in', async () => {
    const secret = await addAuthenticator();
    await c.post('/logout');
    await app.advance(60_000);
    let page = await login(c, 'alice'); // the last used factor is still her number
    expect(textOf(page.html, 'sent-by')).toBe('by text message');
    expect(lastCode(app, ALICE_PHONE)).toMatch(/^\d{6}$/);
    const ways = otherWays(page.html);
    expect(ways).toContainEqual({ channel: 'totp', label: 'Use your authenticator app' });
    expect(page.html).toMatch(/data-channel="totp">Use your authenticator app/); // never waits for the cooldown

    const factorId = /data-factor="([^"]+)" data-channel="totp"/.exec(page.html)?.[1] ?? '';
    page = await c.post('/mfa/send', { factorId });
    expect(flashOf(page.html)).toBe('Enter the code from your authenticator app.');
    expect(textOf(page.html, 'app-prompt')).toBe('Enter the 6-digit code from your authenticator app.');
    expect(otherWays(page.html).map((w) => w.channel)).toEqual(['sms', 'email']);
    page = await c.post('/mfa/verify', { code: appCode(secret) });
    expect(page.path).toBe('/');
  });

  it('the secret appears on the authenticator page only, never in the log or a flash message', async () => {
    const secret = await addAuthenticator();
    await c.post('/logout');
    await app.advance(60_000);
    await login(c, 'alice');
    await c.post('/mfa/verify', { code: lastCode(app, ALICE_PHONE) });
    for (const path of ['/', '/settings', '/dev/outbox']) await c.get(path);
    const grouped = (secret.match(/.{1,4}/g) ?? []).join(' ');
    const elsewhere = c.bodies.filter((b) => b.path !== PAGE);
    expect(elsewhere.length).toBeGreaterThan(5);
    for (const { path, html } of elsewhere) {
      expect(html, path).not.toContain(secret);
      expect(html, path).not.toContain(grouped);
    }
    expect(c.bodies.filter((b) => b.path === PAGE && b.html.includes(grouped))).toHaveLength(1);
    expect(app.log.join('\n')).not.toContain(secret);
  });
});
