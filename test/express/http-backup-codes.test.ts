/**
 * HTTP tests of backup codes in the example app: the settings section, generating (and
 * regenerating after a warning) a set shown once with its download, and signing in with a
 * backup code from "try another way" (a used one refused, a notice when few are left).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from './helpers/app.js';
import { Client, decode, flashOf, textOf, type Page } from './helpers/client.js';
import { ALICE_ID, login, signIn } from './helpers/flows.js';
import { freshAppPerTest } from './helpers/per-test.js';

const t = freshAppPerTest({ noCodeLeaks: true });
let app: RunningApp;
let c: Client;
beforeEach(() => ({ app, c } = t));

const PAGE = '/settings/backup-codes';
const BACKUP = 'f_backup';
const SHAPE = /^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$/;

/** The text of the `<tag id="id">` element, nested markup included, whitespace collapsed. */
function fullText(html: string, tag: string, id: string): string | undefined {
  const m = new RegExp(`<${tag} [^>]*id="${id}"[^>]*>([\\s\\S]*?)</${tag}>`).exec(html);
  return m?.[1] === undefined ? undefined : decode(m[1].replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();
}

/** The codes listed on the page that shows them. */
function codesOn(html: string): string[] {
  const list = /<ol class="backup-codes" id="backup-list">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1] ?? '');
}

