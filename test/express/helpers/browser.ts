/**
 * Debian's Chromium driven by playwright-core. When /usr/bin/chromium is missing the browser
 * tests are skipped with a loud message, unless MFAKIT_REQUIRE_BROWSER=1 (CI), where they fail.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../examples/express/users.js';
import { startApp, type RunningApp } from './app.js';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const browserRequired = process.env['MFAKIT_REQUIRE_BROWSER'] === '1';

if (!hasChromium) {
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! ${CHROMIUM} not found: the example app's BROWSER TESTS ARE ${browserRequired ? 'FAILING (MFAKIT_REQUIRE_BROWSER=1)' : 'SKIPPED'}.\n!! Install it: apt-get install -y chromium\n${line}\n`,
  );
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const SHOTS = resolve(process.cwd(), 'test-results', 'express');

/** Saves a full-page screenshot as test-results/express/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
}

/** Fails loudly, once per file, when Chromium is missing and MFAKIT_REQUIRE_BROWSER=1. */
export function requireChromium(name: string): void {
  describe.runIf(!hasChromium && browserRequired)(`browser tests (${name})`, () => {
    it('need Chromium', () => {
      throw new Error(`${CHROMIUM} is missing and MFAKIT_REQUIRE_BROWSER=1: install it (apt-get install -y chromium)`);
    });
  });
}

/** The file's browser, and the running test's app, browser context and page. */
export interface BrowserPerTest {
  /** For more contexts (a second user, JavaScript off). */
  readonly browser: Browser;
  readonly app: RunningApp;
  readonly context: BrowserContext;
  readonly page: Page;
}

/**
 * One Chromium for the file (call inside the describe), and a fresh example app, context
 * and page for each test, closed after it. Read the fields inside a test or hook.
 */
export function chromiumPerTest(viewport: { width: number; height: number }): BrowserPerTest {
  let browser: Browser | undefined;
  let current: Omit<BrowserPerTest, 'browser'> | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    if (!browser) throw new Error('Chromium did not start');
    const app = await startApp();
    const context = await browser.newContext({ baseURL: app.url, viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    current = { app, context, page };
  });
  afterEach(async () => {
    await current?.context.close();
    await current?.app.close();
    current = undefined;
  });
  const now = (): Omit<BrowserPerTest, 'browser'> => {
    if (!current) throw new Error('no browser page outside a test');
    return current;
  };
  return {
    get browser() {
      if (!browser) throw new Error('Chromium did not start');
      return browser;
    },
    get app() {
      return now().app;
    },
    get context() {
      return now().context;
    },
    get page() {
      return now().page;
    },
  };
}

/** Signs in with a demo user's password; `screenshot` names a shot of the filled form. */
export async function signInWithPassword(page: Page, username: string, screenshot?: string): Promise<void> {
  await page.goto('/login');
  await page.fill('#username', username);
  await page.fill('#password', DEMO_USERS.find((u) => u.username === username)?.password ?? '');
  if (screenshot) await shot(page, screenshot);
  await page.click('button:has-text("Sign in")');
}

/** A message in the dev outbox: its channel, its code and the whole row's text. */
export interface OutboxMessage {
  readonly channel: string;
  readonly code: string;
  readonly text: string;
}

/**
 * The newest message in the dev outbox, read in a second tab as a developer would;
 * `screenshot` names a shot of the outbox. Fails the test when it holds no 6-digit code.
 */
export async function newestInOutbox(context: BrowserContext, screenshot?: string): Promise<OutboxMessage> {
  const outbox = await context.newPage();
  await outbox.goto('/dev/outbox');
  const row = outbox.locator('tr.message').first();
  const message = {
    channel: (await row.getAttribute('data-channel')) ?? '',
    code: (await row.locator('[data-code]').textContent())?.trim() ?? '',
    text: (await row.textContent()) ?? '',
  };
  if (screenshot) await shot(outbox, screenshot);
  await outbox.close();
  expect(message.code).toMatch(/^\d{6}$/);
  return message;
}

/** The newest code in the dev outbox (see {@link newestInOutbox}). */
export async function codeFromOutbox(context: BrowserContext, screenshot?: string): Promise<string> {
  return (await newestInOutbox(context, screenshot)).code;
}

/** Collects the page's Content-Security-Policy violations from its console, for a test to expect none. */
export function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}
