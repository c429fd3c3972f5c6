/**
 * "Confirm it's you" in real Chromium: Alice signed in more than 10 minutes ago (the app's
 * test clock) adds a number; she is asked for a sign-in code first, a wrong one keeps her
 * there with the attempts left, the right one brings her back to the form with her number
 * still typed, and the number is added. An admin removes Alice's number from the admin page
 * with a reason and no code. Waits on navigations and elements only.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { chromiumPerTest, cspViolations, codeFromOutbox, hasChromium, requireChromium, shot, signInWithPassword } from './helpers/browser.js';

requireChromium('step-up');

describe.skipIf(!hasChromium)('step-up in Chromium', () => {
  const t = chromiumPerTest({ width: 1000, height: 760 });
  let app: RunningApp;
  let context: BrowserContext;
  let page: Page;
  beforeEach(() => ({ app, context, page } = t));

  it('a sign-in more than 10 minutes old: adding a number asks for a code (a wrong one stays), then comes back and adds it', async () => {
    const violations = cspViolations(page);
    await signInWithPassword(page, 'alice');
    await page.waitForURL('**/mfa');
    await page.fill('#code', await codeFromOutbox(context));
    await page.click('button:has-text("Verify")');
    await page.waitForURL((url) => url.pathname === '/');
    await app.advance(11 * 60_000);

    await page.goto('/settings');
    expect(await page.textContent('#step-up-note')).toContain('you will be asked for a sign-in code');
    await page.selectOption('#country', 'JP');
    await page.fill('#phone', '090-1234-5678');
    await page.click('#send-phone-code');
    await page.waitForURL('**/settings/step-up');
    expect(await page.textContent('h1')).toBe('Confirm it’s you');
    expect(await page.textContent('#step-up-why')).toBe('For your security, enter a sign-in code before you add your number.');
    expect(await page.textContent('#masked-to')).toBe('+1 ••• ••• 0147');
    await shot(page, 'step-up');

    const code = await codeFromOutbox(context);
    await page.fill('#code', code === '000000' ? '111111' : '000000');
    await page.click('button:has-text("Verify")');
    await page.locator('.flash.error').waitFor();
    expect(new URL(page.url()).pathname).toBe('/settings/step-up');
    expect(await page.textContent('.flash.error')).toBe('That code is not right.');
    expect(await page.textContent('#attempts-left')).toBe('3 attempts left with this code.');
    await shot(page, 'step-up-wrong-code');

    await page.fill('#code', code);
    await page.click('button:has-text("Verify")');
    await page.waitForURL((url) => url.pathname === '/settings');
    expect(await page.textContent('.flash.success')).toBe('Confirmed. You can now add your number.');
    expect(await page.locator('.flash.success').isVisible()).toBe(true);
    expect(await page.inputValue('#phone')).toBe('090-1234-5678');
    expect(await page.inputValue('#country')).toBe('JP');
    expect(await page.isVisible('#step-up-note')).toBe(false);
    await shot(page, 'step-up-confirmed');

    await page.click('#send-phone-code');
    await page.waitForURL('**/settings/confirm');
    expect(await page.textContent('#masked-to')).toBe('+81 •• •••• 5678');
    await page.fill('#code', await codeFromOutbox(context));
    await page.click('button:has-text("Confirm")');
    await page.waitForURL((url) => url.pathname === '/settings');
    expect(await page.textContent('.flash.success')).toMatch(/^Your number \+81 •• •••• 5678 is confirmed\./);
    expect(await page.textContent('#factors')).toContain('+81 •• •••• 5678');
    expect(violations).toEqual([]);
  });

  it('an admin removes a user\'s number with a reason, asked for no code, and the audit log names them', async () => {
    await signInWithPassword(page, 'admin');
    await page.waitForURL('**/mfa');
    await page.fill('#code', await codeFromOutbox(context));
    await page.click('button:has-text("Verify")');
    await page.waitForURL((url) => url.pathname === '/');
    await app.advance(11 * 60_000);
    await page.goto('/admin');
    const row = page.locator('#user-factors tr[data-user="alice"][data-channel="sms"]');
    await row.locator('input[name="reason"]').fill('Lost her phone, ticket #4521');
    await shot(page, 'admin-user-factors');
    await row.locator('button:has-text("Remove")').click();
    await page.waitForURL((url) => url.pathname.endsWith('/remove'));
    expect(await page.textContent('h1')).toBe("Remove alice's number?");
    await page.click('#confirm-yes');
    await page.waitForURL('**/admin');
    expect(await page.textContent('.flash.success')).toBe("alice's number was removed.");
    expect((await app.mfa.listFactors('u_alice')).factors.map((f) => f.channel)).toEqual(['email']);
    expect(app.log.some((l) => l.includes('[audit] u_admin removed factor') && l.includes('of u_alice: Lost her phone, ticket #4521'))).toBe(true);
  });
});
