/**
 * HTTP tests of "Confirm it's you" (step-up): a factor change mfakit refuses with
 * `step_up_required` (the sign-in code is more than 10 minutes old) goes to
 * /settings/step-up, a sign-in code there brings the user back, and the change goes through;
 * an admin removes a user's factor without one, named in the audit log.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../examples/express/routes/step-up.js';
import type { RunningApp } from './helpers/app.js';
import { Client, flashOf, textOf } from './helpers/client.js';
import { ADMIN_ID, ALICE_ID, ALICE_PHONE, signIn, wrongCode } from './helpers/flows.js';
import { freshAppPerTest } from './helpers/per-test.js';

const t = freshAppPerTest({ noCodeLeaks: true });
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

const MINUTE = 60_000;
const JP = '+819012345678';

/** The last code sent to `to` for `purpose`. */
function lastCodeFor(to: string, purpose: 'sign_in' | 'enroll'): string {
  const code = app.outbox?.list().find((m) => m.to === to && m.purpose === purpose)?.code;
  if (!code) throw new Error(`no ${purpose} code sent to ${to}`);
  return code;
}

/** Alice, signed in with her texted code more than 10 minutes ago. */
async function aliceSignedInLongAgo(): Promise<void> {
  expect((await signIn(app, c, 'alice')).path).toBe('/');
  await app.advance(11 * MINUTE);
}

