/** The dev outbox: text messages the development sender "sent" (never in production). @module */
import { maskPhone } from 'mfakit';
import type { DevMessage } from '../dev-outbox.js';
import { formatTime } from './format.js';
import { html } from './html.js';
import { layout, type PageContext } from './layout.js';

export function outboxPage(ctx: PageContext, messages: readonly DevMessage[]): string {
  return layout(
    ctx,
    'Dev outbox',
    html`<section class="card">
  <h1>Dev outbox</h1>
  <p class="muted">Development only: text messages are kept here instead of being delivered. Newest first.
    This page does not exist when NODE_ENV=production.</p>
  ${messages.length === 0
    ? html`<p id="empty-outbox">No messages yet.</p>`
    : html`<table id="outbox"><thead><tr><th>Sent</th><th>To</th><th>Message</th></tr></thead><tbody>
    ${messages.map(
      (m) => html`<tr class="message" data-to="${m.to}" data-purpose="${m.purpose}">
      <td class="muted nowrap">${formatTime(m.sentAt, ctx.now)}</td>
      <td class="nowrap">${maskPhone(m.to)}<br><span class="muted">${m.purpose === 'enroll' ? 'enrollment' : 'sign-in'}</span></td>
      <td><code class="otp" data-code>${m.code ?? ''}</code><pre class="sms">${m.body}</pre></td>
    </tr>`,
    )}
    </tbody></table>`}
</section>`,
  );
}
