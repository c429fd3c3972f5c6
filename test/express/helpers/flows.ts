/** Steps the HTTP tests share: sign in, read the last code, finish MFA. */
import { DEMO_USERS } from '../../../examples/express/users.js';
import type { RunningApp } from './app.js';
import type { Client, Page } from './client.js';

const user = (username: string) => {
  const u = DEMO_USERS.find((d) => d.username === username);
  if (!u) throw new Error(`no demo user ${username}`);
  return u;
};

export const ALICE_PHONE = user('alice').phone ?? '';
export const ADMIN_PHONE = user('admin').phone ?? '';
export const ALICE_ID = user('alice').id;
export const BOB_ID = user('bob').id;
export const ADMIN_ID = user('admin').id;

/** Opens the sign-in page and posts the demo password. */
export async function login(c: Client, username: string, password = user(username).password): Promise<Page> {
  await c.get('/login');
  return c.post('/login', { username, password });
}

/** The last code texted to `to`. */
export function lastCode(app: RunningApp, to: string): string {
  const code = app.outbox?.list().find((m) => m.to === to)?.code;
  if (!code) throw new Error(`no code sent to ${to}`);
  return code;
}

/** A 6-digit code that is not `code`. */
export function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

/** Password, then the texted code: ends on the home page. */
export async function signIn(app: RunningApp, c: Client, username: string): Promise<Page> {
  const page = await login(c, username);
  if (page.path !== '/mfa') return page;
  return c.post('/mfa/verify', { code: lastCode(app, user(username).phone ?? '') });
}
