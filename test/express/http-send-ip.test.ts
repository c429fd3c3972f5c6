/**
 * HTTP tests of the client IP the routes pass to mfakit (`{ ip: req.ip }`): two users signing
 * in from one address share its send budget (`sending.perIp`), and the refusal is a sentence
 * that says so; the deployment's spend ceiling (`sending.globalCap`) has its own. The demo
 * users' numbers differ in their first digits, so no per-prefix budget is involved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { failureMessage } from '../../examples/express/views/messages.js';
import { startApp, type RunningApp } from './helpers/app.js';
import { Client, flashOf } from './helpers/client.js';
import { ADMIN_PHONE, ALICE_PHONE, login } from './helpers/flows.js';

let app: RunningApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the client IP counts against mfakit send budgets', () => {
  it('two users from one address past sending.perIp: the second is refused with the network sentence', async () => {
    app = await startApp({ sending: { perIp: 1 } });
    const ac = new Client(app.url);
    const alice = await login(ac, 'alice');
    expect(alice.path).toBe('/mfa');
    expect(app.outbox?.list().map((m) => m.to)).toEqual([ALICE_PHONE]);

    const admin = await login(new Client(app.url), 'admin');
    expect(admin.path).toBe('/mfa');
    expect(flashOf(admin.html)).toBe('Too many codes were requested from your network recently. Try again in 60 minutes.');
    expect(app.outbox?.list().some((m) => m.to === ADMIN_PHONE)).toBe(false);
    expect(app.log.some((l) => l.includes('delivery to') && l.includes('(ip_limit)'))).toBe(true);

    // Alice's "Resend" and "Try another way" (her email) after the cooldown: the same budget.
    await app.advance(30_000);
    let page = await ac.post('/mfa/resend');
    expect(flashOf(page.html)).toBe('Too many codes were requested from your network recently. Try again in 60 minutes.');
    const email = /name="factorId" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    page = await ac.post('/mfa/send', { factorId: email });
    expect(flashOf(page.html)).toBe('Too many codes were requested from your network recently. Try again in 60 minutes.');
    expect(app.outbox?.list()).toHaveLength(1);
  });

  it('the same two sign-ins with the default budget both get their code', async () => {
    app = await startApp();
    expect((await login(new Client(app.url), 'alice')).path).toBe('/mfa');
    const admin = await login(new Client(app.url), 'admin');
    expect(flashOf(admin.html)).toBeUndefined();
    expect(app.outbox?.list().map((m) => m.to).sort()).toEqual([ALICE_PHONE, ADMIN_PHONE].sort());
  });

  it('enrollment (email, number) and its resend pass the address too', async () => {
    app = await startApp({ sending: { perIp: 1 } });
    const c = new Client(app.url);
    await login(c, 'bob'); // no factor: let in, nothing sent
    await c.get('/settings');
    let page = await c.post('/settings/email', { email: 'bob@example.com' });
    expect(page.path).toBe('/settings/confirm'); // the address's one send
    await app.advance(30_000); // past the cooldown: only the IP budget can refuse now
    page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(page.status).toBe(422);
    expect(flashOf(page.html)).toBe('Too many codes were requested from your network recently. Try again in 60 minutes.');
    page = await c.post('/settings/confirm/resend');
    expect(flashOf(page.html)).toBe('Too many codes were requested from your network recently. Try again in 60 minutes.');
    expect(app.outbox?.list()).toHaveLength(1);
  });

  it('past sending.globalCap: the spend ceiling sentence', async () => {
    app = await startApp({ sending: { globalCap: 1 } });
    await login(new Client(app.url), 'alice');
    const admin = await login(new Client(app.url), 'admin');
    expect(flashOf(admin.html)).toMatch(/^We are sending too many codes right now\. Try again in \d+ minutes\.$/);
  });

  it('every budget has its sentence', () => {
    const now = 0;
    const msg = (scope: 'user' | 'destination' | 'prefix' | 'ip' | 'global') => failureMessage({ ok: false, error: 'send_limit_reached', scope, retryAfterMs: 120_000 }, now);
    expect(msg('user')).toBe('Too many codes were sent recently. Try again in 2 minutes.');
    expect(msg('destination')).toBe('Too many codes were sent recently. Try again in 2 minutes.');
    expect(msg('prefix')).toBe('Too many codes were sent to numbers like this one recently. Try again in 2 minutes.');
    expect(msg('ip')).toBe('Too many codes were requested from your network recently. Try again in 2 minutes.');
    expect(msg('global')).toBe('We are sending too many codes right now. Try again in 2 minutes.');
    expect(failureMessage({ ok: false, error: 'send_refused' }, now)).toBe('We cannot send a code right now. Try another way to sign in, or contact support.');
    expect(failureMessage({ ok: false, error: 'destination_in_use' }, now)).toBe('That number or email address is already used by another account. Enter another one.');
  });
});
