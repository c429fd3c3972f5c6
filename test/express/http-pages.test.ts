/**
 * Pages that must not contradict themselves (issue 10, item 15): the code page after an
 * enrollment send, with SMS off, the attempts left; the settings messages (which number);
 * and the confirmation step before removing a number or switching SMS off.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { freshAppPerTest } from './helpers/per-test.js';
import { Client, decode, flashOf, textOf } from './helpers/client.js';
import { ADMIN_ID, ADMIN_PHONE, ALICE_ID, ALICE_PHONE, lastCode, login, signIn, wrongCode } from './helpers/flows.js';

const t = freshAppPerTest();
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

const CA = '+16045550199';
/** The visible text of a page (tags and the CSS dropped). */
const visibleText = (html: string) => decode(html.replace(/<style[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

/** Alice, signed in on `c`, adds the Canadian number (an enrollment code goes out). */
async function aliceAddsSecondNumber(): Promise<void> {
  await signIn(app, c, 'alice');
  await app.advance(30_000);
  await c.get('/settings');
  expect((await c.post('/settings/phone', { phone: '(604) 555-0199', country: 'CA' })).path).toBe('/settings/confirm');
}

describe('the code page says one thing at a time', () => {
  it('after an enrollment send, sign-in never says "on its way" next to "there is no active code"', async () => {
    await aliceAddsSecondNumber();
    const other = new Client(app.url);
    const page = await login(other, 'alice');
    expect(page.path).toBe('/mfa');
    const onItsWay = /on its way/.test(flashOf(page.html) ?? '');
    const liveCode = page.html.includes('id="masked-to"');
    expect(onItsWay && !liveCode).toBe(false);
    if (!liveCode) {
      expect(textOf(page.html, 'no-code')).toBe('There is no active code. You can request a new one when the countdown on the button below ends.');
      // Posting the (disabled) button anyway, as a page without JavaScript could: still no contradiction.
      const again = await other.post('/mfa/resend');
      expect(flashOf(again.html)).toBeUndefined();
      expect(again.html).toContain('id="no-code"');
    }
    // And there is a way forward: after the cooldown a sign-in code comes, and it works.
    await app.advance(30_000);
    if (!liveCode) expect(flashOf((await other.post('/mfa/resend')).html)).toBe('We sent a new code by text message to +1 ••• ••• 0147.');
    expect((await other.post('/mfa/verify', { code: lastCode(app, ALICE_PHONE) })).path).toBe('/');
  });

  it('SMS switched off: "no other way to get a code" comes without a button to send one', async () => {
    await app.mfa.setChannelEnabled('sms', false);
    const page = await login(c, 'admin'); // numbers for text messages only
    expect(textOf(page.html, 'cannot-send')).toMatch(/^Text messages are switched off right now .* no other way to receive a code/);
    expect(page.html).not.toContain('Send a new code');
    expect(page.html).not.toContain('id="resend"');
    expect(visibleText(page.html).match(/switched off/g)).toHaveLength(1);
    // A code sent before the switch can still be entered; no resend is offered meanwhile.
    await app.mfa.setChannelEnabled('sms', true);
    await app.advance(30_000);
    await c.post('/mfa/resend');
    await app.mfa.setChannelEnabled('sms', false);
    const withCode = await c.get('/mfa');
    expect(withCode.html).toContain('id="code"');
    expect(withCode.html).not.toContain('id="resend"');
    expect(textOf(withCode.html, 'cannot-send')).toMatch(/switched off/);
    expect((await c.post('/mfa/verify', { code: lastCode(app, ADMIN_PHONE) })).path).toBe('/');
  });

  it('"N attempts left" appears once on the page after a wrong code', async () => {
    await login(c, 'alice');
    const code = lastCode(app, ALICE_PHONE);
    for (const left of [3, 2, 1]) {
      const page = await c.post('/mfa/verify', { code: wrongCode(code) });
      const text = visibleText(page.html);
      expect(text.match(/attempts? left/g), text).toHaveLength(1);
      expect(textOf(page.html, 'attempts-left')).toBe(`${left} attempt${left === 1 ? '' : 's'} left with this code.`);
    }
  });
});

describe('settings messages name the number', () => {
  it('confirming a second number says sign-in codes still go to the first; "Make preferred" names the number', async () => {
    await aliceAddsSecondNumber();
    let page = await c.post('/settings/confirm', { code: lastCode(app, CA) });
    expect(flashOf(page.html)).toBe(
      'Your number +1 ••• ••• 0199 is confirmed. Sign-in codes still go to +1 ••• ••• 0147 first; choose “Make preferred” to use the new number instead.',
    );
    const added = (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.maskedPhone === '+1 ••• ••• 0199');
    page = await c.post(`/settings/factors/${added?.id}/preferred`);
    expect(flashOf(page.html)).toBe('Sign-in codes will now go to +1 ••• ••• 0199 first.');
    // The message told the truth: the next sign-in texts the number it named.
    await c.post('/logout');
    await app.advance(30_000);
    expect(textOf((await login(c, 'alice')).html, 'masked-to')).toBe('+1 ••• ••• 0199');
  });
});

describe('confirmation before acts that are hard to undo', () => {
  it('removing a number asks first (a page, no JavaScript needed); only the confirmed post removes it', async () => {
    await signIn(app, c, 'alice');
    await c.get('/settings');
    const ask = await c.post('/settings/factors/f_demo_alice/remove');
    expect(ask.status).toBe(200);
    expect(ask.html).toContain('<h1>Remove +1 ••• ••• 0147?</h1>');
    expect(textOf(ask.html, 'confirm-consequence')).toBe('Sign-in codes will then go to a•••@example.com. To use this number again you will have to add and confirm it again.');
    expect(ask.html).toMatch(/<form method="post" action="\/settings\/factors\/f_demo_alice\/remove"[\s\S]*?name="confirm" value="yes"/);
    expect(ask.html).toContain('href="/settings"');
    expect((await app.mfa.listFactors(ALICE_ID)).factors).toHaveLength(2);

    const done = await c.post('/settings/factors/f_demo_alice/remove', { confirm: 'yes' });
    expect(flashOf(done.html)).toBe('The number was removed.');
    expect((await app.mfa.listFactors(ALICE_ID)).factors.map((f) => f.channel)).toEqual(['email']);

    // Her last factor: removing it leaves the password alone, and the page says so.
    const last = await c.post('/settings/factors/f_demo_alice_email/remove');
    expect(last.html).toContain('<h1>Remove a•••@example.com?</h1>');
    expect(textOf(last.html, 'confirm-consequence')).toMatch(/^It is your only email address: sign-in will no longer ask for a code/);
  });

  it('removing the number sign-in uses, with two other ways, names both; after the removal, says mfakit\'s choice', async () => {
    await aliceAddsSecondNumber();
    await c.post('/settings/confirm', { code: lastCode(app, CA) });
    const ask = await c.post('/settings/factors/f_demo_alice/remove');
    expect(textOf(ask.html, 'confirm-consequence')).toMatch(/^Sign-in will then use one of your other ways: (a•••@example\.com or \+1 ••• ••• 0199|\+1 ••• ••• 0199 or a•••@example\.com)\./);
    const done = await c.post('/settings/factors/f_demo_alice/remove', { confirm: 'yes' });
    const next = (await app.mfa.getStatus(ALICE_ID)).signInFactorId;
    expect(next).toBeDefined();
    const masked = (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.id === next);
    expect(flashOf(done.html)).toBe(`The number was removed. Sign-in codes now go to ${masked?.maskedPhone ?? masked?.maskedEmail ?? ''}.`);
  });

  it('removing a number that is not the one sign-in uses: codes still go to that one', async () => {
    await aliceAddsSecondNumber();
    await c.post('/settings/confirm', { code: lastCode(app, CA) });
    const ask = await c.post('/settings/factors/f_demo_alice_email/remove');
    expect(textOf(ask.html, 'confirm-consequence')).toBe('Sign-in codes will then go to +1 ••• ••• 0147. To use this email address again you will have to add and confirm it again.');
  });

  it('switching SMS off asks first; switching it on does not', async () => {
    await signIn(app, c, 'admin');
    await c.get('/admin');
    const ask = await c.post('/admin/channels/sms', { enabled: 'off' });
    expect(ask.html).toContain('<h1>Switch SMS off?</h1>');
    expect(textOf(ask.html, 'confirm-consequence')).toMatch(/cannot complete sign-in until SMS is switched back on/);
    expect(ask.html).toContain('name="enabled" value="off"');
    expect((await app.mfa.getSettings()).channels.sms.enabled).toBe(true);

    const off = await c.post('/admin/channels/sms', { enabled: 'off', confirm: 'yes', reason: 'carrier outage' });
    expect(flashOf(off.html)).toBe('SMS is switched off: no text messages will be sent.');
    expect((await app.mfa.getSettings()).channels.sms.enabled).toBe(false);
    const on = await c.post('/admin/channels/sms', { enabled: 'on' });
    expect(flashOf(on.html)).toBe('SMS is switched on.');
    expect((await app.mfa.getSettings()).channels.sms.enabled).toBe(true);
  });
});
