/**
 * The MFA challenge page: where the code went and how, the code field, attempts left, the
 * resend button with its countdown, "try another way" (the user's other factors), or the
 * lockout notice. With an authenticator app nothing was sent: the page asks for the app's
 * code, with no resend button and no countdown.
 * @module
 */
import type { Channel } from 'mfakit';
import { BY_CHANNEL } from './factor-labels.js';
import { formatTime, plural } from './format.js';
import { html } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';
import { lockoutMessage } from './messages.js';

/** What the page shows, computed from `mfa.getStatus` by the route. */
export interface ChallengeView {
  /** Where the live code went (masked) and how, when there is one. */
  readonly sentTo: { readonly maskedTo: string; readonly channel: Channel } | undefined;
  readonly expiresAt: number | undefined;
  readonly attemptsLeft: number | undefined;
  readonly maxTries: number;
  /** Set when the user is locked (`until: null` = until an admin unlocks). */
  readonly locked: { readonly until: number | null } | undefined;
  /** Milliseconds until a new code may be requested (0: now). Computed on the server from the app clock. */
  readonly resendInMs: number;
  /**
   * Set when no new code can be sent at all (SMS switched off, every number replied STOP):
   * the sentence to show instead of the resend button.
   */
  readonly cannotSend: string | undefined;
  /** Set when the code comes from the user's authenticator app (nothing was sent). */
  readonly authenticator: boolean;
  /** The user's other factors usable now ("try another way"), authenticator apps included. */
  readonly otherWays: readonly { readonly factorId: string; readonly channel: Channel; readonly maskedTo: string }[];
}

export function challengePage(ctx: PageContext, v: ChallengeView): string {
  const hasCode = v.sentTo !== undefined;
  const waiting = v.resendInMs > 0;
  const seconds = Math.ceil(v.resendInMs / 1000);
  // One truth per page: no "code on its way" next to "no active code", no button that cannot work.
  const noCode = v.cannotSend !== undefined
    ? html`<p id="no-code">There is no active code.</p>`
    : html`<p id="no-code">There is no active code. ${waiting ? 'You can request a new one when the countdown on the button below ends.' : 'Request a new one below.'}</p>`;
  const resend = v.cannotSend !== undefined
    ? html`<div class="notice error" role="alert" id="cannot-send">${v.cannotSend}</div>`
    : html`<form method="post" action="/mfa/resend" class="row">
    ${csrfField(ctx)}
    <button id="resend" class="secondary" type="submit" ${waiting ? 'disabled' : ''} data-cooldown-ms="${v.resendInMs}">
      ${hasCode ? 'Resend code' : 'Send a new code'}<span class="countdown">${waiting ? ` in ${seconds} s` : ''}</span>
    </button>
  </form>`;
  const body = v.locked
    ? html`<div class="notice error" role="alert" id="lockout">${lockoutMessage(v.locked.until, ctx.now)}</div>
  <p class="muted">Nothing you do now can shorten the lock. If you did not try to sign in, change your password.</p>`
    : v.authenticator
      ? html`<p id="app-prompt">Enter the 6-digit code from your authenticator app.</p>
  ${codeForm(ctx, v)}
  ${otherWays(ctx, v, seconds)}`
      : html`${hasCode
        ? html`<p>We sent a 6-digit code <span id="sent-by">${BY_CHANNEL[v.sentTo.channel]}</span> to <strong id="masked-to">${v.sentTo.maskedTo}</strong>.
    ${v.expiresAt !== undefined && html`It is valid until ${formatTime(v.expiresAt, ctx.now)}.`}</p>
  ${codeForm(ctx, v)}`
        : noCode}
  ${resend}
  ${otherWays(ctx, v, seconds)}`;
  return layout(
    ctx,
    'Enter your code',
    html`<section class="card">
  <h1>Two-step verification</h1>
  ${body}
  <form method="post" action="/logout" class="row">${csrfField(ctx)}<button class="link" type="submit">Cancel and sign in as someone else</button></form>
</section>
<script src="/assets/countdown.js" defer></script>`,
    { narrow: true },
  );
}

function codeForm(ctx: PageContext, v: ChallengeView) {
  return html`<form method="post" action="/mfa/verify">
    ${csrfField(ctx)}
    <label for="code">Code</label>
    <input id="code" class="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
      pattern="[0-9]{6}" maxlength="6" required autofocus>
    ${!v.authenticator && v.attemptsLeft !== undefined && v.attemptsLeft < v.maxTries &&
      html`<p class="muted" id="attempts-left">${plural(v.attemptsLeft, 'attempt')} left with this code.</p>`}
    <div class="row"><button type="submit">Verify</button></div>
  </form>`;
}

/**
 * "Try another way": one button per other factor. Sending ones wait out the same cooldown as
 * "Resend"; an authenticator app sends nothing, so its button never waits.
 */
function otherWays(ctx: PageContext, v: ChallengeView, seconds: number) {
  if (v.otherWays.length === 0) return '';
  const waiting = v.resendInMs > 0;
  return html`<section id="other-ways">
    <h2>Try another way</h2>
    <p class="muted">${v.authenticator
      ? 'No access to your authenticator app? Use another way.'
      : 'Did the code not arrive? Use another way; a code sent before then stops working.'}</p>
    <ul class="other-ways">
    ${v.otherWays.map(
      (w) => html`<li><form method="post" action="/mfa/send" class="inline">
      ${csrfField(ctx)}<input type="hidden" name="factorId" value="${w.factorId}">
      ${w.channel === 'totp'
        ? html`<button class="secondary" type="submit" data-factor="${w.factorId}" data-channel="${w.channel}">Use your authenticator app<span class="countdown"></span></button>`
        : html`<button class="secondary" type="submit" data-factor="${w.factorId}" data-channel="${w.channel}" ${waiting ? 'disabled' : ''} data-cooldown-ms="${v.resendInMs}">Send a code ${BY_CHANNEL[w.channel]} to ${w.maskedTo}<span class="countdown">${waiting ? ` in ${seconds} s` : ''}</span></button>`}
    </form></li>`,
    )}
    </ul>
  </section>`;
}