/** The download link: its file name and the text it holds. */
function download(html: string): { name: string; text: string } {
  const m = /<a id="download-backup" href="data:text\/plain;charset=utf-8,([^"]*)" download="([^"]+)"/.exec(html);
  if (!m) throw new Error('no download link');
  return { name: m[2] ?? '', text: decodeURIComponent(decode(m[1] ?? '')) };
}

/** Alice signs in (texted code) and generates her first set: the page that shows it. */
async function aliceGenerates(): Promise<Page> {
  await signIn(app, c, 'alice');
  await c.get('/settings');
  return c.post(PAGE);
}

/** Password, "try another way" → backup codes, then `code`: the page it ends on. */
async function signInWithBackup(client: Client, code: string): Promise<Page> {
  await login(client, 'alice');
  const ask = await client.post('/mfa/send', { factorId: BACKUP });
  expect(textOf(ask.html, 'backup-prompt')).toMatch(/^Enter one of your backup codes/);
  return client.post('/mfa/verify', { code });
}

describe('backup codes on the settings page', () => {
  it('generates 10 codes shown once, with a download of the same codes; the page says how many are left', async () => {
    await signIn(app, c, 'alice');
    let page = await c.get('/settings');
    expect(textOf(page.html, 'backup-left')).toBe('You have no backup codes yet.');
    expect(page.html).toContain('id="generate-backup"');
    expect(page.html).not.toContain('id="regenerate-warning"');

    page = await c.post(PAGE);
    expect(page.hops).toEqual([{ status: 303, location: PAGE }]);
    expect(page.path).toBe(PAGE);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const codes = codesOn(page.html);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(SHAPE);
    expect(new Set(codes).size).toBe(10);
    expect(textOf(page.html, 'backup-once')).toMatch(/^Save these codes now: this is the only time they are shown\./);
    expect(page.html).toContain('id="saved-backup"');

    const file = download(page.html);
    expect(file.name).toBe('backup-codes.txt');
    expect(file.text.split('\n').filter((l) => SHAPE.test(l))).toEqual(codes);
    expect(file.text).toContain('mfakit demo: backup codes for alice');

    page = await c.post(`${PAGE}/saved`);
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toBe('Your backup codes are ready: 10 codes left. At sign-in, choose “Try another way” to use one.');
    expect(textOf(page.html, 'backup-left')).toBe('10 backup codes of 10 left.');
    expect(page.html).toContain('id="regenerate-warning"');
    // Their own section, not a row of the factor table.
    expect(page.html).not.toContain(`data-factor="${BACKUP}"`);
    for (const code of codes) expect(page.html).not.toContain(code);
    expect((await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.channel === 'backup')).toMatchObject({ id: BACKUP, backupCodesLeft: 10, usable: true });
  });

  it('never shows the codes again: a reload of the page, or opening it after another page, says so', async () => {
    const first = codesOn((await aliceGenerates()).html);
    let page = await c.get(PAGE);
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toMatch(/^Backup codes are shown only once, when they are generated\./);
    for (const code of first) expect(page.html).not.toContain(code);

    // Generated, then another page opened before the codes page: they are dropped.
    page = await c.post(PAGE, { confirm: 'yes' }, { follow: false });
    expect(page.status).toBe(303);
    await c.get('/');
    page = await c.get(PAGE);
    expect(page.path).toBe('/settings');
    expect(codesOn(page.html)).toEqual([]);
    // No address serves the file.
    expect((await c.get('/settings/backup-codes.txt')).status).toBe(404);
    // Nothing but the codes page ever held a code; the audit log neither.
    const all = c.bodies.filter((b) => b.path !== PAGE).map((b) => b.html).join('\n');
    for (const code of first) expect(all).not.toContain(code);
    for (const code of first) expect(app.log.join('\n')).not.toContain(code);
  });

  it('regenerating warns first (the old codes stop working); the confirmed post kills the old set', async () => {
    const old = codesOn((await aliceGenerates()).html);
    await c.post(`${PAGE}/saved`);
    const ask = await c.post(PAGE);
    expect(ask.status).toBe(200);
    expect(ask.html).toContain('<h1>Generate new backup codes?</h1>');
    expect(textOf(ask.html, 'confirm-consequence')).toBe(
      'Your current backup codes (10 unused codes) stop working at once, including any you printed or saved. Only the new ones will work.',
    );
    expect(ask.html).toMatch(/<form method="post" action="\/settings\/backup-codes"[\s\S]*?name="confirm" value="yes"/);
    expect(codesOn(ask.html)).toEqual([]);

    const page = await c.post(PAGE, { confirm: 'yes' });
    const fresh = codesOn(page.html);
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((x) => old.includes(x))).toEqual([]);
    await c.post('/logout');

    const other = new Client(app.url);
    const refused = await signInWithBackup(other, old[0] ?? '');
    expect(refused.path).toBe('/mfa');
    expect(flashOf(refused.html)).toBe('That backup code is not right, or it was already used (each code works once).');
    expect((await other.post('/mfa/verify', { code: fresh[0] ?? '' })).path).toBe('/');
  });

  it('a user with no other way to sign in is asked to add one first', async () => {
    await signIn(app, c, 'bob');
    let page = await c.get('/settings');
    expect(textOf(page.html, 'backup-needs-factor')).toMatch(/^Add a number, an email address or an authenticator app first/);
    expect(page.html).not.toContain('id="generate-backup"');
    page = await c.post(PAGE);
    expect(page.path).toBe('/settings');
    expect(flashOf(page.html)).toMatch(/^Add a number, an email address or an authenticator app first/);
    expect((await app.mfa.listFactors('u_bob')).factors).toEqual([]);
  });

  it('removing the last other way says sign-in will then ask for a backup code; the codes can still be replaced', async () => {
    await aliceGenerates();
    await c.post(`${PAGE}/saved`);
    await c.post('/settings/factors/f_demo_alice/remove', { confirm: 'yes' });
    await c.get('/settings');
    const ask = await c.post('/settings/factors/f_demo_alice_email/remove');
    expect(textOf(ask.html, 'confirm-consequence')).toBe(
      'It is your only email address: sign-in will then ask for one of your backup codes (10 left) until you add another way. To use this email address again you will have to add and confirm it again.',
    );
    let page = await c.post('/settings/factors/f_demo_alice_email/remove', { confirm: 'yes' });
    expect(page.html).toContain('id="generate-backup"');
    page = await c.post(PAGE, { confirm: 'yes' });
    const codes = codesOn(page.html);
    expect(codes).toHaveLength(10);
    await c.post(`${PAGE}/saved`);
    await c.post('/logout');
    page = await login(c, 'alice');
    expect(textOf(page.html, 'backup-prompt')).toMatch(/^Enter one of your backup codes/);
    expect((await c.post('/mfa/verify', { code: codes[0] ?? '' })).path).toBe('/');
  });

  it('the forms need the CSRF token', async () => {
    await signIn(app, c, 'alice');
    await c.get('/settings');
    const page = await c.post(PAGE, { _csrf: null });
    expect(page.status).toBe(403);
    expect((await app.mfa.listFactors(ALICE_ID)).factors.some((f) => f.channel === 'backup')).toBe(false);
  });
});

