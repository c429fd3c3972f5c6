/**
 * HTTP tests of the admin page's channel switches (mfakit's shared settings): switching off
 * asks for a confirmation and a reason, the page shows who switched it, when and why, the
 * audit page lists it, and switching on needs no confirmation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { startSignedInAdmin } from './helpers/per-test.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ADMIN_ID, login } from './helpers/flows.js';

let app: RunningApp;
let admin: Client;

beforeEach(async () => {
  ({ app, admin } = await startSignedInAdmin());
});
afterEach(() => app.close());

describe('switching SMS off and on', () => {
  it('asks for a confirmation and a reason, shows who, when and why, lists it on the audit page; on again without asking', async () => {
    let page = await admin.get('/admin');
    expect(textOf(page.html, 'sms-state')).toBe('on');

    // The first post only asks: what it changes, and a reason.
    page = await admin.post('/admin/channels/sms', { enabled: 'off' });
    expect(page.html).toContain('<h1>Switch SMS off?</h1>');
    expect(textOf(page.html, 'confirm-consequence')).toMatch(/^No text message will be sent, by any instance of the app\./);
    expect(page.html).toMatch(/<input id="confirm-input" name="reason" type="text" required/);
    expect((await app.mfa.getSettings()).channels.sms.enabled).toBe(true);

    // Confirmed with a blank reason: asked again, nothing changes.
    page = await admin.post('/admin/channels/sms', { enabled: 'off', confirm: 'yes', reason: ' \t ' });
    expect(flashOf(page.html)).toBe('Give a reason: it is kept in the audit log with your name.');
    expect(page.html).toContain('<h1>Switch SMS off?</h1>');
    expect((await app.mfa.getSettings()).channels.sms.enabled).toBe(true);
    expect(app.audit.list()).toEqual([]);

    await app.advance(5 * 60_000);
    const offAt = app.clock.now();
    page = await admin.post('/admin/channels/sms', { enabled: 'off', confirm: 'yes', reason: 'carrier outage, ticket #88' });
    expect(page.path).toBe('/admin');
    expect(flashOf(page.html)).toBe('SMS is switched off: no text messages will be sent.');
    expect(textOf(page.html, 'sms-state')).toBe('off');
    expect(textOf(page.html, 'sms-changed')).toBe('switched off by admin, 09:05 UTC: “carrier outage, ticket #88”');
    expect(textOf(page.html, 'voice-state')).toBe('on');
    expect((await app.mfa.getSettings()).channels.sms).toEqual({ enabled: false, changedBy: ADMIN_ID, changedAt: offAt, reason: 'carrier outage, ticket #88' });
    expect(app.log).toContain(`[audit] channel sms switched off by ${ADMIN_ID}: carrier outage, ticket #88`);

    let audit = await admin.get('/admin/audit');
    expect(audit.status).toBe(200);
    expect(audit.html).toMatch(/data-action="channel.changed">\s*<td[^>]*>09:05 UTC<\/td>\s*<td>SMS switched off<\/td>\s*<td><\/td>\s*<td>admin<\/td>\s*<td[^>]*><\/td>\s*<td>carrier outage, ticket #88<\/td>/);

    // Switching on acts at once; a reason is optional.
    await app.advance(60_000);
    page = await admin.post('/admin/channels/sms', { enabled: 'on', reason: 'carrier is back' });
    expect(flashOf(page.html)).toBe('SMS is switched on.');
    expect(textOf(page.html, 'sms-state')).toBe('on');
    expect(textOf(page.html, 'sms-changed')).toBe('switched on by admin, 09:06 UTC: “carrier is back”');
    expect((await app.mfa.getSettings()).channels.sms.enabled).toBe(true);

    // Newest first.
    audit = await admin.get('/admin/audit');
    expect([...audit.html.matchAll(/<td>(SMS switched (?:on|off))<\/td>/g)].map((m) => m[1])).toEqual(['SMS switched on', 'SMS switched off']);
    expect(app.audit.list()).toEqual([
      { action: 'channel.changed', at: offAt + 60_000, channel: 'sms', enabled: true, by: ADMIN_ID, reason: 'carrier is back' },
      { action: 'channel.changed', at: offAt, channel: 'sms', enabled: false, by: ADMIN_ID, reason: 'carrier outage, ticket #88' },
    ]);
  });

  it('a switch already in place changes nothing and records nothing; an unknown switch is refused', async () => {
    await admin.get('/admin');
    let page = await admin.post('/admin/channels/sms', { enabled: 'on' });
    expect(flashOf(page.html)).toBe('SMS was already switched on: nothing changed.');
    page = await admin.post('/admin/channels/totp', { enabled: 'off', confirm: 'yes', reason: 'x' });
    expect(flashOf(page.html)).toBe('There is no such switch.');
    page = await admin.post('/admin/channels/sms', { enabled: 'maybe', confirm: 'yes', reason: 'x' });
    expect(flashOf(page.html)).toBe('There is no such switch.');
    expect((await app.mfa.getSettings()).channels.sms).toEqual({ enabled: true });
    expect((await app.mfa.getSettings()).channels.totp.enabled).toBe(true);
    expect(app.audit.list()).toEqual([]);
  });
});

describe('voice and email switches', () => {
  it('each has its own confirmation and words; with email off, alice gets her code by text message', async () => {
    await admin.get('/admin');
    let page = await admin.post('/admin/channels/voice', { enabled: 'off' });
    expect(page.html).toContain('<h1>Switch voice calls off?</h1>');
    expect(textOf(page.html, 'confirm-consequence')).toMatch(/^No voice call will be made/);
    page = await admin.post('/admin/channels/voice', { enabled: 'off', confirm: 'yes', reason: 'voice provider down' });
    expect(flashOf(page.html)).toBe('Voice calls are switched off: no calls will be made.');
    expect(textOf(page.html, 'voice-state')).toBe('off');

    page = await admin.post('/admin/channels/email', { enabled: 'off' });
    expect(page.html).toContain('<h1>Switch email off?</h1>');
    page = await admin.post('/admin/channels/email', { enabled: 'off', confirm: 'yes', reason: 'SMTP relay down' });
    expect(flashOf(page.html)).toBe('Email is switched off: no codes will be emailed.');
    expect(textOf(page.html, 'email-state')).toBe('off');
    expect(textOf(page.html, 'email-changed')).toBe('switched off by admin, 09:00 UTC: “SMTP relay down”');
    expect(textOf(page.html, 'sms-state')).toBe('on');
    const { channels } = await app.mfa.getSettings();
    expect([channels.sms.enabled, channels.voice.enabled, channels.email.enabled]).toEqual([true, false, false]);

    // Alice prefers nothing: her code goes by text message, and "try another way" offers no email.
    const alice = new Client(app.url);
    const challenge = await login(alice, 'alice');
    expect(textOf(challenge.html, 'sent-by')).toBe('by text message');
    expect(challenge.html).not.toContain('a•••@example.com');

    page = await admin.post('/admin/channels/email', { enabled: 'on' });
    expect(flashOf(page.html)).toBe('Email is switched on.');
    expect(app.audit.list().map((e) => [e.channel, e.enabled, e.reason])).toEqual([
      ['email', true, undefined],
      ['email', false, 'SMTP relay down'],
      ['voice', false, 'voice provider down'],
    ]);
  });
});