describe('step-up before a factor change', () => {
  it('a sign-in more than 10 minutes old: adding a number asks for a code, then the number is added', async () => {
    await aliceSignedInLongAgo();
    let page = await c.get('/settings');
    expect(textOf(page.html, 'step-up-note')).toMatch(/you will be asked for a sign-in code before you add or remove a sign-in method/);
    const sentBefore = app.outbox?.list().length ?? 0;

    page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(page.hops[0]).toEqual({ status: 303, location: '/settings/step-up' });
    expect(page.path).toBe('/settings/step-up');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(textOf(page.html, 'step-up-why')).toBe('For your security, enter a sign-in code before you add your number.');
    expect(textOf(page.html, 'masked-to')).toBe('+1 ••• ••• 0147');
    expect(page.html).toContain('action="/settings/step-up/verify"');
    expect(page.html).not.toContain('action="/mfa/');
    // A sign-in code went to Alice's number; nothing went to the new number yet.
    expect(app.outbox?.list().length).toBe(sentBefore + 1);
    expect(app.outbox?.list()[0]).toMatchObject({ to: ALICE_PHONE, purpose: 'sign_in' });
    expect(app.outbox?.list().some((m) => m.to === JP)).toBe(false);

    // A wrong code: the same page, with the sign-in page's messages.
    const code = lastCodeFor(ALICE_PHONE, 'sign_in');
    page = await c.post('/settings/step-up/verify', { code: wrongCode(code) });
    expect(page.path).toBe('/settings/step-up');
    expect(flashOf(page.html)).toBe('That code is not right.');
    expect(textOf(page.html, 'attempts-left')).toBe('3 attempts left with this code.');

    page = await c.post('/settings/step-up/verify', { code });
    expect(page.hops[0]).toEqual({ status: 303, location: '/settings' });
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toBe('Confirmed. You can now add your number.');
    // What she typed is back in the form, and the note is gone (changes are allowed now).
    expect(page.html).toContain('value="090-1234-5678"');
    expect(page.html).toContain('<option value="JP" selected>');
    expect(page.html).not.toContain('id="step-up-note"');
    // Put back once only.
    expect((await c.get('/settings')).html).not.toContain('value="090-1234-5678"');
    // Nothing left to confirm.
    expect((await c.get('/settings/step-up')).path).toBe('/settings');

    page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(page.path).toBe('/settings/confirm');
    page = await c.post('/settings/confirm', { code: lastCodeFor(JP, 'enroll') });
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toMatch(/^Your number \+81 •• •••• 5678 is confirmed\./);
    expect((await app.mfa.listFactors(ALICE_ID)).factors.filter((f) => f.channel === 'sms' && f.status === 'active')).toHaveLength(2);
  });

  it('within 10 minutes of the sign-in, no code is asked', async () => {
    await signIn(app, c, 'alice');
    await app.advance(9 * MINUTE);
    expect((await c.get('/settings')).html).not.toContain('id="step-up-note"');
    const page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(page.hops[0]).toEqual({ status: 303, location: '/settings/confirm' });
    expect(app.outbox?.list()[0]).toMatchObject({ to: JP, purpose: 'enroll' });
  });

  it('a user without a confirmed factor is never asked (the first factor needs no proof)', async () => {
    const page0 = await c.get('/login');
    expect(page0.status).toBe(200);
    await c.post('/login', { username: 'bob', password: 'bob-demo-pass' });
    await app.advance(11 * MINUTE);
    expect((await c.get('/settings')).html).not.toContain('id="step-up-note"');
    const page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(page.path).toBe('/settings/confirm');
  });

  it('the other changes ask too: email address, authenticator app, backup codes, removal (before "are you sure?")', async () => {
    await aliceSignedInLongAgo();
    await c.get('/settings');
    let page = await c.post('/settings/email', { email: 'alice@work.example' });
    expect(page.path).toBe('/settings/step-up');
    expect(textOf(page.html, 'step-up-why')).toBe('For your security, enter a sign-in code before you add your email address.');

    page = await c.post('/settings/authenticator');
    expect(page.path).toBe('/settings/step-up');
    expect(textOf(page.html, 'step-up-why')).toBe('For your security, enter a sign-in code before you add an authenticator app.');
    // The code sent for the first request still works: no second text within the cooldown.
    expect(app.outbox?.list().filter((m) => m.purpose === 'sign_in')).toHaveLength(2); // the sign-in's and the step-up's
    expect(textOf(page.html, 'masked-to')).toBe('+1 ••• ••• 0147');

    page = await c.post('/settings/backup-codes');
    expect(page.path).toBe('/settings/step-up');
    expect(textOf(page.html, 'step-up-why')).toBe('For your security, enter a sign-in code before you generate backup codes.');

    const phone = (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.channel === 'sms');
    page = await c.post(`/settings/factors/${phone?.id ?? ''}/remove`);
    expect(page.path).toBe('/settings/step-up');
    expect(page.html).not.toContain('id="confirm"');
    expect(textOf(page.html, 'step-up-why')).toBe('For your security, enter a sign-in code before you remove +1 ••• ••• 0147.');
    expect(textOf(page.html, 'step-up-cancel')).toBe('Cancel');
    expect(page.html).toContain('href="/settings"');

    // The code brings her back; the removal now asks "are you sure?" and goes through.
    page = await c.post('/settings/step-up/verify', { code: lastCodeFor(ALICE_PHONE, 'sign_in') });
    expect(flashOf(page.html)).toBe('Confirmed. You can now remove +1 ••• ••• 0147.');
    page = await c.post(`/settings/factors/${phone?.id ?? ''}/remove`);
    expect(page.html).toContain('id="confirm"');
    page = await c.post(`/settings/factors/${phone?.id ?? ''}/remove`, { confirm: 'yes' });
    expect(flashOf(page.html)).toMatch(/^The number was removed\./);
  });

  it('"try another way" on the step-up page: a code by email, after the cooldown as at sign-in', async () => {
    await aliceSignedInLongAgo();
    await c.get('/settings');
    let page = await c.post('/settings/email', { email: 'alice@work.example' });
    const email = (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.channel === 'email');
    expect(page.html).toContain(`data-factor="${email?.id ?? ''}"`);
    // Within the cooldown: the wait, as on the sign-in page.
    page = await c.post('/settings/step-up/send', { factorId: email?.id ?? '' });
    expect(flashOf(page.html)).toMatch(/^A code was sent less than 30 seconds ago: a code can be sent another way in/);
    await app.advance(30_000);
    page = await c.post('/settings/step-up/send', { factorId: email?.id ?? '' });
    expect(page.path).toBe('/settings/step-up');
    expect(flashOf(page.html)).toMatch(/^We sent a code by email to /);
    page = await c.post('/settings/step-up/verify', { code: lastCodeFor('alice@example.com', 'sign_in') });
    expect(page.hops[0]).toEqual({ status: 303, location: '/settings' });
    expect(flashOf(page.html)).toBe('Confirmed. You can now add your email address.');
    expect(page.html).toContain('value="alice@work.example"');
  });

  it('a backup code works on the step-up page, and says how many are left', async () => {
    const first = await signIn(app, c, 'alice');
    expect(first.path).toBe('/');
    const { codes } = await generated();
    await app.advance(11 * MINUTE);
    await c.get('/settings');
    let page = await c.post('/settings/authenticator');
    const backup = (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.channel === 'backup');
    page = await c.post('/settings/step-up/send', { factorId: backup?.id ?? '' });
    expect(textOf(page.html, 'backup-prompt')).toMatch(/^Enter one of your backup codes/);
    page = await c.post('/settings/step-up/verify', { code: 'aaaaa-aaaaa' });
    expect(page.path).toBe('/settings/step-up');
    expect(flashOf(page.html)).toMatch(/^That backup code is not right, or it was already used/);
    page = await c.post('/settings/step-up/verify', { code: codes[0] ?? '' });
    expect(page.hops[0]).toEqual({ status: 303, location: '/settings' });
    expect(flashOf(page.html)).toBe('Confirmed. You can now add an authenticator app. You used a backup code; it cannot be used again. 9 backup codes left.');
    page = await c.post('/settings/authenticator');
    expect(page.path).toBe('/settings/authenticator');
  });

  it('the 10 minutes run out while "are you sure?" is open: the removal asks for the code then', async () => {
    await signIn(app, c, 'alice');
    const phone = (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.channel === 'sms');
    let page = await c.post(`/settings/factors/${phone?.id ?? ''}/remove`);
    expect(page.html).toContain('id="confirm"');
    await app.advance(11 * MINUTE);
    page = await c.post(`/settings/factors/${phone?.id ?? ''}/remove`, { confirm: 'yes' });
    expect(page.path).toBe('/settings/step-up');
    expect((await app.mfa.listFactors(ALICE_ID)).factors.some((f) => f.id === phone?.id)).toBe(true);
    page = await c.post('/settings/step-up/verify', { code: lastCodeFor(ALICE_PHONE, 'sign_in') });
    expect(page.hops[0]).toEqual({ status: 303, location: '/settings' });
    expect(flashOf(page.html)).toBe('Confirmed. You can now remove +1 ••• ••• 0147.');
  });

  it('wrong codes on the step-up page count as at sign-in: a used-up code, then the lock', async () => {
    await aliceSignedInLongAgo();
    await c.get('/settings');
    let page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    const bad = wrongCode(lastCodeFor(ALICE_PHONE, 'sign_in'));
    for (let i = 0; i < 3; i++) page = await c.post('/settings/step-up/verify', { code: bad });
    expect(textOf(page.html, 'attempts-left')).toBe('1 attempt left with this code.');
    page = await c.post('/settings/step-up/verify', { code: bad });
    expect(flashOf(page.html)).toMatch(/^That code is not right, and it cannot be used again\. Request a new code\./);
    expect(textOf(page.html, 'no-code')).toMatch(/^There is no active code\./);
    await app.advance(30_000);
    page = await c.post('/settings/step-up/resend');
    expect(flashOf(page.html)).toBe('We sent a new code by text message to +1 ••• ••• 0147.');
    const bad2 = wrongCode(lastCodeFor(ALICE_PHONE, 'sign_in'));
    for (let i = 0; i < 4; i++) page = await c.post('/settings/step-up/verify', { code: bad2 });
    expect(page.path).toBe('/settings/step-up');
    expect(textOf(page.html, 'lockout')).toMatch(/^Too many wrong codes\. For your security, sign-in is locked until/);
    // Still signed in, and the change is still refused: back to the same page.
    page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP' });
    expect(page.path).toBe('/settings/step-up');
    expect(page.html).toContain('id="lockout"');
    expect(app.outbox?.list().some((m) => m.to === JP)).toBe(false);
  });

  it('the step-up page needs a signed-in user, and a change to confirm', async () => {
    expect((await c.get('/settings/step-up', { follow: false })).headers.get('location')).toBe('/login');
    await signIn(app, c, 'alice');
    expect((await c.get('/settings/step-up', { follow: false })).headers.get('location')).toBe('/settings');
  });

  it('the return path stays on this site', () => {
    expect(safeReturnPath('/settings#add-phone')).toBe('/settings#add-phone');
    expect(safeReturnPath('/settings?x=1')).toBe('/settings?x=1');
    for (const bad of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'settings', '', undefined, '/\nx', '/%0d%0a']) {
      expect(safeReturnPath(bad).startsWith('/'), String(bad)).toBe(true);
      expect(safeReturnPath(bad).startsWith('//'), String(bad)).toBe(false);
    }
    expect(safeReturnPath('//evil.example/')).toBe('/settings');
    expect(safeReturnPath('https://evil.example/')).toBe('/settings');
    expect(safeReturnPath('/\\evil.example')).toBe('/settings');
  });
});

