/**
 * Backup codes in real Chromium: Bob adds a number (code from the dev outbox), generates
 * backup codes, downloads backup-codes.txt (the same codes), signs out, and signs in with a
 * backup code through "try another way"; a used code is refused; regenerating kills the old
 * set. Every step waits for a navigation or an element (no fixed sleeps). Screenshots land
 * in test-results/express/.
 */
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { chromiumPerTest, cspViolations, codeFromOutbox, hasChromium, requireChromium, shot, signInWithPassword } from './helpers/browser.js';

requireChromium('backup codes');

const SHAPE = /^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$/;

describe.skipIf(!hasChromium)('backup codes in Chromium', () => {
  const t = chromiumPerTest({ width: 1000, height: 900 });
  let app: RunningApp;
  let context: BrowserContext;
  let page: Page;
  beforeEach(() => ({ app, context, page } = t));

  const path = () => new URL(page.url()).pathname;

  /** Bob's first sign-in: he adds a US number for text messages. Ends on the settings page. */
  async function bobAddsNumber(): Promise<void> {
    await signInWithPassword(page, 'bob');
    await page.waitForURL('**/settings');
    await page.selectOption('#country', 'US');
    await page.fill('#phone', '(202) 555-0123');
    await page.click('#send-phone-code');
    await page.waitForURL('**/settings/confirm');
    await page.fill('#code', await codeFromOutbox(context));
    await page.click('button:has-text("Confirm")');
    await page.waitForURL('**/settings');
    await page.waitForSelector('.flash.success');
  }

  /** From the settings page: generate (confirming when a set exists); the codes on the page. */
  async function generate(screenshot?: string): Promise<string[]> {
    const regenerate = (await page.textContent('#generate-backup'))?.trim() === 'Generate new backup codes';
    await page.click('#generate-backup');
    if (regenerate) {
      await page.waitForSelector('#confirm-yes');
      expect(await page.textContent('h1')).toBe('Generate new backup codes?');
      expect(await page.textContent('#confirm-consequence')).toMatch(/stop working at once/);
      await page.click('#confirm-yes');
    }
    await page.waitForURL('**/settings/backup-codes');
    const codes = (await page.locator('#backup-list code').allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(SHAPE);
    if (screenshot) await shot(page, screenshot);
    return codes;
  }

  async function signOut(): Promise<void> {
    await page.click('button:has-text("Sign out")');
    await page.waitForURL('**/login');
  }

  /** Password, then "try another way" → "Use a backup code": ends on the backup code prompt. */
  async function toBackupPrompt(): Promise<void> {
    await signInWithPassword(page, 'bob');
    await page.waitForURL('**/mfa');
    await page.waitForSelector('#other-ways');
    await page.click('button[data-channel="backup"]');
    await page.waitForSelector('#backup-prompt');
  }

  /** Types `code` into the backup code field and submits it. */
  async function enter(code: string): Promise<void> {
    await page.fill('#code', code);
    await page.click('button:has-text("Verify")');
  }

  /** Bob adds a number and generates a set; he has saved it (back on the settings page), and signs out. */
  async function bobWithCodes(): Promise<string[]> {
    await bobAddsNumber();
    const codes = await generate();
    await page.click('#saved-backup');
    await page.waitForURL('**/settings');
    await signOut();
    return codes;
  }

  // A loaded machine can make a Chromium flow slow: each test gets more than the default 30 s.
  const SLOW = 90_000;

  it('generate, download the same codes, then sign in with one through "try another way"', async () => {
    const violations = cspViolations(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    await bobAddsNumber();
    expect(await page.textContent('#backup-left')).toBe('You have no backup codes yet.');
    const codes = await generate('backup-codes');
    expect(await page.textContent('#backup-once')).toMatch(/^Save these codes now: this is the only time they are shown\./);

    // The download holds the same codes, and comes from this page (no request for it).
    const before = requests.length;
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download-backup')]);
    expect(file.suggestedFilename()).toBe('backup-codes.txt');
    const text = await readFile((await file.path()) ?? '', 'utf8');
    expect(text.split('\n').filter((l) => SHAPE.test(l))).toEqual(codes);
    expect(text).toContain('mfakit demo: backup codes for bob');
    expect(requests.slice(before).filter((u) => u.startsWith('http'))).toEqual([]);

    await page.click('#saved-backup');
    await page.waitForURL('**/settings');
    expect(await page.textContent('#backup-left')).toBe('10 backup codes of 10 left.');
    // Shown once: going back to the page does not show them again.
    await page.goto('/settings/backup-codes');
    await page.waitForURL('**/settings');
    expect(await page.textContent('.flash.info')).toMatch(/^Backup codes are shown only once/);
    expect(await page.content()).not.toContain(codes[0] ?? '');

    await signOut();
    await toBackupPrompt();
    const input = page.locator('#code');
    expect(await input.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await input.getAttribute('inputmode')).toBeNull();
    expect(await page.locator('#resend').count()).toBe(0);
    await shot(page, 'mfa-backup-code');
    await enter(codes[0]?.toUpperCase() ?? '');
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.textContent('#welcome')).toBe('Welcome, Bob Example');
    expect(await page.textContent('.flash.info')).toBe('You signed in with a backup code; it cannot be used again. 9 backup codes left.');

    expect(violations).toEqual([]);
    expect(requests.filter((u) => u.startsWith('http') && !u.startsWith(app.url))).toEqual([]);
  }, SLOW);

  it('a used backup code is refused; another one signs in', async () => {
    const codes = await bobWithCodes();
    await toBackupPrompt();
    await enter(codes[0] ?? '');
    await page.waitForURL((u) => u.pathname === '/');
    await signOut();

    await toBackupPrompt();
    await enter(codes[0] ?? '');
    await page.waitForSelector('.flash.error');
    expect(await page.textContent('.flash.error')).toBe('That backup code is not right, or it was already used (each code works once).');
    expect(path()).toBe('/mfa');
    expect(await page.isVisible('#backup-prompt')).toBe(true);
    await shot(page, 'mfa-backup-code-used');
    await enter(codes[1] ?? '');
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.textContent('#welcome')).toBe('Welcome, Bob Example');
  }, SLOW);

  it('regenerating warns first, and then the old codes stop working', async () => {
    const codes = await bobWithCodes();
    await toBackupPrompt();
    await enter(codes[0] ?? '');
    await page.waitForURL((u) => u.pathname === '/');

    await page.click('a:has-text("Security settings")');
    await page.waitForURL('**/settings');
    expect(await page.textContent('#backup-left')).toBe('9 backup codes of 10 left.');
    const fresh = await generate();
    expect(fresh.filter((c) => codes.includes(c))).toEqual([]);
    await page.click('#saved-backup');
    await page.waitForURL('**/settings');
    expect(await page.textContent('#backup-left')).toBe('10 backup codes of 10 left.');
    await signOut();

    await toBackupPrompt();
    await enter(codes[1] ?? '');
    await page.waitForSelector('.flash.error');
    expect(path()).toBe('/mfa');
    await enter(fresh[0] ?? '');
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.textContent('#welcome')).toBe('Welcome, Bob Example');
  }, SLOW);

  it('right after a code was texted, "try another way": email waits out the cooldown, backup codes do not', async () => {
    // Alice signs in with her texted code and generates a set; the next sign-in is 30 s later.
    await signInWithPassword(page, 'alice');
    await page.waitForURL('**/mfa');
    await page.fill('#code', await codeFromOutbox(context));
    await page.click('button:has-text("Verify")');
    await page.waitForURL((u) => u.pathname === '/');
    await page.click('a:has-text("Security settings")');
    await page.waitForURL('**/settings');
    const codes = await generate();
    await page.click('#saved-backup');
    await page.waitForURL('**/settings');
    await signOut();
    await app.advance(30_000);

    await signInWithPassword(page, 'alice');
    await page.waitForURL('**/mfa');
    await page.waitForSelector('#other-ways');
    const email = page.locator('button[data-channel="email"]');
    const backup = page.locator('button[data-channel="backup"]');
    expect(await email.isDisabled()).toBe(true);
    expect(await backup.isEnabled()).toBe(true);
    expect(await page.textContent('#switch-wait')).toMatch(/^A code was sent less than 30 seconds ago, .* Using a backup code sends nothing, so it works right away\.$/);
    await shot(page, 'mfa-try-another-way-cooldown');
    await backup.click();
    await page.waitForSelector('#backup-prompt');
    await enter(codes[0] ?? '');
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.textContent('#welcome')).toBe('Welcome, Alice Example');
  }, SLOW);
});
