/** The signed-in home page. @module */
import type { ExceptionEntry, FactorView } from 'mfakit';
import { formatTime } from './format.js';
import { html } from './html.js';
import { layout, type PageContext } from './layout.js';

export function homePage(ctx: PageContext, v: { factors: readonly FactorView[]; exception: ExceptionEntry | undefined }): string {
  const user = ctx.user;
  const active = v.factors.filter((f) => f.status === 'active');
  const preferred = active.find((f) => f.preferred) ?? active[0];
  return layout(
    ctx,
    'Home',
    html`<section class="card">
  <h1 id="welcome">Welcome, ${user?.name}</h1>
  <p>You are signed in${user?.role === 'admin' ? ' as an administrator' : ''}.</p>
  ${v.exception &&
    html`<div class="notice info" id="exception-notice">You signed in without a code: you are on the MFA exception list
    (“${v.exception.reason}”, added by ${v.exception.addedBy}${v.exception.expiresAt !== undefined ? html`, until ${formatTime(v.exception.expiresAt, ctx.now)}` : ''}).</div>`}
  ${preferred
    ? html`<p>Sign-in codes go to <strong>${preferred.maskedPhone}</strong>${active.length > 1 ? html` (${active.length} numbers on file)` : ''}.</p>`
    : html`<p>No phone number is set up for sign-in codes.</p>`}
  <p><a href="/settings">Manage your security settings</a></p>
</section>`,
  );
}