/** Alice generates backup codes through the page (within her window), returned from the session. */
async function generated(): Promise<{ codes: string[] }> {
  await c.get('/settings');
  const page = await c.post('/settings/backup-codes');
  expect(page.path).toBe('/settings/backup-codes');
  const codes = [...page.html.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1] ?? '');
  expect(codes.length).toBe(10);
  await c.post('/settings/backup-codes/saved');
  return { codes };
}

describe('admin removal', () => {
  it('an admin removes a user\'s number with a reason, without a step-up; the audit log says who and why', async () => {
    await signIn(app, c, 'admin');
    await app.advance(11 * MINUTE); // the admin's own proof is old too: not needed for this
    const phone = (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.channel === 'sms');
    const action = `/admin/users/${ALICE_ID}/factors/${phone?.id ?? ''}/remove`;
    let page = await c.get('/admin');
    expect(page.html).toContain(`action="${action}"`);

    page = await c.post(action, { reason: '' });
    expect(flashOf(page.html)).toBe('Give a reason: it is kept in the audit log with your name.');
    page = await c.post(action, { reason: 'lost phone, ticket #1234' });
    expect(page.html).toContain('id="confirm"');
    expect(textOf(page.html, 'confirm-consequence')).toMatch(/lost phone, ticket #1234/);
    page = await c.post(action, { reason: 'lost phone, ticket #1234', confirm: 'yes' });
    expect(page.path).toBe('/admin');
    expect(flashOf(page.html)).toBe("alice's number was removed.");
    expect((await app.mfa.listFactors(ALICE_ID)).factors.some((f) => f.id === phone?.id)).toBe(false);
    expect(app.log).toContain(`[audit] ${ADMIN_ID} removed factor ${phone?.id ?? ''} (sms) of ${ALICE_ID}: lost phone, ticket #1234`);
  });

  it('an admin cannot remove their own factor there (that would skip their step-up)', async () => {
    await signIn(app, c, 'admin');
    const own = (await app.mfa.listFactors(ADMIN_ID)).factors[0];
    const page = await c.post(`/admin/users/${ADMIN_ID}/factors/${own?.id ?? ''}/remove`, { reason: 'x', confirm: 'yes' });
    expect(flashOf(page.html)).toBe('Change your own sign-in methods in Security settings: it asks you for a code first.');
    expect((await app.mfa.listFactors(ADMIN_ID)).factors).toHaveLength(1);
  });
});
