/**
 * The password-guessing limit on `POST /login` (examples/express/login-throttle.ts): per
 * account and per IP, refused with 429 even for the right password until the window ends.
 * The limiter's window runs on `Date`, so every test fakes `Date` (only `Date`): time stands
 * still unless a test moves it, and "Try again in 1 minute" does not depend on the machine's speed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoginLimits } from '../../examples/express/login-throttle.js';
import { startApp, type RunningApp } from './helpers/app.js';
import { Client, flashOf, stable } from './helpers/client.js';
import { login } from './helpers/flows.js';

let app: RunningApp | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.UTC(2026, 0, 5, 9, 0, 0));
});
afterEach(async () => {
  vi.useRealTimers();
  await app?.close();
  app = undefined;
});

const limits = (account: number, ip: number, windowMs = 60_000): LoginLimits => ({
  perAccount: { attempts: account, windowMs },
  perIp: { attempts: ip, windowMs },
});

const wrongPassword = (c: Client, username: string) => login(c, username, 'not-the-password');

describe('password-guessing limit', () => {
  it('after N wrong passwords for one account, even the right one is refused with 429 until the window ends', async () => {
    app = await startApp({ loginLimits: limits(3, 100) });
    const c = new Client(app.url);
    for (let i = 0; i < 3; i++) expect((await wrongPassword(c, 'alice')).status).toBe(401);

    const refused = await login(c, 'alice');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(flashOf(refused.html)).toBe('Too many wrong passwords for this username. Try again in 1 minute.');
    expect(app.outbox?.list()).toHaveLength(0);
    // The same account typed differently is the same account; another account is not affected.
    expect((await login(new Client(app.url), ' ALICE ', 'alice-demo-pass')).status).toBe(429);
    expect((await login(new Client(app.url), 'bob')).path).toBe('/settings');

    vi.setSystemTime(Date.now() + 59_000);
    expect((await login(new Client(app.url), 'alice')).status).toBe(429);
    vi.setSystemTime(Date.now() + 1_000);
    expect((await login(new Client(app.url), 'alice')).path).toBe('/mfa');
  });

  it('the default limit stops the 200-guess attack: the 11th try is refused, right password or not', async () => {
    app = await startApp();
    const c = new Client(app.url);
    for (let i = 0; i < 10; i++) expect((await wrongPassword(c, 'admin')).status).toBe(401);
    expect((await wrongPassword(c, 'admin')).status).toBe(429);
    const right = await login(c, 'admin');
    expect(right.status).toBe(429);
    expect(flashOf(right.html)).toBe('Too many wrong passwords for this username. Try again in 15 minutes.');
  });

  it('an unknown username gets the same answers as a real one (no account discovery)', async () => {
    app = await startApp({ loginLimits: limits(2, 100) });
    const real = new Client(app.url);
    const ghost = new Client(app.url);
    for (let i = 0; i < 2; i++) {
      await wrongPassword(real, 'alice');
      await wrongPassword(ghost, 'nobody');
    }
    const a = await wrongPassword(real, 'alice');
    const b = await wrongPassword(ghost, 'nobody');
    expect([a.status, b.status]).toEqual([429, 429]);
    const normalise = (html: string) => stable(html).replace(/id="username"[^>]*>/, '');
    expect(normalise(a.html)).toBe(normalise(b.html));
  });

  it('per IP: wrong passwords across many accounts hit the (higher) address limit', async () => {
    app = await startApp({ loginLimits: limits(10, 4) });
    const c = new Client(app.url);
    for (const username of ['alice', 'bob', 'admin', 'nobody']) expect((await wrongPassword(c, username)).status).toBe(401);
    const refused = await login(c, 'bob');
    expect(refused.status).toBe(429);
    expect(flashOf(refused.html)).toBe('Too many wrong passwords from your network. Try again in 1 minute.');
  });

  it('a right password clears the account count; sign-ins that succeed are never counted', async () => {
    app = await startApp({ loginLimits: limits(2, 100) });
    const c = new Client(app.url);
    await wrongPassword(c, 'bob');
    expect((await login(c, 'bob')).path).toBe('/settings');
    await c.post('/logout');
    await wrongPassword(c, 'bob');
    expect((await wrongPassword(c, 'bob')).status).toBe(401); // 2nd in a row after the reset
    for (let i = 0; i < 5; i++) {
      const other = new Client(app.url);
      expect((await login(other, 'alice')).path).toBe('/mfa');
    }
  });

  it('refuses limits that make no sense', async () => {
    await expect(startApp({ loginLimits: { perAccount: { attempts: 0, windowMs: 60_000 } } })).rejects.toThrow(/perAccount\.attempts/);
    await expect(startApp({ loginLimits: { perIp: { attempts: 5, windowMs: 10 } } })).rejects.toThrow(/perIp\.windowMs/);
  });
});