describe('signing in with a backup code', () => {
  it('"try another way" lists the backup codes right after a code was texted; one signs in once', async () => {
    const codes = codesOn((await aliceGenerates()).html);
    await c.post(`${PAGE}/saved`);
    await c.post('/logout');

    let page = await login(c, 'alice');
    expect(textOf(page.html, 'sent-by')).toBe('by text message');
    // Within the 30 s cooldown: the backup codes button never waits (nothing is sent).
    expect(page.html).toMatch(new RegExp(`<button class="secondary" type="submit" data-factor="${BACKUP}" data-channel="backup">Use a backup code<span class="countdown"></span></button> <span class="muted">\\(10 left\\)</span>`));
    expect(page.html).toMatch(/data-channel="email" disabled data-cooldown-ms="30000"/);
    expect(textOf(page.html, 'switch-wait')).toBe(
      'A code was sent less than 30 seconds ago, so a code can be sent another way only when the countdown on its button ends (in 30 s). Using a backup code sends nothing, so it works right away.',
    );

    page = await c.post('/mfa/send', { factorId: BACKUP });
    expect(flashOf(page.html)).toBe('Enter one of your backup codes.');
    expect(fullText(page.html, 'p', 'backup-prompt')).toBe('Enter one of your backup codes (like k7m2q-x9c4t). Each code works once; you have 10 codes left.');
    const input = /<input id="code"[^>]*>/.exec(page.html)?.[0] ?? '';
    expect(input).toContain('autocomplete="one-time-code"');
    expect(input).not.toContain('inputmode');
    expect(input).not.toContain('pattern');
    expect(page.html).not.toContain('id="resend"');
    // The other ways, from here: the number and the email address.
    expect(page.html).toMatch(/data-factor="f_demo_alice" data-channel="sms"/);
    expect(page.html).toMatch(/data-factor="f_demo_alice_email" data-channel="email"/);

    // Malformed: said in words for backup codes, nothing counted.
    page = await c.post('/mfa/verify', { code: '123' });
    expect(flashOf(page.html)).toBe('Enter one of your backup codes: 10 letters and digits, like k7m2q-x9c4t.');
    expect((await app.mfa.getStatus(ALICE_ID)).failures).toBe(0);

    // Case, spaces and the dash do not matter.
    const first = codes[0] ?? '';
    page = await c.post('/mfa/verify', { code: ` ${first.toUpperCase().replace('-', ' ')} ` });
    expect(page.path).toBe('/');
    expect(textOf(page.html, 'welcome')).toBe('Welcome, Alice Example');
    expect(flashOf(page.html)).toBe('You signed in with a backup code; it cannot be used again. 9 backup codes left.');
    expect(page.html).not.toContain('id="backup-low"');
    await c.post('/logout');

    // The same code again: refused, and not counted (a replay tells a guesser nothing).
    page = await signInWithBackup(c, first);
    expect(page.path).toBe('/mfa');
    expect(flashOf(page.html)).toBe('That backup code is not right, or it was already used (each code works once).');
    expect((await app.mfa.getStatus(ALICE_ID)).failures).toBe(0);
    expect(textOf(page.html, 'backup-left')).toBe('9 codes');
    // A wrong one counts toward the shared lockout.
    page = await c.post('/mfa/verify', { code: 'zzzzz-zzzzz' });
    expect(flashOf(page.html)).toBe('That backup code is not right, or it was already used (each code works once).');
    expect((await app.mfa.getStatus(ALICE_ID)).failures).toBe(1);
    expect((await c.post('/mfa/verify', { code: codes[1] ?? '' })).path).toBe('/');
  });

  it('with 2 or fewer left, the sign-in says to generate new ones, and the home and settings pages keep saying it', async () => {
    const codes = codesOn((await aliceGenerates()).html);
    await c.post(`${PAGE}/saved`);
    await c.post('/logout');
    let page: Page | undefined;
    for (const code of codes.slice(0, 8)) {
      page = await signInWithBackup(c, code);
      expect(page.path).toBe('/');
      await c.post('/logout');
    }
    page = await signInWithBackup(c, codes[8] ?? '');
    expect(flashOf(page.html)).toBe('You signed in with a backup code. Only 1 backup code left: generate new ones in Security settings.');
    expect(fullText(page.html, 'div', 'backup-low')).toBe('Only 1 backup code left. Generate new backup codes (the old ones then stop working).');
    expect(page.html).toContain('href="/settings#backup-codes"');
    const settings = await c.get('/settings');
    expect(textOf(settings.html, 'backup-left')).toBe('1 backup code of 10 left. Generate new ones soon.');
    await c.post('/logout');

    page = await signInWithBackup(c, codes[9] ?? '');
    expect(flashOf(page.html)).toBe('You used your last backup code. Generate new ones in Security settings now.');
    await c.post('/logout');

    // None left: not offered at sign-in, and mfakit says why.
    page = await login(c, 'alice');
    expect(page.html).not.toContain('data-channel="backup"');
    const view = (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.id === BACKUP);
    expect(view).toMatchObject({ usable: false, unusableReason: 'no_codes_left', backupCodesLeft: 0 });
  });

  it('with SMS switched off and only a number besides them, sign-in asks for a backup code at once (mfakit\'s choice)', async () => {
    await signIn(app, c, 'admin');
    await c.get('/settings');
    const codes = codesOn((await c.post(PAGE)).html);
    await c.post(`${PAGE}/saved`);
    await app.mfa.setChannelEnabled('sms', false);
    let page = await c.get('/');
    expect(textOf(page.html, 'codes-go-to')).toBe('Sign-in asks for one of your backup codes: none of your other ways can be used right now.');
    await c.post('/logout');
    const sent = app.outbox?.list().length;

    page = await login(c, 'admin');
    expect(page.path).toBe('/mfa');
    expect(textOf(page.html, 'backup-prompt')).toMatch(/^Enter one of your backup codes/);
    expect(page.html).not.toContain('id="other-ways"'); // the number cannot receive a code now
    expect(app.outbox?.list().length).toBe(sent);
    page = await c.post('/mfa/verify', { code: codes[0] ?? '' });
    expect(page.path).toBe('/');
    expect(textOf(page.html, 'welcome')).toBe('Welcome, Ada Admin');
  });

  it('switching to another sending factor within the cooldown is refused with the wait, and names the ways that work now', async () => {
    await aliceGenerates();
    await c.post(`${PAGE}/saved`);
    await c.post('/logout');
    await login(c, 'alice');
    await app.advance(12_000);
    const page = await c.post('/mfa/send', { factorId: 'f_demo_alice_email' });
    expect(flashOf(page.html)).toBe(
      'A code was sent less than 30 seconds ago: a code can be sent another way in 18 seconds. A backup code can be used right away: nothing is sent.',
    );
    expect(app.outbox?.list().filter((m) => m.channel === 'email')).toEqual([]);
    // Still the texted code's page.
    expect(textOf(page.html, 'sent-by')).toBe('by text message');
  });
});
