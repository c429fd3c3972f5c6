/**
 * The example app in real Chromium: sign in with the code from the dev outbox, wrong codes,
 * lockout, the resend countdown (with the app's test clock), enrollment, and the admin's
 * exception list (email, voice and the SMS switch: browser-email.test.ts). A screenshot of each page lands in test-results/express/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { chromiumPerTest, codeFromOutbox, hasChromium, requireChromium, shot, signInWithPassword } from './helpers/browser.js';

requireChromium('app');

describe.skipIf(!hasChromium)('the example app in Chromium', () => {
  const t = chromiumPerTest({ width: 1000, height: 760 });
  let browser: Browser;
  let app: RunningApp;
  let context: BrowserContext;
  let page: Page;
  beforeEach(() => ({ browser, app, context, page } = t));

  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

  async function enterCode(code: string) {
    await page.fill('#code', code);
    await page.click('button:has-text("Verify")');
    await page.waitForLoadState();
  }

  it('signs in: password, code from the dev outbox, home', async () => {
    await signInWithPassword(page, 'alice', 'login');
    await page.waitForURL('**/mfa');
    await expect.poll(() => page.textContent('#masked-to')).toBe('+1 ••• ••• 0147');
    expect(await page.getAttribute('#code', 'autocomplete')).toBe('one-time-code');
    await shot(page, 'mfa-challenge');
    const code = await codeFromOutbox(context, 'dev-outbox');
    await enterCode(code);
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.textContent('#welcome')).toBe('Welcome, Alice Example');
    await shot(page, 'home');
  });

  it('a wrong code shows the attempts left', async () => {
    await signInWithPassword(page, 'alice');
    await page.waitForURL('**/mfa');
    await enterCode(wrong(await codeFromOutbox(context)));
    expect(await page.textContent('.flash.error')).toBe('That code is not right.');
    expect(await page.textContent('#attempts-left')).toBe('3 attempts left with this code.');
    expect((await page.textContent('main'))?.match(/attempts? left/g)).toHaveLength(1);
    await shot(page, 'mfa-wrong-code');
  });

  it('8 wrong codes lock the user, with the time the lock ends', async () => {
    await signInWithPassword(page, 'alice');
    await page.waitForURL('**/mfa');
    for (let i = 0; i < 4; i++) await enterCode(wrong(await codeFromOutbox(context)));
    expect(await page.textContent('.flash.error')).toContain('cannot be used again');
    // The code is dead; a new one may be requested once the 30 s cooldown has passed.
    await app.advance(30_000);
    await page.reload();
    await page.click('#resend');
    await page.waitForLoadState();
    expect(await page.textContent('.flash.success')).toContain('We sent a new code');
    for (let i = 0; i < 4; i++) await enterCode(wrong(await codeFromOutbox(context)));
    const lockout = await page.textContent('#lockout');
    expect(lockout).toContain('Too many wrong codes. For your security, sign-in is locked until 09:20 UTC (in 20 minutes).');
    expect(await page.locator('#code').count()).toBe(0);
    await shot(page, 'mfa-locked');
  });

  it('the resend button counts down, then enables once the cooldown has passed', async () => {
    await signInWithPassword(page, 'alice');
    await page.waitForURL('**/mfa');
    const resend = page.locator('#resend');
    expect(await resend.isDisabled()).toBe(true);
    const first = (await resend.textContent()) ?? '';
    expect(first).toMatch(/Resend code in (30|29) s/);
    await shot(page, 'mfa-resend-countdown');
    // Live: the text changes while we watch (real seconds, in the page).
    await expect.poll(async () => (await resend.textContent())?.replace(/\s+/g, ' '), { timeout: 3_000 }).not.toBe(first.replace(/\s+/g, ' '));
    expect(await resend.isDisabled()).toBe(true);

    await app.advance(30_000);
    await page.reload();
    expect(await resend.isEnabled()).toBe(true);
    expect((await resend.textContent())?.trim()).toBe('Resend code');
    await shot(page, 'mfa-resend-ready');
    await resend.click();
    await page.waitForLoadState();
    expect(await page.textContent('.flash.success')).toBe('We sent a new code by text message to +1 ••• ••• 0147.');
    expect(await page.locator('#resend').isDisabled()).toBe(true);
    expect(app.outbox?.list()).toHaveLength(2);
  });

  it('enrolls a number: settings, country and number, code, confirmed', async () => {
    await signInWithPassword(page, 'bob');
    await page.waitForURL('**/settings');
    expect(await page.isVisible('#enroll-banner')).toBe(true);
    await shot(page, 'settings-no-number');
    await page.selectOption('#country', 'JP');
    await page.fill('#phone', '090-1234-5678');
    await page.click('#send-phone-code');
    await page.waitForURL('**/settings/confirm');
    expect(await page.textContent('#masked-to')).toBe('+81 •• •••• 5678');
    await shot(page, 'settings-confirm');
    await page.fill('#code', await codeFromOutbox(context));
    await page.click('button:has-text("Confirm")');
    await page.waitForURL('**/settings');
    expect(await page.textContent('.flash.success')).toBe('Your number +81 •• •••• 5678 is confirmed. Sign-in will now ask for a code sent to it.');
    expect(await page.textContent('#factors')).toContain('+81 •• •••• 5678');
    expect(await page.isVisible('#enroll-banner')).toBe(false);
    await shot(page, 'settings');
  });

  it('admin adds an exception (an admin is refused), and that user signs in without a code', async () => {
    await signInWithPassword(page, 'admin');
    await page.waitForURL('**/mfa');
    await enterCode(await codeFromOutbox(context));
    await page.click('a:has-text("Admin")');
    await page.waitForURL('**/admin');

    await page.selectOption('#exception-user', 'u_admin');
    await page.fill('#exception-reason', 'testing');
    await page.click('button:has-text("Add to the exception list")');
    await page.waitForLoadState();
    expect(await page.textContent('.flash.error')).toBe('Administrators cannot be put on the exception list: they must always use MFA.');
    await shot(page, 'admin-refusal');

    await page.selectOption('#exception-user', 'u_alice');
    await page.fill('#exception-reason', 'Lost her phone, ticket #4521');
    await page.selectOption('#exception-expiry', '24');
    await page.click('button:has-text("Add to the exception list")');
    await page.waitForLoadState();
    expect(await page.textContent('.flash.success')).toBe('alice can now sign in without a code.');
    expect(await page.textContent('#exceptions')).toContain('Lost her phone, ticket #4521');
    await shot(page, 'admin');

    await page.click('button:has-text("Sign out")');
    await page.waitForURL('**/login');
    const sentBefore = app.outbox?.list().length;
    await signInWithPassword(page, 'alice');
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.textContent('#exception-notice')).toContain('Lost her phone, ticket #4521');
    expect(app.outbox?.list().length).toBe(sentBefore);
    await shot(page, 'home-exception');
  });

  it('removes a number only after the confirmation page, with JavaScript off', async () => {
    const noJs = await browser.newContext({ baseURL: app.url, javaScriptEnabled: false });
    try {
      const p = await noJs.newPage();
      p.setDefaultTimeout(10_000);
      await signInWithPassword(p, 'alice');
      await p.waitForURL('**/mfa');
      await p.fill('#code', app.outbox?.list()[0]?.code ?? '');
      await p.click('button:has-text("Verify")');
      await p.waitForURL((u) => u.pathname === '/');
      await p.goto('/settings');
      await p.click('button:has-text("Remove")');
      await p.waitForLoadState();
      expect(await p.textContent('h1')).toBe('Remove +1 ••• ••• 0147?');
      expect((await app.mfa.listFactors('u_alice')).factors).toHaveLength(2);
      await shot(p, 'settings-remove-confirm');
      await p.click('#confirm-yes');
      await p.waitForURL('**/settings');
      expect(await p.textContent('.flash.success')).toBe('The number was removed.');
      expect((await app.mfa.listFactors('u_alice')).factors.map((f) => f.channel)).toEqual(['email']);
    } finally {
      await noJs.close();
    }
  });

  it('after an enrollment code, a second sign-in page does not claim a code is on its way', async () => {
    await signInWithPassword(page, 'alice');
    await page.waitForURL('**/mfa');
    await enterCode(await codeFromOutbox(context));
    await app.advance(30_000);
    await page.goto('/settings');
    await page.selectOption('#country', 'CA');
    await page.fill('#phone', '(604) 555-0199');
    await page.click('#send-phone-code');
    await page.waitForURL('**/settings/confirm');

    const other = await browser.newContext({ baseURL: app.url });
    try {
      const p = await other.newPage();
      await signInWithPassword(p, 'alice');
      await p.waitForURL('**/mfa');
      const text = (await p.textContent('main')) ?? '';
      const liveCode = (await p.locator('#masked-to').count()) > 0;
      expect(/on its way/.test(text) && !liveCode).toBe(false);
      await shot(p, 'mfa-after-enrollment-send');
    } finally {
      await other.close();
    }
  });
});
