/**
 * HTTP tests of the email and voice factors in the example app: enrolling an email address
 * (a bad one refused, the code by email, confirmed, listed masked), a number for voice calls
 * (the dev outbox shows the spoken digits), and what the dev outbox shows for each channel.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { freshAppPerTest } from './helpers/per-test.js';
import { Client, decode, flashOf, textOf } from './helpers/client.js';
import { BOB_ID, lastCode, login, wrongCode } from './helpers/flows.js';

const t = freshAppPerTest({ noCodeLeaks: true });
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

const JP = '+819012345678';

describe('enroll an email address', () => {
  it('refuses an address that is not one, keeping what was typed, and sends nothing', async () => {
    await login(c, 'bob');
    for (const email of ['bob', 'bob@', 'bob@@example.com', 'bob example@example.com', `${'b'.repeat(250)}@example.com`]) {
      const page = await c.post('/settings/email', { email });
      expect(page.status, email).toBe(422);
      expect(flashOf(page.html), email).toBe('That does not look like an email address.');
      expect(decode(page.html), email).toContain(`value="${email}"`);
    }
    expect(app.outbox?.list()).toHaveLength(0);
    expect((await app.mfa.listFactors(BOB_ID)).factors).toHaveLength(0);
  });

  it('emails a code, confirms it, and lists the address masked, as an email factor', async () => {
    await login(c, 'bob');
    const settings = await c.get('/settings');
    expect(settings.html).toContain('id="add-email"');
    let page = await c.post('/settings/email', { email: ' Bob.Example@Example.COM ' });
    expect(page.path).toBe('/settings/confirm');
    expect(flashOf(page.html)).toBe('We sent a code by email to B•••@example.com.');
    expect(textOf(page.html, 'masked-to')).toBe('B•••@example.com');
    expect(textOf(page.html, 'sent-by')).toBe('by email');
    expect(page.html).toContain('<h1>Confirm your email address</h1>');

    const to = 'Bob.Example@example.com'; // trimmed, domain in lower case
    const mail = app.outbox?.list()[0];
    expect(mail).toMatchObject({ channel: 'email', to, purpose: 'enroll' });
    expect(mail?.subject).toBeTruthy();
    expect(mail?.subject).not.toContain(mail?.code ?? '-');

    page = await c.post('/settings/confirm', { code: wrongCode(lastCode(app, to)) });
    expect(flashOf(page.html)).toBe('That code is not right. You have 3 attempts left with this code.');
    page = await c.post('/settings/confirm', { code: lastCode(app, to) });
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toBe('Your email address B•••@example.com is confirmed. Sign-in will now ask for a code sent to it.');
    const row = /<tr data-factor="[^"]+" data-channel="email">([\s\S]*?)<\/tr>/.exec(page.html)?.[1] ?? '';
    expect(row).toContain('B•••@example.com');
    expect(row).toContain('<td>Email</td>');
    expect(row).toContain('active');
    expect(page.html).not.toContain('Bob.Example@');
    expect((await app.mfa.requiresMfa(BOB_ID)).required).toBe(true);

    // His next sign-in sends the code there.
    const next = new Client(app.url);
    const challenge = await login(next, 'bob');
    expect(textOf(challenge.html, 'sent-by')).toBe('by email');
    expect(textOf(challenge.html, 'masked-to')).toBe('B•••@example.com');
    expect((await next.post('/mfa/verify', { code: lastCode(app, to) })).path).toBe('/');
  });
});

describe('enroll a number for voice calls', () => {
  it('calls with the code: the dev outbox shows the spoken digits and the code apart', async () => {
    await login(c, 'bob');
    expect((await c.get('/settings')).html).toContain('id="channel-voice"');
    let page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP', channel: 'voice' });
    expect(page.path).toBe('/settings/confirm');
    expect(flashOf(page.html)).toBe('We sent a code by voice call to +81 •• •••• 5678.');
    expect(textOf(page.html, 'sent-by')).toBe('by voice call');

    const call = app.outbox?.list()[0];
    expect(call).toMatchObject({ channel: 'voice', to: JP, purpose: 'enroll' });
    const code = lastCode(app, JP);
    const spoken = code.split('').join(', ');
    expect(call?.body).toContain(spoken);

    const outbox = await new Client(app.url).get('/dev/outbox');
    const row = /<tr class="message" data-channel="voice"[\s\S]*?<\/tr>/.exec(outbox.html)?.[0] ?? '';
    expect(row).toContain('Voice call');
    expect(row).toContain('+81 •• •••• 5678');
    expect(row).toContain(`data-code>${code}</code>`);
    expect(row).toContain(spoken);

    page = await c.post('/settings/confirm', { code });
    expect(flashOf(page.html)).toBe('Your number +81 •• •••• 5678 (voice call) is confirmed. Sign-in will now ask for a code sent to it.');
    expect(/<tr data-factor="[^"]+" data-channel="voice">[\s\S]*?<td>Voice call<\/td>/.test(page.html)).toBe(true);

    const next = new Client(app.url);
    expect(textOf((await login(next, 'bob')).html, 'sent-by')).toBe('by voice call');
  });

  it('text message stays the default for a number', async () => {
    await login(c, 'bob');
    await c.get('/settings');
    await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(app.outbox?.list()[0]).toMatchObject({ channel: 'sms', to: JP });
  });
});

describe('the dev outbox', () => {
  it('lists every channel, newest first, with the email subject and text', async () => {
    await login(c, 'bob');
    await c.get('/settings');
    await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    await app.advance(30_000);
    await c.get('/settings');
    await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP', channel: 'voice' });
    await app.advance(30_000);
    await c.get('/settings');
    await c.post('/settings/email', { email: 'bob@example.com' });

    expect(app.outbox?.list().map((m) => m.channel)).toEqual(['email', 'voice', 'sms']);
    const page = await new Client(app.url).get('/dev/outbox');
    expect([...page.html.matchAll(/<tr class="message" data-channel="(\w+)"/g)].map((m) => m[1])).toEqual(['email', 'voice', 'sms']);
    const mail = app.outbox?.list()[0];
    expect(decode(page.html)).toContain(`<span data-subject>${mail?.subject ?? '?'}</span>`);
    expect(page.html).toContain(`data-code>${lastCode(app, 'bob@example.com')}</code>`);
    expect(page.html).toContain('b•••@example.com');
    for (const kind of ['Text message', 'Voice call', 'Email']) expect(page.html).toContain(`<td class="nowrap">${kind}</td>`);
  });
});
