/**
 * Email in real Chromium: enrolling an email address end to end (settings, code from the dev
 * outbox, confirmed, listed masked), and, with SMS switched off on the admin page, Alice
 * signing in with the code emailed to her. Screenshots land in test-results/express/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { chromiumPerTest, hasChromium, newestInOutbox, requireChromium, shot, signInWithPassword } from './helpers/browser.js';

requireChromium('email');

describe.skipIf(!hasChromium)('email in Chromium', () => {
  const t = chromiumPerTest({ width: 1000, height: 760 });
  let browser: Browser;
  let app: RunningApp;
  let context: BrowserContext;
  let page: Page;
  beforeEach(() => ({ browser, app, context, page } = t));

  it('enrolls an email address: settings, address, code from the outbox, confirmed and listed masked', async () => {
    await signInWithPassword(page, 'bob');
    await page.waitForURL('**/settings');
    await page.fill('#email', 'not-an-address@');
    // The browser's own check would stop a type="email" field; the server's answer is what is tested.
    await page.locator('#add-email').evaluate((form) => form.setAttribute('novalidate', ''));
    await page.click('#send-email-code');
    await page.waitForLoadState();
    expect(await page.textContent('.flash.error')).toBe('That does not look like an email address.');
    expect(await page.inputValue('#email')).toBe('not-an-address@');
    await shot(page, 'settings-email-refused');

    await page.fill('#email', 'bob@example.com');
    await page.click('#send-email-code');
    await page.waitForURL('**/settings/confirm');
    expect(await page.textContent('h1')).toBe('Confirm your email address');
    expect(await page.textContent('#sent-by')).toBe('by email');
    expect(await page.textContent('#masked-to')).toBe('b•••@example.com');
    await shot(page, 'settings-email-confirm');
    const mail = await newestInOutbox(context, 'dev-outbox-email');
    expect(mail.channel).toBe('email');
    expect(mail.text).toContain('Subject:');

    await page.fill('#code', mail.code);
    await page.click('button:has-text("Confirm")');
    await page.waitForURL('**/settings');
    expect(await page.textContent('.flash.success')).toBe('Your email address b•••@example.com is confirmed. Sign-in will now ask for a code sent to it.');
    const row = page.locator('tr[data-channel="email"]');
    expect(await row.textContent()).toContain('b•••@example.com');
    expect(await row.textContent()).toContain('Email');
    expect(await page.isVisible('#enroll-banner')).toBe(false);
    expect(await page.content()).not.toContain(mail.code);
    await shot(page, 'settings-email');
  });

  it('SMS switched off on the admin page: alice signs in with the emailed code', async () => {
    await signInWithPassword(page, 'admin');
    await page.waitForURL('**/mfa');
    await page.fill('#code', (await newestInOutbox(context)).code);
    await page.click('button:has-text("Verify")');
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto('/admin');
    await page.click('button:has-text("Switch SMS off")');
    await page.waitForLoadState();
    expect(await page.textContent('h1')).toBe('Switch SMS off?');
    await page.fill('#confirm-input', 'carrier outage, ticket #88');
    await shot(page, 'admin-sms-off-confirm');
    await page.click('#confirm-yes');
    await page.waitForURL('**/admin');
    expect(await page.textContent('#sms-state')).toBe('off');
    await shot(page, 'admin-sms-off');
    await page.click('#audit-link');
    await page.waitForURL('**/admin/audit');
    expect(await page.textContent('tr[data-action="channel.changed"] td:nth-child(2)')).toBe('SMS switched off');
    expect(await page.textContent('tr[data-action="channel.changed"] td:nth-child(6)')).toBe('carrier outage, ticket #88');
    await shot(page, 'admin-audit');

    const other = await browser.newContext({ baseURL: app.url });
    try {
      const alice = await other.newPage();
      alice.setDefaultTimeout(10_000);
      await signInWithPassword(alice, 'alice');
      await alice.waitForURL('**/mfa');
      expect(await alice.textContent('#sent-by')).toBe('by email');
      expect(await alice.textContent('#masked-to')).toBe('a•••@example.com');
      expect(await alice.locator('#cannot-send').count()).toBe(0);
      expect(await alice.locator('#other-ways').count()).toBe(0); // her number is for texts, which are off
      await shot(alice, 'mfa-sms-off-email');
      const mail = await newestInOutbox(context, 'dev-outbox-sms-off');
      expect(mail.channel).toBe('email');
      expect(await alice.content()).not.toContain(mail.code);
      await alice.fill('#code', mail.code);
      await alice.click('button:has-text("Verify")');
      await alice.waitForURL((u) => u.pathname === '/');
      expect(await alice.textContent('#welcome')).toBe('Welcome, Alice Example');
    } finally {
      await other.close();
    }
  });
});
