/**
 * HTTP tests of "Provision a work phone" on the admin page (`addVerifiedFactor`): active at
 * once with no code sent and audited with who and why; refused numbers store nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { startSignedInAdmin } from './helpers/per-test.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ADMIN_ID, ALICE_ID, BOB_ID, login, signIn } from './helpers/flows.js';

let app: RunningApp;
let admin: Client;

beforeEach(async () => {
  ({ app, admin } = await startSignedInAdmin());
});
afterEach(() => app.close());

describe('provisioning a work phone', () => {
  it('binds the number at once, sends no code, shows it masked, and audits who and why', async () => {
    let page = await admin.get('/admin');
    const form = /<section class="card" id="work-phone">[\s\S]*?<\/section>/.exec(page.html)?.[0] ?? '';
    expect(form).toContain(`<option value="${BOB_ID}">bob</option>`);
    expect(form).not.toContain(`value="${ADMIN_ID}"`); // the admin's own numbers change in Security settings
    const sent = app.outbox?.list().length;

    page = await admin.post('/admin/work-phone', { userId: BOB_ID, country: 'JP', phone: '090-1234-5678', reason: 'new starter, ticket #7' });
    expect(page.path).toBe('/admin');
    const factors = (await app.mfa.listFactors(BOB_ID)).factors;
    expect(factors).toMatchObject([{ channel: 'sms', status: 'active' }]);
    const masked = factors[0]?.maskedPhone ?? '';
    expect(masked).toMatch(/^\+81 [•\s]+5678$/);
    expect(flashOf(page.html)).toBe(`bob's work phone ${masked} is active for sign-in codes by text message. No code was sent.`);
    expect(app.outbox?.list().length).toBe(sent);
    expect(page.html).toMatch(new RegExp(`data-user="bob" data-factor="${factors[0]?.id ?? ''}" data-channel="sms"`));

    const entry = { action: 'factor.enrolled', at: app.clock.now(), userId: BOB_ID, channel: 'sms', destination: masked, by: ADMIN_ID, reason: 'new starter, ticket #7' };
    expect(app.audit.list()).toEqual([entry]);
    expect(app.log).toContain(`[audit] ${BOB_ID} enrolled ${masked} for sms by ${ADMIN_ID}: new starter, ticket #7`);
    const audit = await admin.get('/admin/audit');
    expect(audit.html).toMatch(/data-action="factor.enrolled">[\s\S]*?<td>Text message provisioned \(no code sent\)<\/td>\s*<td>bob<\/td>\s*<td>admin<\/td>[\s\S]*?new starter, ticket #7/);
    expect(audit.html).toContain(masked);
    for (const full of ['+819012345678', '9012345678', '090-1234-5678']) {
      expect(page.html).not.toContain(full);
      expect(audit.html).not.toContain(full);
    }

    // Bob's next sign-in asks for a code on that number.
    const bob = new Client(app.url);
    const challenge = await login(bob, 'bob');
    expect(challenge.path).toBe('/mfa');
    expect(textOf(challenge.html, 'masked-to')).toBe(masked);
  });

  it('refuses a landline, a malformed number and a country not allowed with the app\'s messages; nothing is stored', async () => {
    await admin.get('/admin');
    const cases: [Record<string, string>, string][] = [
      [{ phone: '02 9374 4000', country: 'AU' }, 'That number cannot receive text messages. Enter a mobile number.'],
      [{ phone: '12', country: 'US' }, 'That does not look like a phone number. Check the number and the country.'],
      [{ phone: '+44 7400 123456', country: 'US' }, 'We can only send codes to numbers in United States, Canada, Australia, Japan.'],
    ];
    for (const [fields, message] of cases) {
      const page = await admin.post('/admin/work-phone', { userId: BOB_ID, reason: 'new starter', ...fields });
      expect(flashOf(page.html), fields['phone']).toBe(message);
    }
    expect((await app.mfa.listFactors(BOB_ID)).factors).toEqual([]);
    expect(app.audit.list()).toEqual([]);
  });

  it('asks for a user, a number, a country and a reason, and never the admin\'s own account', async () => {
    await admin.get('/admin');
    const ok = { userId: BOB_ID, phone: '090-1234-5678', country: 'JP', reason: 'new starter' };
    const refusals: [Record<string, string>, string][] = [
      [{ ...ok, userId: 'u_ghost' }, 'No such user.'],
      [{ ...ok, userId: ADMIN_ID }, 'Add your own numbers in Security settings: it asks you for a code first.'],
      [{ ...ok, phone: '  ' }, 'Enter the work phone number.'],
      [{ ...ok, country: 'GB' }, 'Pick a country from the list.'],
      [{ ...ok, reason: '\n' }, 'Give a reason: it is kept in the audit log with your name.'],
    ];
    for (const [fields, message] of refusals) expect(flashOf((await admin.post('/admin/work-phone', fields)).html)).toBe(message);
    expect((await app.mfa.listFactors(BOB_ID)).factors).toEqual([]);
    expect((await app.mfa.listFactors(ADMIN_ID)).factors).toHaveLength(1);
    expect(app.audit.list()).toEqual([]);
  });

  it('is for admins only', async () => {
    const alice = new Client(app.url);
    await signIn(app, alice, 'alice');
    const page = await alice.post('/admin/work-phone', { userId: BOB_ID, phone: '090-1234-5678', country: 'JP', reason: 'me' });
    expect(page.status).toBe(403);
    expect((await app.mfa.listFactors(BOB_ID)).factors).toEqual([]);
    expect((await app.mfa.listFactors(ALICE_ID)).factors).toHaveLength(2);
  });
});
