/**
 * Debian's Chromium driven by playwright-core. When /usr/bin/chromium is missing the browser
 * tests are skipped with a loud message, unless MFAKIT_REQUIRE_BROWSER=1 (CI), where they fail.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

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
