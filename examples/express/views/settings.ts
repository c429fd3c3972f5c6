/**
 * Security settings: the factor list, the "add a number" form (text messages or voice
 * calls), the "add an email address" form, "add an authenticator app" and the backup codes
 * (their own section, not a row of the table); and the enrollment confirmation page.
 * @module
 */
import type { FactorView } from 'mfakit';
import { backupSection } from './backup-codes.js';
import { BY_CHANNEL, described, destination, KIND_LABEL, THING } from './factor-labels.js';
import { formatTime } from './format.js';
import { html } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';
import { COUNTRIES } from './messages.js';

const STATUS_LABEL = { active: 'active', pending: 'waiting for code', invalid: 'unusable (replied STOP)' } as const;

/** The status badge's words: an invalid factor says why (a STOP reply, or the provider cannot deliver to it). */
function statusLabel(f: FactorView): string {
  if (f.status === 'invalid' && f.invalidReason === 'undeliverable') return 'unusable (cannot receive codes)';
  return STATUS_LABEL[f.status];
}

/** What the forms show: the defaults, or what the user typed before a refusal. */
export interface SettingsForm {
  readonly country: string;
  readonly phone: string;
  readonly channel: 'sms' | 'voice';
  readonly email: string;
}

export interface SettingsView {
  readonly factors: readonly FactorView[];
  /** The channels besides SMS the app can send codes over (it has a sender for them). */
  readonly channels: { readonly voice: boolean; readonly email: boolean };
  readonly form: SettingsForm;
  /** A change will first ask for a sign-in code ("Confirm it's you"): no recent one (`getStatus().stepUpUntil`). */
  readonly stepUpNeeded?: boolean;
}

function factorRows(ctx: PageContext, factors: readonly FactorView[]) {
  const activeCount = factors.filter((f) => f.status === 'active').length;
  return factors.map(
    (f) => html`<tr data-factor="${f.id}" data-channel="${f.channel}">
    <td class="nowrap">${destination(f)}</td>
    <td>${KIND_LABEL[f.channel]}</td>
    <td><span class="badge ${f.status}">${statusLabel(f)}</span> ${f.preferred && html`<span class="badge preferred">preferred</span>`}</td>
    <td class="muted">${f.lastUsedAt !== undefined ? formatTime(f.lastUsedAt, ctx.now) : '—'}</td>
    <td>
      ${f.status === 'pending' && f.channel !== 'totp' && html`<a href="/settings/confirm">Enter code</a>`}
      ${f.status === 'active' && !f.preferred && activeCount > 1 &&
        html`<form class="inline" method="post" action="/settings/factors/${f.id}/preferred">${csrfField(ctx)}<button class="secondary" type="submit">Make preferred</button></form>`}
      <form class="inline" method="post" action="/settings/factors/${f.id}/remove">${csrfField(ctx)}<button class="danger" type="submit">Remove</button></form>
    </td>
  </tr>`,
  );
}

