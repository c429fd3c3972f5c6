/**
 * Starts the example app on a free loopback port with a fake clock, memory stores and the
 * dev outbox, and stops it (closing every connection) afterwards.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type CreateAppOptions, type CreatedApp } from '../../../examples/express/app.js';
import { fakeClock, type FakeClock } from '../../../src/testing/index.js';

export interface RunningApp extends CreatedApp {
  readonly url: string;
  readonly clock: FakeClock;
  /** Audit log lines the app wrote. */
  readonly log: string[];
  /** Moves the app's clock through its test-only route (as a browser test would). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** 2026-01-05 09:00:00 UTC: times on the pages are predictable. */
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** `testRoute: false` passes the fake clock as a plain clock: `/__test/advance` is not mounted. */
export async function startApp(options: CreateAppOptions = {}, { testRoute = true } = {}): Promise<RunningApp> {
  const clock = fakeClock(T0);
  const log: string[] = [];
  const created = await createApp({
    production: false,
    ...(testRoute ? { testClock: clock } : { clock }),
    mfaSecret: 'test-mfa-secret-0123456789abcdefghijkl',
    sessionSecret: 'test-session-secret-0123456789abcdefgh',
    log: (line) => log.push(line),
    ...options,
  });
  const server: Server = created.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...created,
    clock,
    url,
    log,
    async advance(ms) {
      if (!testRoute) return clock.advance(ms);
      const res = await fetch(`${url}/__test/advance?ms=${ms}`, { method: 'POST' });
      if (!res.ok) throw new Error(`advance failed: ${res.status}`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
