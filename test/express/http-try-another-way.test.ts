/**
 * HTTP tests of the code page with several factors: "try another way" sends a code to the
 * factor the user picks, and that code signs in; with SMS switched off (admin page), Alice's
 * sign-in goes to her email address end to end.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { freshAppPerTest } from './helpers/per-test.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ALICE_ID, ALICE_PHONE, lastCode, login, signIn } from './helpers/flows.js';

const t = freshAppPerTest({ noCodeLeaks: true });
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

const ALICE_EMAIL = 'alice@example.com';
const EMAIL_FACTOR = 'f_demo_alice_email';
const SMS_FACTOR = 'f_demo_alice';

/** The "try another way" buttons of a code page: factor id, channel and label. */
function otherWays(html: string): { factorId: string; channel: string; label: string }[] {
  const section = /<section id="other-ways">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
  return [...section.matchAll(/<button[^>]*data-factor="([^"]+)" data-channel="(\w+)"[^>]*>([\s\S]*?)<span/g)].map((m) => ({
    factorId: m[1] ?? '',
    channel: m[2] ?? '',
    label: (m[3] ?? '').replace(/\s+/g, ' ').trim(),
  }));
}

describe('try another way', () => {
  it('offers the other usable factors, sends a code to the one picked, and that code signs in', async () => {
    let page = await login(c, 'alice');
    expect(textOf(page.html, 'sent-by')).toBe('by text message');
    expect(textOf(page.html, 'masked-to')).toBe('+1 ••• ••• 0147');
    expect(otherWays(page.html)).toEqual([{ factorId: EMAIL_FACTOR, channel: 'email', label: 'Send a code by email to a•••@example.com' }]);
    // Same cooldown as "Resend": the button waits for it.
    expect(page.html).toMatch(/data-factor="f_demo_alice_email"[^>]*disabled[^>]*data-cooldown-ms="30000"/);
    const textCode = lastCode(app, ALICE_PHONE);

    await app.advance(30_000);
    page = await c.get('/mfa');
    page = await c.post('/mfa/send', { factorId: EMAIL_FACTOR });
    expect(page.path).toBe('/mfa');
    expect(flashOf(page.html)).toBe('We sent a code by email to a•••@example.com.');
    expect(textOf(page.html, 'sent-by')).toBe('by email');
    expect(textOf(page.html, 'masked-to')).toBe('a•••@example.com');
    expect(app.outbox?.list()[0]).toMatchObject({ channel: 'email', to: ALICE_EMAIL, purpose: 'sign_in' });
    // Now the number is the other way.
    expect(otherWays(page.html).map((w) => w.label)).toEqual(['Send a code by text message to +1 ••• ••• 0147']);

    const emailCode = lastCode(app, ALICE_EMAIL);
    if (emailCode !== textCode) {
      // The texted code was replaced: it no longer signs in.
      expect((await c.post('/mfa/verify', { code: textCode })).path).toBe('/mfa');
    }
    page = await c.post('/mfa/verify', { code: emailCode });
    expect(page.path).toBe('/');
    const home = await c.get('/');
    expect(textOf(home.html, 'codes-go-to')).toBe('Sign-in codes go by email to a•••@example.com'); // the last used one
    expect(home.html).toContain('(2 ways on file)');
  });

  it('lists only usable factors: none with SMS off and only a number left', async () => {
    await app.mfa.setChannelEnabled('sms', false);
    const page = await login(c, 'alice');
    expect(textOf(page.html, 'sent-by')).toBe('by email');
    expect(page.html).not.toContain('id="other-ways"');
  });

  it('a factor that is not the user\'s is refused', async () => {
    await login(c, 'alice');
    await app.advance(30_000);
    await c.get('/mfa');
    const page = await c.post('/mfa/send', { factorId: 'f_demo_admin' });
    expect(flashOf(page.html)).toBe('That number or email address is no longer on the account.');
    expect(app.outbox?.list()).toHaveLength(1);
  });

  it('picking another way before the cooldown ends says when it can', async () => {
    await login(c, 'alice');
    const page = await c.post('/mfa/send', { factorId: EMAIL_FACTOR });
    expect(flashOf(page.html)).toBe('A code was sent less than 30 seconds ago: a code can be sent another way in 30 seconds.');
    expect(textOf(page.html, 'switch-wait')).toBe('A code was sent less than 30 seconds ago, so a code can be sent another way only when the countdown on its button ends (in 30 s).');
    expect(app.outbox?.list()).toHaveLength(1);
  });
});

describe('SMS switched off', () => {
  it('alice signs in with the code sent to her email address, end to end', async () => {
    const admin = new Client(app.url);
    await signIn(app, admin, 'admin');
    await admin.get('/admin');
    await admin.post('/admin/channels/sms', { enabled: 'off' });
    const off = await admin.post('/admin/channels/sms', { enabled: 'off', confirm: 'yes', reason: 'carrier outage' });
    expect(textOf(off.html, 'sms-state')).toBe('off');
    const sent = app.outbox?.list().length ?? 0;

    let page = await login(c, 'alice');
    expect(page.path).toBe('/mfa');
    expect(flashOf(page.html)).toBeUndefined();
    expect(page.html).not.toContain('id="cannot-send"');
    expect(textOf(page.html, 'sent-by')).toBe('by email');
    expect(textOf(page.html, 'masked-to')).toBe('a•••@example.com');
    const list = app.outbox?.list() ?? [];
    expect(list).toHaveLength(sent + 1);
    expect(list[0]).toMatchObject({ channel: 'email', to: ALICE_EMAIL, purpose: 'sign_in' });

    page = await c.post('/mfa/verify', { code: lastCode(app, ALICE_EMAIL) });
    expect(page.path).toBe('/');
    expect(textOf(page.html, 'welcome')).toBe('Welcome, Alice Example');
    const status = await app.mfa.getStatus(ALICE_ID);
    expect(status.factors.find((f) => f.id === EMAIL_FACTOR)?.lastUsedAt).toBeDefined();
    expect(status.factors.find((f) => f.id === SMS_FACTOR)?.lastUsedAt).toBeUndefined();
  });

  it('a code texted before the switch: "Send a new code" goes to email instead', async () => {
    await login(c, 'alice');
    await app.mfa.setChannelEnabled('sms', false);
    await app.advance(30_000);
    const page = await c.post('/mfa/resend');
    expect(flashOf(page.html)).toBe('We sent a new code by email to a•••@example.com.');
    expect((await c.post('/mfa/verify', { code: lastCode(app, ALICE_EMAIL) })).path).toBe('/');
  });
});
