/**
 * The MFA challenge page: where the code went and how, the code field, attempts left, the
 * resend button with its countdown, "try another way" (the user's other factors), or the
 * lockout notice. With an authenticator app or backup codes nothing was sent: the page asks
 * for the app's code or a backup code, with no resend button and no countdown.
 *
 * The same page asks a signed-in user to confirm it is them before a change to their
 * sign-in methods ("step-up", routes/step-up.ts): then its forms post under
 * `/settings/step-up`, it says what the code is for, and "Cancel" goes back.
 * @module
 */
import type { Channel } from 'mfakit';
import { BY_CHANNEL } from './factor-labels.js';
import { formatDuration, formatTime, plural } from './format.js';
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
  /**
   * Set when the code is one the user holds (nothing was sent): from their authenticator app
   * (`totp`) or one of their backup codes (`backup`, with how many are left).
   */
  readonly holds: { readonly channel: 'totp' | 'backup'; readonly backupCodesLeft?: number } | undefined;
  /** mfakit's cooldown between two sign-in codes (`rules.cooldownMs`), for the "try another way" note. */
  readonly cooldownMs: number;
  /** The user's other factors usable now ("try another way"), authenticator apps and backup codes included. */
  readonly otherWays: readonly { readonly factorId: string; readonly channel: Channel; readonly maskedTo: string; readonly backupCodesLeft?: number }[];
  /**
   * Set on the step-up page (a signed-in user confirms it is them): what they were doing
   * ("add a number"), and where "Cancel" goes. Unset: the sign-in code page.
   */
  readonly stepUp?: { readonly doing: string; readonly cancelHref: string };
  /**
   * Set on the sign-in page: the "Remember this browser for N days" box (mfakit's
   * `trustedDevices.ttlMs`, in days) under the code field.
   */
  readonly rememberDays?: number;
}

/** Where the page's forms post: `/mfa` (sign-in) or `/settings/step-up`. */
export const STEP_UP_BASE = '/settings/step-up';
const baseOf = (v: ChallengeView) => (v.stepUp ? STEP_UP_BASE : '/mfa');

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
    : html`<form method="post" action="${baseOf(v)}/resend" class="row">
    ${csrfField(ctx)}
    <button id="resend" class="secondary" type="submit" ${waiting ? 'disabled' : ''} data-cooldown-ms="${v.resendInMs}">
      ${hasCode ? 'Resend code' : 'Send a new code'}<span class="countdown">${waiting ? ` in ${seconds} s` : ''}</span>
    </button>
  </form>`;
  const body = v.locked
    ? html`<div class="notice error" role="alert" id="lockout">${lockoutMessage(v.locked.until, ctx.now)}</div>
  <p class="muted">Nothing you do now can shorten the lock. If you did not try to sign in, change your password.</p>`
    : v.holds?.channel === 'backup'
      ? html`<p id="backup-prompt">Enter one of your backup codes (like <code class="nowrap">k7m2q-x9c4t</code>). Each code works once${v.holds.backupCodesLeft !== undefined ? html`; you have <span id="backup-left">${plural(v.holds.backupCodesLeft, 'code')}</span> left` : ''}.</p>
  ${backupForm(ctx, v)}
  ${otherWays(ctx, v, seconds)}`
      : v.holds
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
  const cancel = v.stepUp
    ? html`<p class="row"><a id="step-up-cancel" href="${v.stepUp.cancelHref}">Cancel</a></p>`
    : html`<form method="post" action="/logout" class="row">${csrfField(ctx)}<button class="link" type="submit">Cancel and sign in as someone else</button></form>`;
  return layout(
    ctx,
    v.stepUp ? 'Confirm it’s you' : 'Enter your code',
    html`<section class="card"${v.stepUp ? html` id="step-up"` : ''}>
  <h1>${v.stepUp ? 'Confirm it’s you' : 'Two-step verification'}</h1>
  ${v.stepUp && html`<p id="step-up-why">For your security, enter a sign-in code before you ${v.stepUp.doing}.</p>`}
  ${body}
  ${cancel}
</section>
<script src="/assets/countdown.js" defer></script>`,
    { narrow: true },
  );
}

