/**
 * The dev outbox: text messages, voice calls and emails the development senders "sent"
 * (never in production), each with its code shown apart.
 * @module
 */
import { maskEmail, maskPhone } from 'mfakit';
import type { DevMessage } from '../dev-outbox.js';
import { KIND_LABEL } from './factor-labels.js';
import { formatTime } from './format.js';
import { html } from './html.js';
import { layout, type PageContext } from './layout.js';

/** What was sent: the email's subject and text, the words of the call, or the text message. */
function content(m: DevMessage) {
  if (m.channel === 'email') {
    return html`<div class="subject"><strong>Subject:</strong> <span data-subject>${m.subject ?? ''}</span></div><pre class="email" data-body>${m.body}</pre>`;
  }
  if (m.channel === 'voice') return html`<div class="muted">The call says:</div><pre class="voice" data-body>${m.body}</pre>`;
  return html`<pre class="sms" data-body>${m.body}</pre>`;
}

export function outboxPage(ctx: PageContext, messages: readonly DevMessage[]): string {
  return layout(
    ctx,
    'Dev outbox',
    html`<section class="card">
  <h1>Dev outbox</h1>
  <p class="muted">Development only: text messages, voice calls and emails are kept here instead of being delivered.
    Newest first. This page does not exist when NODE_ENV=production.</p>
  ${messages.length === 0
    ? html`<p id="empty-outbox">No messages yet.</p>`
    : html`<table id="outbox"><thead><tr><th>Sent</th><th>How</th><th>To</th><th>Code and message</th></tr></thead><tbody>
    ${messages.map(
      (m) => html`<tr class="message" data-channel="${m.channel}" data-to="${m.to}" data-purpose="${m.purpose}">
      <td class="muted nowrap">${formatTime(m.sentAt, ctx.now)}</td>
      <td class="nowrap">${KIND_LABEL[m.channel]}</td>
      <td class="nowrap">${m.channel === 'email' ? maskEmail(m.to) : maskPhone(m.to)}<br><span class="muted">${m.purpose === 'enroll' ? 'enrollment' : 'sign-in'}</span></td>
      <td><code class="otp" data-code>${m.code ?? ''}</code>${content(m)}</td>
    </tr>`,
    )}
    </tbody></table>`}
</section>`,
  );
}
