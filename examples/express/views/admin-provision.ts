/**
 * The admin page's "Provision a work phone" form: an admin binds a number the company has
 * verified (a work phone handed out to a new starter) as an active sign-in method, with no code
 * sent (`addVerifiedFactor`).
 * @module
 */
import type { User } from '../users.js';
import { html, type SafeHtml } from './html.js';
import { csrfField, type PageContext } from './layout.js';
import { COUNTRIES } from './messages.js';

/** `users`: whom the form offers (not the admin: their own numbers change in Security settings, with a code). */
export function provisionSection(ctx: PageContext, users: readonly User[]): SafeHtml {
  return html`<section class="card" id="work-phone">
  <h2>Provision a work phone</h2>
  <p class="muted">For a new user, or a number the company hands out: it becomes an active sign-in method for text
  messages at once, with no code sent, because you vouch for it. Your name and the reason go to the audit log. Landlines
  and numbers in countries we cannot text are refused, as at enrollment.</p>
  <form method="post" action="/admin/work-phone">
    ${csrfField(ctx)}
    <label for="work-phone-user">User</label>
    <select id="work-phone-user" name="userId">
      ${users.map((u) => html`<option value="${u.id}">${u.username}${u.role === 'admin' ? ' (admin)' : ''}</option>`)}
    </select>
    <label for="work-phone-country">Country</label>
    <select id="work-phone-country" name="country">
      ${COUNTRIES.map((c) => html`<option value="${c.code}">${c.name}</option>`)}
    </select>
    <label for="work-phone-number">Work phone (mobile)</label>
    <input id="work-phone-number" name="phone" type="tel" required maxlength="40" autocomplete="off" placeholder="e.g. (415) 555-2671">
    <label for="work-phone-reason">Reason</label>
    <input id="work-phone-reason" name="reason" type="text" required maxlength="200" placeholder="e.g. new starter, ticket #1234">
    <div class="row"><button type="submit">Add the work phone</button></div>
  </form>
</section>`;
}
