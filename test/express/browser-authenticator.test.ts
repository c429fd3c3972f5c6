/**
 * An authenticator app in real Chromium: Bob adds one by reading the key from the page and
 * typing the code otplib computes for it (as an app would, on the app's fake clock), signs
 * out, and signs in with a new code from it. Screenshots land in test-results/express/.
 */
import { generateSync } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../examples/express/users.js';
import { startApp, type RunningApp } from './helpers/app.js';
import { browserRequired, CHROMIUM, hasChromium, launch, shot } from './helpers/browser.js';

describe.runIf(!hasChromium && browserRequired)('browser tests (authenticator)', () => {
  it('need Chromium', () => {
    throw new Error(`${CHROMIUM} is missing and MFAKIT_REQUIRE_BROWSER=1: install it (apt-get install -y chromium)`);
  });
});

describe.skipIf(!hasChromium)('authenticator app in Chromium', () => {
  let browser: Browser;
  let app: RunningApp;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    app = await startApp();
    context = await browser.newContext({ baseURL: app.url, viewport: { width: 1000, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterEach(async () => {
    await context?.close();
    await app?.close();
  });

  async function signInWithPassword(p: Page, username: string) {
    await p.goto('/login');
    await p.fill('#username', username);
    await p.fill('#password', DEMO_USERS.find((u) => u.username === username)?.password ?? '');
    await p.click('button:has-text("Sign in")');
  }

  const appCode = (secret: string) => generateSync({ secret, epoch: Math.floor(app.clock.now() / 1000) });

  it('adds an authenticator from the key on the page, then signs in with its code', async () => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    await signInWithPassword(page, 'bob');
    await page.waitForURL('**/settings');
    await page.click('#add-authenticator');
    await page.waitForURL('**/settings/authenticator');
    expect(await page.textContent('h1')).toBe('Add an authenticator app');
    const qr = await page.locator('#totp-qr svg').boundingBox();
    expect(qr?.width).toBeGreaterThan(150); // drawn, at a scannable size
    const secret = ((await page.textContent('#totp-secret')) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{26,}$/);
    await shot(page, 'settings-authenticator');

    await page.fill('#code', appCode(secret) === '000000' ? '111111' : '000000');
    await page.click('#confirm-totp');
    await page.waitForLoadState();
    expect(await page.textContent('.flash.error')).toMatch(/^That code is not right\./);
    expect(new URL(page.url()).pathname).toBe('/settings/authenticator');

    await page.fill('#code', appCode(secret));
    await page.click('#confirm-totp');
    await page.waitForURL('**/settings');
    expect(await page.textContent('.flash.success')).toBe('Your authenticator app is confirmed. Sign-in will now ask for a code from it.');
    expect(await page.locator('tr[data-channel="totp"]').textContent()).toContain('Authenticator app');
    expect(await page.content()).not.toContain(secret);
    await shot(page, 'settings-authenticator-added');

    await page.click('button:has-text("Sign out")');
    await page.waitForURL('**/login');
    await app.advance(60_000); // a new time step: a new code
    await signInWithPassword(page, 'bob');
    await page.waitForURL('**/mfa');
    expect(await page.textContent('#app-prompt')).toBe('Enter the 6-digit code from your authenticator app.');
    expect(await page.locator('#resend').count()).toBe(0);
    await shot(page, 'mfa-authenticator');
    await page.fill('#code', appCode(secret));
    await page.click('button:has-text("Verify")');
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.textContent('#welcome')).toBe(`Welcome, ${DEMO_USERS.find((u) => u.username === 'bob')?.name ?? ''}`);

    expect(violations).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(app.url))).toEqual([]); // the QR code needs no outside request
  });
});
