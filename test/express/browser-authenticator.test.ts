/**
 * An authenticator app in real Chromium: Bob adds one by reading the key from the page and
 * typing the code otplib computes for it (as an app would, on the app's fake clock), signs
 * out, and signs in with a new code from it. Screenshots land in test-results/express/.
 */
import { generateSync } from 'otplib';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../examples/express/users.js';
import type { RunningApp } from './helpers/app.js';
import { chromiumPerTest, cspViolations, hasChromium, requireChromium, shot, signInWithPassword } from './helpers/browser.js';

requireChromium('authenticator');

describe.skipIf(!hasChromium)('authenticator app in Chromium', () => {
  const t = chromiumPerTest({ width: 1000, height: 900 });
  let app: RunningApp;
  let page: Page;
  beforeEach(() => ({ app, page } = t));

  const appCode = (secret: string) => generateSync({ secret, epoch: Math.floor(app.clock.now() / 1000) });

  it('adds an authenticator from the key on the page, then signs in with its code', async () => {
    const violations = cspViolations(page);
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
