/**
 * A fresh example app and HTTP client for each test of a file, closed after it; with
 * `noCodeLeaks`, every page a test visited is also checked for codes (the dev outbox excepted).
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { startApp, type RunningApp } from './app.js';
import { Client, stable } from './client.js';
import { signIn } from './flows.js';

/** The app and client of the running test (read them inside a test or hook). */
export interface PerTest {
  readonly app: RunningApp;
  readonly c: Client;
}

export function freshAppPerTest({ noCodeLeaks = false } = {}): PerTest {
  let app: RunningApp | undefined;
  let c: Client | undefined;
  beforeEach(async () => {
    app = await startApp();
    c = new Client(app.url);
  });
  afterEach(async () => {
    if (!app) return;
    if (noCodeLeaks && c) {
      const codes = (app.outbox?.list() ?? []).map((m) => m.code ?? '').filter(Boolean);
      for (const { path, html } of c.bodies) {
        if (path === '/dev/outbox') continue;
        const visible = stable(html).replace(/mfakit\.csrf=[^;]*/g, '');
        for (const code of codes) expect(visible, `code leaked on ${path}`).not.toContain(code);
      }
    }
    await app.close();
  });
  return {
    get app() {
      if (!app) throw new Error('no app outside a test');
      return app;
    },
    get c() {
      if (!c) throw new Error('no client outside a test');
      return c;
    },
  };
}

/**
 * A fresh app with the admin signed in through the code page, and the cooldown of that
 * sign-in's code elapsed (so a test can send codes at once): the start of every admin-page test.
 */
export async function startSignedInAdmin(): Promise<{ app: RunningApp; admin: Client }> {
  const app = await startApp();
  const admin = new Client(app.url);
  await signIn(app, admin, 'admin');
  await app.advance(30_000);
  return { app, admin };
}
