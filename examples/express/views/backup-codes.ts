/**
 * Backup codes: the section of the security settings page (how many are left, generate or
 * regenerate) and the page that shows a new set once, with its download.
 * @module
 */
import type { FactorView } from 'mfakit';
import { formatTime, plural } from './format.js';
import { html } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';

/** How many codes a set holds (mfakit generates 10). */
export const BACKUP_SET_SIZE = 10;

/** At this many left or fewer, the pages suggest generating new ones (mfakit's `backup.low`). */
export const BACKUP_LOW_AT = 2;

/**
 * The "Backup codes" section of the settings page. `backup` is the user's backup-codes
 * factor, if they generated a set; `canGenerate` is false while the user has no other way
 * to sign in (backup codes are for when that way is not at hand).
 */
export function backupSection(ctx: PageContext, v: { backup: FactorView | undefined; canGenerate: boolean }) {
  const left = v.backup?.backupCodesLeft ?? 0;
  const has = v.backup !== undefined && v.backup.status === 'active';
  return html`<section class="card" id="backup-codes">
  <h2>Backup codes</h2>
  <p class="muted">One-time codes for when your phone, email or authenticator app is not at hand. Each code works once.
    Print them or keep them in a password manager.</p>
  ${has
    ? html`<p id="backup-left"${left <= BACKUP_LOW_AT ? html` class="notice warn"` : ''}>${left === 0
        ? 'You have used every backup code. Generate new ones.'
        : html`${plural(left, 'backup code')} of ${BACKUP_SET_SIZE} left.${left <= BACKUP_LOW_AT ? ' Generate new ones soon.' : ''}`}</p>`
    : html`<p id="backup-left">You have no backup codes yet.</p>`}
  ${v.canGenerate
    ? html`<form method="post" action="/settings/backup-codes" id="generate-backup-form">
    ${csrfField(ctx)}
    ${has && html`<p class="muted" id="regenerate-warning">Generating new codes makes your current ones stop working at once.</p>`}
    <div class="row"><button type="submit" id="generate-backup"${has ? html` class="secondary"` : ''}>${has ? 'Generate new backup codes' : 'Generate backup codes'}</button></div>
  </form>`
    : html`<p class="muted" id="backup-needs-factor">Add a number, an email address or an authenticator app first: backup codes stand in for it when it is not at hand.</p>`}
</section>`;
}

/** The text of `backup-codes.txt`. */
export function backupCodesText(v: { appName: string; username: string; codes: readonly string[]; generatedAt: number }): string {
  return [
    `${v.appName}: backup codes for ${v.username}`,
    `Generated ${new Date(v.generatedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC. Generating new codes makes these stop working.`,
    'Each code works once. Keep them somewhere safe.',
    '',
    ...v.codes,
    '',
  ].join('\n');
}

/**
 * The one page that ever shows the codes. The download is a `data:` link holding the same
 * text, so the file comes from this response only: nothing on the server can serve it again.
 */
export function backupCodesPage(ctx: PageContext, v: { codes: readonly string[]; text: string; generatedAt: number }): string {
  const href = `data:text/plain;charset=utf-8,${encodeURIComponent(v.text)}`;
  return layout(
    ctx,
    'Your backup codes',
    html`<section class="card" id="backup-page">
  <h1>Your backup codes</h1>
  <div class="notice warn" id="backup-once">Save these codes now: this is the only time they are shown. Each code works once.
    Any backup codes you had before no longer work.</div>
  <ol class="backup-codes" id="backup-list">
    ${v.codes.map((c) => html`<li><code>${c}</code></li>`)}
  </ol>
  <p class="muted">Generated ${formatTime(v.generatedAt, ctx.now)}. At sign-in, choose “Try another way”, then “Use a backup code”.</p>
  <div class="row">
    <a id="download-backup" href="${href}" download="backup-codes.txt">Download as a text file (backup-codes.txt)</a>
  </div>
  <form method="post" action="/settings/backup-codes/saved" class="row">
    ${csrfField(ctx)}
    <button type="submit" id="saved-backup">I saved them</button>
  </form>
</section>`,
    { narrow: true },
  );
}