function codeForm(ctx: PageContext, v: ChallengeView) {
  return html`<form method="post" action="${baseOf(v)}/verify">
    ${csrfField(ctx)}
    <label for="code">Code</label>
    <input id="code" class="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
      pattern="[0-9]{6}" maxlength="6" required autofocus>
    ${!v.holds && v.attemptsLeft !== undefined && v.attemptsLeft < v.maxTries &&
      html`<p class="muted" id="attempts-left">${plural(v.attemptsLeft, 'attempt')} left with this code.</p>`}
    ${rememberBox(v)}
    <div class="row"><button type="submit">Verify</button></div>
  </form>`;
}

/** "Remember this browser": unticked by default (a shared computer must not be remembered by accident). */
function rememberBox(v: ChallengeView) {
  if (v.rememberDays === undefined) return '';
  return html`<label class="check"><input type="checkbox" name="remember" value="on" id="remember"> Remember this browser for ${plural(v.rememberDays, 'day')}</label>
    <p class="muted" id="remember-note">Only on a computer you alone use: this browser then signs in with your password only. Forget it at any time in Security settings.</p>`;
}

/**
 * The backup code field: letters and digits (no numeric keypad, no 6-digit pattern), spaces
 * and dashes allowed (mfakit ignores them, and the case).
 */
function backupForm(ctx: PageContext, v: ChallengeView) {
  return html`<form method="post" action="${baseOf(v)}/verify">
    ${csrfField(ctx)}
    <label for="code">Backup code</label>
    <input id="code" class="code backup" name="code" type="text" autocomplete="one-time-code" autocapitalize="none" autocorrect="off" spellcheck="false"
      maxlength="40" placeholder="xxxxx-xxxxx" required autofocus>
    ${rememberBox(v)}
    <div class="row"><button type="submit">Verify</button></div>
  </form>`;
}

/**
 * "Try another way": one button per other factor. Sending ones wait out the same cooldown as
 * "Resend" (mfakit's cooldown is per purpose, not per factor); an authenticator app and
 * backup codes send nothing, so their buttons never wait.
 */
function otherWays(ctx: PageContext, v: ChallengeView, seconds: number) {
  if (v.otherWays.length === 0) return '';
  const waiting = v.resendInMs > 0;
  const sending = v.otherWays.some((w) => w.channel !== 'totp' && w.channel !== 'backup');
  const holding = v.otherWays.filter((w) => w.channel === 'totp' || w.channel === 'backup');
  return html`<section id="other-ways">
    <h2>Try another way</h2>
    <p class="muted">${v.holds?.channel === 'totp'
      ? 'No access to your authenticator app? Use another way.'
      : v.holds?.channel === 'backup'
        ? 'No backup codes at hand? Use another way.'
        : 'Did the code not arrive? Use another way; a code sent before then stops working.'}</p>
    ${waiting && sending &&
      html`<p class="muted" id="switch-wait">A code was sent less than ${formatDuration(v.cooldownMs)} ago, so a code can be sent another way only when the countdown on its button ends (in ${seconds} s).${holding.length > 0 ? ` Using ${holding.map((w) => (w.channel === 'totp' ? 'your authenticator app' : 'a backup code')).join(' or ')} sends nothing, so it works right away.` : ''}</p>`}
    <ul class="other-ways">
    ${v.otherWays.map(
      (w) => html`<li><form method="post" action="${baseOf(v)}/send" class="inline">
      ${csrfField(ctx)}<input type="hidden" name="factorId" value="${w.factorId}">
      ${w.channel === 'totp'
        ? html`<button class="secondary" type="submit" data-factor="${w.factorId}" data-channel="${w.channel}">Use your authenticator app<span class="countdown"></span></button>`
        : w.channel === 'backup'
        ? html`<button class="secondary" type="submit" data-factor="${w.factorId}" data-channel="${w.channel}">Use a backup code<span class="countdown"></span></button>${w.backupCodesLeft !== undefined ? html` <span class="muted">(${w.backupCodesLeft} left)</span>` : ''}`
        : html`<button class="secondary" type="submit" data-factor="${w.factorId}" data-channel="${w.channel}" ${waiting ? 'disabled' : ''} data-cooldown-ms="${v.resendInMs}">Send a code ${BY_CHANNEL[w.channel]} to ${w.maskedTo}<span class="countdown">${waiting ? ` in ${seconds} s` : ''}</span></button>`}
    </form></li>`,
    )}
    </ul>
  </section>`;
}
