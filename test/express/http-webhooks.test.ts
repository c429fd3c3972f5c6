import { randomBytes } from 'node:crypto';
/**
 * HTTP tests of the STOP webhook, production mode, and `server.ts` (the `npm start` entry).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../examples/express/app.js';
import { fakeClock, outboxSender } from '../../src/testing/index.js';
import { startApp, type RunningApp } from './helpers/app.js';
import { Client } from './helpers/client.js';
import { ALICE_ID, ALICE_PHONE } from './helpers/flows.js';

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const sms = (url: string, fields: Record<string, string>, query = '') =>
  fetch(`${url}/webhooks/sms${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });

const statusOf = async (a: RunningApp) => (await a.mfa.listFactors(ALICE_ID)).factors[0]?.status;

const TOKEN = 'hook-secret';
const withToken = `?token=${TOKEN}`;

describe('POST /webhooks/sms', () => {
  it('a STOP reply makes every factor on the number invalid; anything else changes nothing', async () => {
    app = await startApp({ webhookToken: TOKEN });
    const hello = await sms(app.url, { From: ALICE_PHONE, Body: 'hello' }, withToken);
    expect(hello.status).toBe(200);
    expect(hello.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await hello.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(await statusOf(app)).toBe('active');

    const stop = await sms(app.url, { From: ALICE_PHONE, Body: '  stop ', To: '+15005550006', MessageSid: 'SM1' }, withToken);
    expect(stop.status).toBe(200);
    expect(await statusOf(app)).toBe('invalid');
    expect(app.log.some((l) => l.includes('invalidated (opt_out)'))).toBe(true);
  });

  it('answers the same for an unknown or unparsable number; refuses a missing From', async () => {
    app = await startApp({ webhookToken: TOKEN });
    expect((await sms(app.url, { From: '+14155550000', Body: 'STOP' }, withToken)).status).toBe(200);
    expect((await sms(app.url, { From: 'not a number', Body: 'UNSUBSCRIBE' }, withToken)).status).toBe(200);
    expect((await sms(app.url, { Body: 'STOP' }, withToken)).status).toBe(400);
    expect(await statusOf(app)).toBe('active');
  });

  it('needs no session or CSRF token, but does need the shared token when one is set', async () => {
    app = await startApp({ webhookToken: TOKEN });
    expect(app.webhook).toBe('token');
    expect((await sms(app.url, { From: ALICE_PHONE, Body: 'STOP' })).status).toBe(403);
    expect((await sms(app.url, { From: ALICE_PHONE, Body: 'STOP' }, '?token=wrong')).status).toBe(403);
    expect((await sms(app.url, { From: ALICE_PHONE, Body: 'STOP' }, `?token=${TOKEN}x`)).status).toBe(403);
    expect(await statusOf(app)).toBe('active');
    expect((await sms(app.url, { From: ALICE_PHONE, Body: 'STOP' }, withToken)).status).toBe(200);
    expect(await statusOf(app)).toBe('invalid');
  });

  it('without a token it refuses every call in development too: a stranger cannot knock out a number', async () => {
    app = await startApp();
    expect(app.webhook).toBe('closed');
    const res = await sms(app.url, { From: ALICE_PHONE, Body: 'STOP' });
    expect(res.status).toBe(403);
    expect((await sms(app.url, { From: ALICE_PHONE, Body: 'STOP' }, '?token=')).status).toBe(403);
    expect(await statusOf(app)).toBe('active');
  });

  it('SMS_WEBHOOK_INSECURE_NO_TOKEN=1 opens it (development only) and says so loudly; production refuses the flag', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const saved = process.env['SMS_WEBHOOK_INSECURE_NO_TOKEN'];
    process.env['SMS_WEBHOOK_INSECURE_NO_TOKEN'] = '1';
    try {
      app = await startApp();
      expect(app.webhook).toBe('insecure-open');
      expect(warn.mock.calls.flat().join('\n')).toMatch(/INSECURE: SMS_WEBHOOK_INSECURE_NO_TOKEN=1/);
      expect((await sms(app.url, { From: ALICE_PHONE, Body: 'STOP' })).status).toBe(200);
      expect(await statusOf(app)).toBe('invalid');
      await expect(
        createApp({ production: true, sender: outboxSender(), mfaSecret: randomBytes(32).toString('base64url'), sessionSecret: 's'.repeat(32) }),
      ).rejects.toThrow(/SMS_WEBHOOK_INSECURE_NO_TOKEN is refused when NODE_ENV=production/);
    } finally {
      if (saved === undefined) delete process.env['SMS_WEBHOOK_INSECURE_NO_TOKEN'];
      else process.env['SMS_WEBHOOK_INSECURE_NO_TOKEN'] = saved;
      warn.mockRestore();
    }
  });
});

describe('production mode', () => {
  const secrets = { mfaSecret: randomBytes(32).toString('base64url'), sessionSecret: 's'.repeat(32) };

  it('has no dev outbox, no demo passwords, secure cookies, and a closed webhook without a token', async () => {
    app = await startApp({ production: true, sender: outboxSender(), ...secrets }, { testRoute: false });
    const c = new Client(app.url);
    const login = await c.get('/login');
    expect(login.html).not.toContain('alice-demo-pass');
    expect(login.html).not.toContain('/dev/outbox');
    expect(login.headers.get('strict-transport-security')).toMatch(/max-age/);
    expect(login.headers.getSetCookie().join('\n')).toMatch(/__Host-mfakit\.csrf=[^\n]*Secure/);
    expect((await c.get('/dev/outbox')).status).toBe(404);
    expect((await sms(app.url, { From: ALICE_PHONE, Body: 'STOP' })).status).toBe(403);
  });

  it('refuses to start with the test clock, without a sender, or without secrets', async () => {
    await expect(createApp({ production: true, testClock: fakeClock(), sender: outboxSender(), ...secrets })).rejects.toThrow(/never available in production/);
    await expect(createApp({ production: true, ...secrets })).rejects.toThrow(/No SMS sender/);
    const saved = { ...process.env };
    delete process.env['MFA_SECRET'];
    try {
      await expect(createApp({ production: true, sender: outboxSender() })).rejects.toThrow(/MFA_SECRET must be set/);
    } finally {
      process.env = saved;
    }
  });
});

describe('server.ts', () => {
  it('starts on PORT, prints the demo users, serves /login, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/express/server.ts'], {
      env: { ...process.env, PORT: '0', NODE_ENV: 'development', REDIS_URL: '', MFAKIT_TEST_CLOCK: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start-up line:\n${out}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+) \(memory stores\)/.exec(out);
        if (m?.[1] && out.includes('/dev/outbox')) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    try {
      expect(out).toMatch(/admin\s+\/ admin-demo-pass\s+admin/);
      expect(out).toMatch(/alice\s+\/ alice-demo-pass/);
      expect(out).toMatch(/bob\s+\/ bob-demo-pass/);
      expect(out).toContain('SMS webhook: closed (every request refused) until SMS_WEBHOOK_TOKEN is set.');
      const res = await fetch(`${url}/login`);
      expect(res.status).toBe(200);
      expect((await fetch(`${url}/__test/advance?ms=1`, { method: 'POST' })).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    }
  });
});
