/** The admin page: channel switches, users (unlock), users' sign-in methods (remove), a work phone to provision, exception list. @module */
import type { ExceptionEntry, MfaStatus } from 'mfakit';
import type { User } from '../users.js';
import { channelsSection, type ChannelRow } from './admin-channels.js';
import { provisionSection } from './admin-provision.js';
import { destination, KIND_LABEL } from './factor-labels.js';
import { formatTime } from './format.js';
import { html } from './html.js';
import { csrfField, layout, type PageContext } from './layout.js';

export interface AdminView {
  /** Each code channel's shared switch. */
  readonly channels: readonly ChannelRow[];
  readonly users: readonly { readonly user: User; readonly status: MfaStatus }[];
  readonly exceptions: readonly ExceptionEntry[];
}

const EXPIRY_CHOICES = [
  { value: '', label: 'Never (remove by hand)' },
  { value: '1', label: '1 hour' },
  { value: '24', label: '1 day' },
  { value: '168', label: '7 days' },
];

export function adminPage(ctx: PageContext, v: AdminView): string {
  const nameOf = (id: string) => v.users.find((u) => u.user.id === id)?.user.username ?? id;
  return layout(
    ctx,
    'Admin',
    html`<section class="card" id="admin">
  <h1>Admin</h1>
  <p>Everything you do here is recorded with your name and reason: see the <a href="/admin/audit" id="audit-link">audit log</a>.</p>
</section>
${channelsSection(ctx, v.channels, nameOf)}
<section class="card">
  <h2>Users</h2>
  <p class="muted" id="forget-note">“Forget remembered browsers” makes every browser where the user ticked “Remember this browser” ask for a code again. A change to their sign-in methods, a lock or an unlock forgets them too.</p>
  <table id="users"><thead><tr><th>User</th><th>Factors</th><th>MFA state</th><th></th></tr></thead><tbody>
  ${v.users.map(
    ({ user, status }) => html`<tr data-user="${user.username}">
    <td>${user.username} <span class="muted">${user.role === 'admin' ? '(admin)' : ''}</span></td>
    <td>${status.factors.filter((f) => f.status === 'active').length}</td>
    <td>${status.locked
      ? html`<span class="badge locked">locked</span> <span class="muted">${status.lockedUntil === null || status.lockedUntil === undefined ? 'until unlocked' : `until ${formatTime(status.lockedUntil, ctx.now)}`}</span>`
      : status.failures > 0
        ? html`<span class="muted">${status.failures} wrong codes</span>`
        : html`<span class="muted">ok</span>`}</td>
    <td>${(status.locked || status.failures > 0) &&
      html`<form class="inline" method="post" action="/admin/users/${user.id}/unlock">${csrfField(ctx)}<button class="secondary" type="submit">Unlock</button></form>`}
      <form class="inline" method="post" action="/admin/users/${user.id}/devices/forget">${csrfField(ctx)}<button class="secondary" type="submit" data-forget="${user.username}">Forget remembered browsers</button></form></td>
  </tr>`,
  )}
  </tbody></table>
</section>
<section class="card" id="user-factors">
  <h2>Users' sign-in methods</h2>
  <p class="muted">A user lost their phone? Remove that method for them (no code is asked of them); your name and the reason go to the audit log.</p>
  <table><thead><tr><th>User</th><th>Method</th><th>Status</th><th></th></tr></thead><tbody>
  ${v.users.flatMap(({ user, status }) =>
    status.factors.map(
      (f) => html`<tr data-user="${user.username}" data-factor="${f.id}" data-channel="${f.channel}">
    <td>${user.username}</td><td>${KIND_LABEL[f.channel]} <span class="muted nowrap">${f.channel === 'totp' || f.channel === 'backup' ? '' : destination(f)}</span></td>
    <td class="muted">${f.status}</td>
    <td>${user.id === ctx.user?.id
      ? html`<a href="/settings">Security settings</a>`
      : html`<form class="inline" method="post" action="/admin/users/${user.id}/factors/${f.id}/remove">${csrfField(ctx)}
      <input name="reason" type="text" required maxlength="200" placeholder="Reason (e.g. lost phone, ticket #1234)" aria-label="Reason for removing it">
      <button class="danger" type="submit">Remove</button></form>`}</td>
  </tr>`,
    ),
  )}
  </tbody></table>
</section>
${provisionSection(ctx, v.users.map(({ user }) => user).filter((u) => u.id !== ctx.user?.id))}
<section class="card">
  <h2>MFA exception list</h2>
  <p class="muted">Users on this list sign in with their password only. Administrators can never be added.</p>
  ${v.exceptions.length > 0
    ? html`<table id="exceptions"><thead><tr><th>User</th><th>Reason</th><th>Added</th><th>Expires</th><th></th></tr></thead><tbody>
    ${v.exceptions.map(
      (e) => html`<tr data-user="${nameOf(e.userId)}">
      <td>${nameOf(e.userId)}</td><td>${e.reason}</td>
      <td class="muted">by ${nameOf(e.addedBy)}, ${formatTime(e.addedAt, ctx.now)}</td>
      <td class="muted">${e.expiresAt !== undefined ? formatTime(e.expiresAt, ctx.now) : 'never'}</td>
      <td><form class="inline" method="post" action="/admin/exceptions/${e.userId}/remove">${csrfField(ctx)}
        <input name="reason" type="text" maxlength="200" placeholder="Reason (optional)" aria-label="Reason for removing the entry">
        <button class="danger" type="submit">Remove</button></form></td>
    </tr>`,
    )}
    </tbody></table>`
    : html`<p id="no-exceptions">Nobody is on the list.</p>`}
  <form method="post" action="/admin/exceptions">
    ${csrfField(ctx)}
    <label for="exception-user">User</label>
    <select id="exception-user" name="userId">
      ${v.users.map(({ user }) => html`<option value="${user.id}">${user.username}${user.role === 'admin' ? ' (admin)' : ''}</option>`)}
    </select>
    <label for="exception-reason">Reason</label>
    <input id="exception-reason" name="reason" type="text" required maxlength="200" placeholder="e.g. lost phone, ticket #1234">
    <label for="exception-expiry">Expires after</label>
    <select id="exception-expiry" name="expiresInHours">
      ${EXPIRY_CHOICES.map((c) => html`<option value="${c.value}">${c.label}</option>`)}
    </select>
    <div class="row"><button type="submit">Add to the exception list</button></div>
  </form>
</section>`,
  );
}
