/** The signed-in home page. @module */
import type { ExceptionEntry, FactorView } from 'mfakit';
import { BY_CHANNEL, described } from './factor-labels.js';
import { BACKUP_LOW_AT } from './backup-codes.js';
import { formatTime, plural } from './format.js';
import { html } from './html.js';
import { layout, type PageContext } from './layout.js';

/** `signInFactorId`: where the next sign-in code goes (`getStatus`), absent when none can receive one. */
export function homePage(ctx: PageContext, v: { factors: readonly FactorView[]; signInFactorId: string | undefined; exception: ExceptionEntry | undefined }): string {
  const user = ctx.user;
  const active = v.factors.filter((f) => f.status === 'active');
  const next = v.factors.find((f) => f.id === v.signInFactorId);
  const backup = active.find((f) => f.channel === 'backup');
  const backupLeft = backup?.backupCodesLeft ?? 0;
  return layout(
    ctx,
    'Home',
    html`<section class="card">
  <h1 id="welcome">Welcome, ${user?.name}</h1>
  <p>You are signed in${user?.role === 'admin' ? ' as an administrator' : ''}.</p>
  ${v.exception &&
    html`<div class="notice info" id="exception-notice">You signed in without a code: you are on the MFA exception list
    (“${v.exception.reason}”, added by ${v.exception.addedBy}${v.exception.expiresAt !== undefined ? html`, until ${formatTime(v.exception.expiresAt, ctx.now)}` : ''}).</div>`}
  ${backup && backupLeft <= BACKUP_LOW_AT &&
    html`<div class="notice warn" id="backup-low">${backupLeft === 0 ? 'You have no backup codes left.' : `Only ${plural(backupLeft, 'backup code')} left.`}
    <a href="/settings#backup-codes">Generate new backup codes</a> (the old ones then stop working).</div>`}
  ${next
    ? next.channel === 'backup' ? html`<p id="codes-go-to">Sign-in asks for one of your backup codes: none of your other ways can be used right now.</p>`
    : next.channel === 'totp' ? html`<p id="codes-go-to">Sign-in asks for a code from your authenticator app${active.length > 1 ? html` (${active.length} ways on file)` : ''}.</p>`
    : html`<p id="codes-go-to">Sign-in codes go ${BY_CHANNEL[next.channel]} to <strong>${described(next)}</strong>${active.length > 1 ? html` (${active.length} ways on file)` : ''}.</p>`
    : active.length > 0
      ? html`<p id="codes-go-to">None of your numbers or addresses can receive a code right now.</p>`
      : html`<p id="codes-go-to">No number or email address is set up for sign-in codes.</p>`}
  <p><a href="/settings">Manage your security settings</a></p>
</section>`,
  );
}
