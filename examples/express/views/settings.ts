/** Security settings: the factor list and the "add or change number" form, and the enrollment confirmation page. @module */
import type { FactorView } from 'mfakit';
import { formatTime } from './format.js';
import { html } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';
import { COUNTRIES } from './messages.js';

const STATUS_LABEL = { active: 'active', pending: 'waiting for code', invalid: 'unusable (replied STOP)' } as const;

export function settingsPage(ctx: PageContext, v: { factors: readonly FactorView[]; country: string; phone: string }): string {
  const activeCount = v.factors.filter((f) => f.status === 'active').length;
  const rows = v.factors.map(
    (f) => html`<tr data-factor="${f.id}">
    <td class="nowrap">${f.maskedPhone ?? f.channel}</td>
    <td><span class="badge ${f.status}">${STATUS_LABEL[f.status]}</span> ${f.preferred && html`<span class="badge preferred">preferred</span>`}</td>
    <td class="muted">${f.lastUsedAt !== undefined ? formatTime(f.lastUsedAt, ctx.now) : '—'}</td>
    <td>
      ${f.status === 'pending' && html`<a href="/settings/sms/confirm">Enter code</a>`}
      ${f.status === 'active' && !f.preferred && activeCount > 1 &&
        html`<form class="inline" method="post" action="/settings/factors/${f.id}/preferred">${csrfField(ctx)}<button class="secondary" type="submit">Make preferred</button></form>`}
      <form class="inline" method="post" action="/settings/factors/${f.id}/remove">${csrfField(ctx)}<button class="danger" type="submit">Remove</button></form>
    </td>
  </tr>`,
  );
  return layout(
    ctx,
    'Security settings',
    html`<section class="card">
  <h1>Security settings</h1>
  <h2>Phone numbers for sign-in codes</h2>
  ${v.factors.length > 0
    ? html`<table id="factors"><thead><tr><th>Number</th><th>Status</th><th>Last used</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p id="no-factors">No number yet. Add one below to protect your account.</p>`}
</section>
<section class="card">
  <h2>Add a number${v.factors.some((f) => f.status === 'active') ? ' (or change your number)' : ''}</h2>
  <p class="muted">To change your number, add the new one, then remove the old one. We text a code to confirm it.</p>
  <form method="post" action="/settings/sms">
    ${csrfField(ctx)}
    <label for="country">Country</label>
    <select id="country" name="country">
      ${COUNTRIES.map((c) => html`<option value="${c.code}" ${c.code === v.country ? 'selected' : ''}>${c.name}</option>`)}
    </select>
    <label for="phone">Mobile number</label>
    <input id="phone" name="phone" type="tel" autocomplete="tel" required value="${v.phone}" placeholder="(202) 555-0147">
    <div class="row"><button type="submit">Send code</button></div>
  </form>
</section>`,
  );
}

export function confirmEnrollmentPage(ctx: PageContext, v: { maskedPhone: string; hasCode: boolean; resendInMs: number }): string {
  const waiting = v.resendInMs > 0;
  return layout(
    ctx,
    'Confirm your number',
    html`<section class="card">
  <h1>Confirm your number</h1>
  ${v.hasCode
    ? html`<p>We sent a 6-digit code to <strong id="masked-phone">${v.maskedPhone}</strong>. Enter it to finish adding the number.</p>`
    : html`<p id="no-code">The code for <strong>${v.maskedPhone}</strong> is no longer valid. Request a new one.</p>`}
  <form method="post" action="/settings/sms/confirm">
    ${csrfField(ctx)}
    <label for="code">Code</label>
    <input id="code" class="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
    <div class="row"><button type="submit">Confirm</button></div>
  </form>
  <form method="post" action="/settings/sms/resend" class="row">
    ${csrfField(ctx)}
    <button id="resend" class="secondary" type="submit" ${waiting ? 'disabled' : ''} data-cooldown-ms="${v.resendInMs}">Resend code<span class="countdown">${waiting ? ` in ${Math.ceil(v.resendInMs / 1000)} s` : ''}</span></button>
    <a href="/settings">Back to settings</a>
  </form>
</section>
<script src="/assets/countdown.js" defer></script>`,
    { narrow: true },
  );
}
