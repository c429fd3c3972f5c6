/** HTTP tests of the security settings: enroll, confirm, resend, preferred, remove, change number. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { freshAppPerTest } from './helpers/per-test.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ALICE_ID, ALICE_PHONE, BOB_ID, lastCode, login, signIn, wrongCode } from './helpers/flows.js';

const t = freshAppPerTest();
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

const JP = '+819012345678';

describe('settings', () => {
  it('GET /settings needs a signed-in user', async () => {
    expect((await c.get('/settings', { follow: false })).headers.get('location')).toBe('/login');
    expect((await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' })).status).toBe(403); // no CSRF token yet
    await c.get('/login');
    expect((await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' })).path).toBe('/login');
  });

  it('refuses numbers it cannot use, keeping what was typed', async () => {
    await login(c, 'bob');
    const cases: [string, string, string][] = [
      ['12', 'US', 'That does not look like a phone number. Check the number and the country.'],
      ['+61 2 9374 4000', 'AU', 'That number cannot receive text messages. Enter a mobile number.'],
      ['+44 7400 123456', 'US', 'We can only send codes to numbers in United States, Canada, Australia, Japan.'],
      ['(800) 555-0100', 'US', 'That number cannot receive text messages. Enter a mobile number.'],
    ];
    for (const [phone, country, message] of cases) {
      const page = await c.post('/settings/phone', { phone, country });
      expect(page.status, phone).toBe(422);
      expect(flashOf(page.html), phone).toBe(message);
      expect(page.html).toContain(`value="${phone}"`);
      expect(page.html).toContain(`<option value="${country}" selected>`);
    }
    // An unknown country value falls back to the default (US).
    const page = await c.post('/settings/phone', { phone: '0412 345 678', country: 'XX' });
    expect(flashOf(page.html)).toMatch(/does not look like a phone number/);
    expect(app.outbox?.list()).toHaveLength(0);
  });

  it('enrolls a number: code, wrong code, malformed, resend after the cooldown, confirm', async () => {
    await login(c, 'bob');
    let page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(page.path).toBe('/settings/confirm');
    expect(flashOf(page.html)).toBe('We sent a code by text message to +81 •• •••• 5678.');
    expect(textOf(page.html, 'masked-to')).toBe('+81 •• •••• 5678');
    expect(page.html).toContain('autocomplete="one-time-code"');
    expect(page.html).toMatch(/id="resend"[^>]*disabled[^>]*data-cooldown-ms="30000"/);
    expect(app.outbox?.list()[0]).toMatchObject({ to: JP, purpose: 'enroll' });

    const first = lastCode(app, JP);
    page = await c.post('/settings/confirm', { code: wrongCode(first) });
    expect(flashOf(page.html)).toBe('That code is not right. You have 3 attempts left with this code.');
    page = await c.post('/settings/confirm', { code: 'abc' });
    expect(flashOf(page.html)).toBe('Enter the 6-digit code we sent you.');
    page = await c.post('/settings/confirm/resend');
    expect(flashOf(page.html)).toBe('A code is already on its way. You can request another in 30 seconds.');
    await app.advance(30_000);
    page = await c.post('/settings/confirm/resend');
    expect(flashOf(page.html)).toBe('We sent a new code by text message to +81 •• •••• 5678.');

    // The settings page lists the pending number with a link back here.
    const settings = await c.get('/settings');
    expect(settings.html).toContain('waiting for code');
    expect(settings.html).toContain('href="/settings/confirm"');

    await c.get('/settings/confirm');
    page = await c.post('/settings/confirm', { code: lastCode(app, JP) });
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toBe('Your number +81 •• •••• 5678 is confirmed. Sign-in will now ask for a code sent to it.');
    expect(page.html).not.toContain('id="enroll-banner"');
    expect((await app.mfa.requiresMfa(BOB_ID)).required).toBe(true);
    // Nothing pending any more.
    expect((await c.get('/settings/confirm')).path).toBe('/settings');
  });

  it('an enrollment code that expired can be resent; one that is gone sends the user back', async () => {
    await login(c, 'bob');
    await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    await app.advance(10 * 60_000);
    let page = await c.get('/settings/confirm');
    expect(page.html).toContain('id="no-code"');
    page = await c.post('/settings/confirm', { code: lastCode(app, JP) });
    expect(flashOf(page.html)).toBe('That code has expired. Request a new code.');
    page = await c.post('/settings/confirm/resend');
    expect(flashOf(page.html)).toMatch(/We sent a new code/);

    // A user with no code at all (the state expired): resend has nothing to resend.
    const other = new Client(app.url);
    await signIn(app, other, 'alice');
    await app.mfa.enrollSms(ALICE_ID, '+1 604 555 0199');
    await app.mfa.removeFactor(ALICE_ID, (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.status === 'pending')?.id ?? '');
    page = await other.post('/settings/confirm/resend');
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toMatch(/This code can no longer be used|enrollment has expired/);
  });

  it('a confirmed second number can be preferred, and the old one removed (= change number)', async () => {
    await signIn(app, c, 'alice');
    await app.advance(30_000);
    await c.get('/settings');
    await c.post('/settings/phone', { phone: '(604) 555-0199', country: 'CA' });
    let page = await c.post('/settings/confirm', { code: lastCode(app, '+16045550199') });
    const { factors } = await app.mfa.listFactors(ALICE_ID);
    const added = factors.find((f) => f.maskedPhone === '+1 ••• ••• 0199');
    expect(added?.status).toBe('active');
    expect(page.html).toContain(`action="/settings/factors/${added?.id}/preferred"`);

    page = await c.post(`/settings/factors/${added?.id}/preferred`);
    expect(flashOf(page.html)).toBe('Sign-in codes will now go to +1 ••• ••• 0199 first.');
    expect(page.html).toMatch(new RegExp(`data-factor="${added?.id}"[\\s\\S]*?badge preferred`));

    page = await c.post('/settings/factors/f_demo_alice/remove');
    page = await c.post('/settings/factors/f_demo_alice/remove', { confirm: 'yes' });
    expect(flashOf(page.html)).toBe('The number was removed.');
    expect(page.html).not.toContain('+1 ••• ••• 0147');

    // The next sign-in texts the new number.
    await c.post('/logout');
    await app.advance(30_000);
    page = await login(c, 'alice');
    expect(textOf(page.html, 'masked-to')).toBe('+1 ••• ••• 0199');
  });

  it('refuses unknown and unusable factors', async () => {
    await signIn(app, c, 'alice');
    let page = await c.post('/settings/factors/f_nope/preferred');
    expect(flashOf(page.html)).toBe('That number or email address is no longer on the account.');
    page = await c.post('/settings/factors/f_nope/remove', { confirm: 'yes' });
    expect(flashOf(page.html)).toBe('That number or email address is no longer on the account.');
    await app.mfa.handleOptOut(ALICE_PHONE);
    page = await c.post('/settings/factors/f_demo_alice/preferred');
    expect(flashOf(page.html)).toBe('That number replied STOP to our messages, so we can no longer text it. Add another number.');
    expect(page.html).toContain('unusable (replied STOP)');
  });

  it('a factor id mfakit refuses as an argument is a 400, not a crash', async () => {
    await signIn(app, c, 'alice');
    await c.get('/settings');
    const page = await c.post('/settings/factors/%01/remove', { confirm: 'yes' });
    expect(page.status).toBe(400);
    expect(textOf(page.html, 'error-message')).toBe('The request was not valid.');
  });
});
