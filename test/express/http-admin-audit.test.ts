/**
 * HTTP tests of the audit page (`/admin/audit`): admins only, fed by mfakit's events (a
 * factor removed by an admin after a confirmation, with who and why), and never a code or a
 * full number.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { startSignedInAdmin } from './helpers/per-test.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ADMIN_ID, ADMIN_PHONE, ALICE_ID, ALICE_PHONE, BOB_ID, login, signIn } from './helpers/flows.js';

let app: RunningApp;
let admin: Client;

beforeEach(async () => {
  ({ app, admin } = await startSignedInAdmin());
});
afterEach(() => app.close());

describe('audit page', () => {
  it('is for admins only: anonymous visitors go to /login, users get 403', async () => {
    const anon = new Client(app.url);
    expect((await anon.get('/admin/audit', { follow: false })).headers.get('location')).toBe('/login');
    const alice = new Client(app.url);
    await signIn(app, alice, 'alice');
    const page = await alice.get('/admin/audit');
    expect(page.status).toBe(403);
    expect(textOf(page.html, 'error-message')).toBe('This page is for administrators only.');
    expect(page.html).not.toContain('id="audit-log"');

    const own = await admin.get('/admin/audit');
    expect(own.status).toBe(200);
    expect(own.headers.get('cache-control')).toBe('no-store');
    expect(textOf(own.html, 'audit-empty')).toBe('Nothing recorded yet.');
    expect(own.html).toMatch(/A real deployment sends these\s+events to its audit store instead\. With several instances each keeps its own list/);
    expect((await admin.get('/admin')).html).toContain('<a href="/admin/audit" id="audit-link">');
  });

  it('removing a user\'s factor asks first, then the audit page says who removed what and why', async () => {
    const phone = (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.channel === 'sms');
    const action = `/admin/users/${ALICE_ID}/factors/${phone?.id ?? ''}/remove`;
    await admin.get('/admin');
    let page = await admin.post(action, { reason: 'lost phone, ticket #1234' });
    expect(textOf(page.html, 'confirm')).toBe("Remove alice's number?");
    expect(textOf(page.html, 'confirm-consequence')).toMatch(/\+1 ••• ••• 0147 stops working for sign-in at once\. Reason kept in the audit log with your name: “lost phone, ticket #1234”/);
    expect((await app.mfa.listFactors(ALICE_ID)).factors).toHaveLength(2);
    expect(app.audit.list()).toEqual([]);

    page = await admin.post(action, { reason: 'lost phone, ticket #1234', confirm: 'yes' });
    expect(flashOf(page.html)).toBe("alice's number was removed.");
    expect(app.audit.list()).toEqual([{ action: 'factor.removed', at: app.clock.now(), userId: ALICE_ID, channel: 'sms', destination: '+1 ••• ••• 0147', by: ADMIN_ID, reason: 'lost phone, ticket #1234' }]);
    const audit = await admin.get('/admin/audit');
    expect(audit.html).toMatch(/data-action="factor.removed">\s*<td[^>]*>09:00 UTC<\/td>\s*<td>Text message removed<\/td>\s*<td>alice<\/td>\s*<td>admin<\/td>\s*<td[^>]*>\+1 ••• ••• 0147<\/td>\s*<td>lost phone, ticket #1234<\/td>/);
  });

  it('lists every kind of admin action, newest first, with no code and no full number', async () => {
    // A sign-in code for alice (a code.sent event: not an audit entry) ...
    const alice = new Client(app.url);
    await login(alice, 'alice');
    // ... and one admin action of each kind.
    await admin.get('/admin');
    await admin.post('/admin/work-phone', { userId: BOB_ID, phone: '090-1234-5678', country: 'JP', reason: 'new starter' });
    await admin.post('/admin/channels/sms', { enabled: 'off', confirm: 'yes', reason: 'carrier outage' });
    await admin.post('/admin/exceptions', { userId: ALICE_ID, reason: 'travelling', expiresInHours: '24' });
    await admin.post(`/admin/exceptions/${ALICE_ID}/remove`);
    await admin.post(`/admin/users/${ALICE_ID}/unlock`);
    const bobPhone = (await app.mfa.listFactors(BOB_ID)).factors[0];
    await admin.post(`/admin/users/${BOB_ID}/factors/${bobPhone?.id ?? ''}/remove`, { reason: 'left the company', confirm: 'yes' });

    const audit = await admin.get('/admin/audit');
    expect([...audit.html.matchAll(/data-action="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'factor.removed',
      'user.unlocked',
      'exception.removed',
      'exception.added',
      'channel.changed',
      'factor.enrolled',
    ]);
    const codes = (app.outbox?.list() ?? []).map((m) => m.code ?? '').filter(Boolean);
    expect(codes.length).toBeGreaterThan(0);
    for (const code of codes) expect(audit.html).not.toContain(code);
    for (const full of [ALICE_PHONE, ALICE_PHONE.slice(2), ADMIN_PHONE, ADMIN_PHONE.slice(2), '+819012345678', '9012345678', 'alice@example.com']) {
      expect(audit.html).not.toContain(full);
    }
  });
});