export function settingsPage(ctx: PageContext, v: SettingsView): string {
  const backup = v.factors.find((x) => x.channel === 'backup');
  const factors = v.factors.filter((x) => x.channel !== 'backup');
  const hasActive = factors.some((x) => x.status === 'active');
  const f = v.form;
  return layout(
    ctx,
    'Security settings',
    html`<section class="card">
  <h1>Security settings</h1>
  <h2>Where sign-in codes go</h2>
  ${factors.length > 0
    ? html`<table id="factors"><thead><tr><th>Number or address</th><th>Kind</th><th>Status</th><th>Last used</th><th></th></tr></thead><tbody>${factorRows(ctx, factors)}</tbody></table>`
    : html`<p id="no-factors">Nothing yet. Add a number or an email address below to protect your account.</p>`}
  ${v.stepUpNeeded && html`<p class="muted" id="step-up-note">For your security, you will be asked for a sign-in code before you add or remove a sign-in method or generate backup codes.</p>`}
</section>
<section class="card">
  <h2>Add a number${hasActive ? ' (or change your number)' : ''}</h2>
  <p class="muted">To change your number, add the new one, then remove the old one. We send a code to confirm it.</p>
  <form method="post" action="/settings/phone" id="add-phone">
    ${csrfField(ctx)}
    <label for="country">Country</label>
    <select id="country" name="country">
      ${COUNTRIES.map((c) => html`<option value="${c.code}" ${c.code === f.country ? 'selected' : ''}>${c.name}</option>`)}
    </select>
    <label for="phone">${v.channels.voice ? 'Phone number' : 'Mobile number'}</label>
    <input id="phone" name="phone" type="tel" autocomplete="tel" required value="${f.phone}" placeholder="(202) 555-0147">
    ${v.channels.voice &&
      html`<fieldset class="choice"><legend>Receive codes</legend>
      <label><input type="radio" name="channel" value="sms" id="channel-sms" ${f.channel === 'sms' ? 'checked' : ''}> by text message</label>
      <label><input type="radio" name="channel" value="voice" id="channel-voice" ${f.channel === 'voice' ? 'checked' : ''}> by voice call (the code is spoken)</label>
    </fieldset>`}
    <div class="row"><button type="submit" id="send-phone-code">Send code</button></div>
  </form>
</section>
${v.channels.email &&
  html`<section class="card">
  <h2>Add an email address</h2>
  <p class="muted">Codes can also come by email, for example when text messages cannot reach you. We email a code to confirm it.</p>
  <form method="post" action="/settings/email" id="add-email">
    ${csrfField(ctx)}
    <label for="email">Email address</label>
    <input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${f.email}" placeholder="you@example.com">
    <div class="row"><button type="submit" id="send-email-code">Send code by email</button></div>
  </form>
</section>`}
<section class="card">
  <h2>Add an authenticator app</h2>
  <p class="muted">An app on your phone (Google Authenticator, Microsoft Authenticator, 1Password, ...) shows a new code every 30 seconds, even without signal. Nothing is sent.${v.factors.some((x) => x.channel === 'totp' && x.status === 'active') ? ' Adding a new one replaces the current one once it is confirmed.' : ''}</p>
  <form method="post" action="/settings/authenticator" id="add-totp">
    ${csrfField(ctx)}
    <div class="row"><button type="submit" id="add-authenticator">Add an authenticator app</button></div>
  </form>
</section>
${backupSection(ctx, { backup, canGenerate: hasActive || backup?.status === 'active' })}
${rememberedSection(ctx)}`,
  );
}

/** "Forget remembered browsers" (`revokeTrustedDevices`). */
function rememberedSection(ctx: PageContext) {
  return html`<section class="card" id="remembered-browsers">
  <h2>Remembered browsers</h2>
  <p class="muted">A browser where you ticked “Remember this browser” signs in with your password only, for 30 days. Forget them all if you used a shared computer or lost a device. Adding or removing a sign-in method, or generating new backup codes, forgets them too.</p>
  <form method="post" action="/settings/devices/forget" id="forget-browsers">
    ${csrfField(ctx)}
    <div class="row"><button type="submit" class="secondary" id="forget-browsers-button">Forget remembered browsers</button></div>
  </form>
</section>`;
}

export function confirmEnrollmentPage(ctx: PageContext, v: { factor: FactorView; hasCode: boolean; resendInMs: number }): string {
  const waiting = v.resendInMs > 0;
  const thing = THING[v.factor.channel];
  const title = `Confirm your ${thing}`;
  return layout(
    ctx,
    title,
    html`<section class="card">
  <h1>${title}</h1>
  ${v.hasCode
    ? html`<p>We sent a 6-digit code <span id="sent-by">${BY_CHANNEL[v.factor.channel]}</span> to <strong id="masked-to">${destination(v.factor)}</strong>. Enter it to finish adding the ${thing}.</p>`
    : html`<p id="no-code">The code for <strong>${described(v.factor)}</strong> is no longer valid. Request a new one.</p>`}
  <form method="post" action="/settings/confirm">
    ${csrfField(ctx)}
    <label for="code">Code</label>
    <input id="code" class="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus>
    <div class="row"><button type="submit">Confirm</button></div>
  </form>
  <form method="post" action="/settings/confirm/resend" class="row">
    ${csrfField(ctx)}
    <button id="resend" class="secondary" type="submit" ${waiting ? 'disabled' : ''} data-cooldown-ms="${v.resendInMs}">Resend code<span class="countdown">${waiting ? ` in ${Math.ceil(v.resendInMs / 1000)} s` : ''}</span></button>
    <a href="/settings">Back to settings</a>
  </form>
</section>
<script src="/assets/countdown.js" defer></script>`,
    { narrow: true },
  );
}
