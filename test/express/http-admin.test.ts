/** HTTP tests of the admin page: access, SMS switch and sign-in, unlock, exception list (and their audit entries). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { startSignedInAdmin } from './helpers/per-test.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ADMIN_ID, ALICE_ID, ALICE_PHONE, BOB_ID, lastCode, login, wrongCode } from './helpers/flows.js';

let app: RunningApp;
let admin: Client;

beforeEach(async () => {
  ({ app, admin } = await startSignedInAdmin());
});
afterEach(() => app.close());

describe('admin access', () => {
  it('anonymous visitors go to /login; users get 403', async () => {
    const anon = new Client(app.url);
    expect((await anon.get('/admin', { follow: false })).headers.get('location')).toBe('/login');
    const bob = new Client(app.url);
    await login(bob, 'bob');
    const page = await bob.get('/admin');
    expect(page.status).toBe(403);
    expect(textOf(page.html, 'error-message')).toBe('This page is for administrators only.');
    expect((await bob.post('/admin/channels/sms', { enabled: 'off', confirm: 'yes', reason: 'x' })).status).toBe(403);
    expect((await app.mfa.getSettings()).channels.sms.enabled).toBe(true);
  });

  it('GET /admin shows the switch, the users and the (empty) exception list', async () => {
    const page = await admin.get('/admin');
    expect(page.status).toBe(200);
    for (const channel of ['sms', 'voice', 'email']) expect(textOf(page.html, `${channel}-state`)).toBe('on');
    expect(textOf(page.html, 'sms-changed')).toBe('never switched (on by default)');
    expect(page.html).toContain('data-user="alice"');
    expect(textOf(page.html, 'no-exceptions')).toBe('Nobody is on the list.');
  });
});

describe('SMS channel switch', () => {
  it('switches SMS off (sign-in then explains) and back on', async () => {
    await admin.get('/admin');
    let page = await admin.post('/admin/channels/sms', { enabled: 'off' });
    page = await admin.post('/admin/channels/sms', { enabled: 'off', confirm: 'yes', reason: 'carrier outage' });
    expect(flashOf(page.html)).toBe('SMS is switched off: no text messages will be sent.');
    expect(textOf(page.html, 'sms-state')).toBe('off');
    expect(page.html).toContain('SMS is switched off.');
    expect((await app.mfa.getSettings()).channels.sms.enabled).toBe(false);

    // Alice has an email address too: her code goes there. The admin has numbers only.
    const alice = new Client(app.url);
    expect(textOf((await login(alice, 'alice')).html, 'sent-by')).toBe('by email');
    const other = new Client(app.url);
    const challenge = await login(other, 'admin');
    expect(textOf(challenge.html, 'cannot-send')).toMatch(/switched off/);

    page = await admin.post('/admin/channels/sms', { enabled: 'on' });
    expect(flashOf(page.html)).toBe('SMS is switched on.');
    expect((await app.mfa.getSettings()).channels.sms.enabled).toBe(true);
    expect(flashOf((await other.post('/mfa/resend')).html)).toBe('We sent a new code by text message to +1 ••• ••• 2671.');
  });
});

describe('unlock', () => {
  it('unlocks a locked user, who can then sign in', async () => {
    const alice = new Client(app.url);
    await login(alice, 'alice');
    for (let round = 0; round < 2; round++) {
      const code = lastCode(app, ALICE_PHONE);
      for (let i = 0; i < 4; i++) await alice.post('/mfa/verify', { code: wrongCode(code) });
      if (round === 0) {
        await app.advance(30_000);
        await alice.post('/mfa/resend');
      }
    }
    expect((await app.mfa.getStatus(ALICE_ID)).locked).toBe(true);
    let page = await admin.get('/admin');
    expect(page.html).toMatch(/data-user="alice"[\s\S]*?badge locked[\s\S]*?until 09:21 UTC/);

    page = await admin.post(`/admin/users/${ALICE_ID}/unlock`);
    expect(flashOf(page.html)).toBe('alice is unlocked.');
    // The audit page: mfakit locked her, the admin unlocked her (newest first).
    const audit = await admin.get('/admin/audit');
    expect(audit.html).toMatch(/data-action="user.unlocked"[\s\S]*?Unlocked<\/td>\s*<td>alice<\/td>\s*<td>admin<\/td>[\s\S]*?unlocked from the admin page[\s\S]*?data-action="user.locked"[\s\S]*?Locked after wrong codes until 09:21 UTC<\/td>\s*<td>alice<\/td>\s*<td>mfakit<\/td>/);
    expect(app.audit.list()[0]).toEqual({ action: 'user.unlocked', at: app.clock.now(), userId: ALICE_ID, by: ADMIN_ID, reason: 'unlocked from the admin page' });
    expect((await app.mfa.getStatus(ALICE_ID)).locked).toBe(false);
    page = await admin.post(`/admin/users/${ALICE_ID}/unlock`);
    expect(flashOf(page.html)).toBe('alice was not locked; the wrong-code count is reset.');
    page = await admin.post('/admin/users/u_ghost/unlock');
    expect(flashOf(page.html)).toBe('No such user.');

    await app.advance(30_000);
    const resent = await alice.post('/mfa/resend');
    expect(flashOf(resent.html)).toMatch(/We sent a new code/);
    expect((await alice.post('/mfa/verify', { code: lastCode(app, ALICE_PHONE) })).path).toBe('/');
  });
});

describe('exception list', () => {
  it('adds a user with a reason and an expiry, lists it, and removes it', async () => {
    await admin.get('/admin');
    let page = await admin.post('/admin/exceptions', { userId: BOB_ID, reason: 'travelling <no phone>', expiresInHours: '24' });
    expect(flashOf(page.html)).toBe('bob can now sign in without a code.');
    expect(page.html).toMatch(/data-user="bob"[\s\S]*?travelling &lt;no phone&gt;[\s\S]*?by admin, 09:00 UTC[\s\S]*?2026-01-06 09:00 UTC/);
    const entries = await app.mfa.exceptions.list();
    expect(entries).toMatchObject([{ userId: BOB_ID, addedBy: ADMIN_ID, reason: 'travelling <no phone>' }]);

    page = await admin.post('/admin/exceptions', { userId: ALICE_ID, reason: 'line one\nline two', expiresInHours: '' });
    expect(flashOf(page.html)).toBe('alice can now sign in without a code.');
    expect(page.html).toContain('line one line two');
    expect(page.html).toMatch(/data-user="alice"[\s\S]*?never/);

    page = await admin.post(`/admin/exceptions/${BOB_ID}/remove`, { reason: 'back from travel' });
    expect(flashOf(page.html)).toBe('Removed from the exception list.');
    expect(app.audit.list().map((e) => [e.action, e.userId, e.by, e.reason])).toEqual([
      ['exception.removed', BOB_ID, ADMIN_ID, 'back from travel'],
      ['exception.added', ALICE_ID, ADMIN_ID, 'line one line two'],
      ['exception.added', BOB_ID, ADMIN_ID, 'travelling <no phone>'],
    ]);
    page = await admin.post(`/admin/exceptions/${BOB_ID}/remove`);
    expect(flashOf(page.html)).toBe('That user was not on the list.');
    expect(await app.mfa.exceptions.has(BOB_ID)).toBe(false);
  });

  it('refuses an admin, an empty reason, an unknown user and an odd expiry', async () => {
    await admin.get('/admin');
    let page = await admin.post('/admin/exceptions', { userId: 'u_admin', reason: 'please', expiresInHours: '' });
    expect(flashOf(page.html)).toBe('Administrators cannot be put on the exception list: they must always use MFA.');
    page = await admin.post('/admin/exceptions', { userId: BOB_ID, reason: '   ', expiresInHours: '' });
    expect(flashOf(page.html)).toBe('Give a reason: it is kept with the entry for audits.');
    page = await admin.post('/admin/exceptions', { userId: 'u_ghost', reason: 'x', expiresInHours: '' });
    expect(flashOf(page.html)).toBe('No such user.');
    page = await admin.post('/admin/exceptions', { userId: BOB_ID, reason: 'x', expiresInHours: '-3' });
    expect(flashOf(page.html)).toBe('Pick an expiry from the list.');
    expect(await app.mfa.exceptions.list()).toEqual([]);
  });

  it('an exception that expired no longer applies', async () => {
    await admin.get('/admin');
    await admin.post('/admin/exceptions', { userId: ALICE_ID, reason: 'one hour', expiresInHours: '1' });
    expect((await login(new Client(app.url), 'alice')).path).toBe('/');
    await app.advance(60 * 60_000);
    expect((await login(new Client(app.url), 'alice')).path).toBe('/mfa');
  });
});
