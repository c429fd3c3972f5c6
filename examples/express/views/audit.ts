/**
 * The audit page (`/admin/audit`): this instance's audit trail, newest first. Every value
 * comes from mfakit's events: ids, masked destinations, the admin's words; never a code or
 * a full number.
 * @module
 */
import type { AuditEntry } from '../audit-trail.js';
import { CHANNEL_NAME } from './admin-channels.js';
import { KIND_LABEL } from './factor-labels.js';
import { formatTime } from './format.js';
import { html } from './html.js';
import { layout, type PageContext } from './layout.js';

export interface AuditView {
  readonly entries: readonly AuditEntry[];
  /** How many entries the trail keeps. */
  readonly limit: number;
  /** A user's name from their id (the id itself when unknown). */
  readonly nameOf: (id: string) => string;
}

/** What happened, in words. */
function what(e: AuditEntry, now: number): string {
  const kind = e.channel !== undefined ? KIND_LABEL[e.channel] : 'Sign-in method';
  switch (e.action) {
    case 'channel.changed': {
      const name = e.channel === 'sms' || e.channel === 'voice' || e.channel === 'email' ? CHANNEL_NAME[e.channel] : kind;
      return `${name} switched ${e.enabled ? 'on' : 'off'}`;
    }
    case 'user.locked':
      return `Locked after wrong codes ${e.lockedUntil === null || e.lockedUntil === undefined ? 'until an admin unlocks' : `until ${formatTime(e.lockedUntil, now)}`}`;
    case 'user.unlocked':
      return 'Unlocked';
    case 'factor.enrolled':
      return e.by !== undefined ? `${kind} provisioned (no code sent)` : `${kind} added`;
    case 'factor.removed':
      return `${kind} removed`;
    case 'factor.invalidated':
      return `${kind} no longer usable`;
    case 'exception.added':
      return 'Put on the exception list';
    case 'exception.removed':
      return e.nothingChanged ? 'Taken off the exception list (was not on it)' : 'Taken off the exception list';
    case 'backup.generated':
      return 'New backup codes generated';
  }
}

/** Who did it: an admin's name, else the user themself or mfakit's rules. */
function who(e: AuditEntry, nameOf: (id: string) => string): string {
  if (e.by !== undefined) return nameOf(e.by);
  if (e.action === 'user.locked' || e.action === 'factor.invalidated') return 'mfakit';
  if (e.action === 'factor.enrolled' || e.action === 'factor.removed' || e.action === 'backup.generated') return 'the user';
  return '';
}

export function auditPage(ctx: PageContext, v: AuditView): string {
  return layout(
    ctx,
    'Audit log',
    html`<section class="card" id="audit-log">
  <h1>Audit log</h1>
  <p class="muted" id="audit-note">Admin actions and changes to sign-in methods, newest first: the last ${v.limit} that
  <strong>this instance</strong> of the app saw, from mfakit's events, kept in memory. A real deployment sends these
  events to its audit store instead. With several instances each keeps its own list, because an event comes from the
  instance that acted: a channel switched elsewhere is obeyed here at once (see <a href="/admin">Admin</a>), but listed
  on that instance.</p>
  ${v.entries.length === 0
    ? html`<p id="audit-empty">Nothing recorded yet.</p>`
    : html`<table id="audit"><thead><tr><th>When</th><th>What</th><th>User</th><th>By</th><th>Where</th><th>Reason</th></tr></thead><tbody>
  ${v.entries.map(
    (e) => html`<tr data-action="${e.action}">
    <td class="muted nowrap">${formatTime(e.at, ctx.now)}</td>
    <td>${what(e, ctx.now)}</td>
    <td>${e.userId !== undefined ? v.nameOf(e.userId) : ''}</td>
    <td>${who(e, v.nameOf)}</td>
    <td class="muted nowrap">${e.destination ?? ''}</td>
    <td>${e.reason ?? ''}</td>
  </tr>`,
  )}
  </tbody></table>`}
</section>`,
  );
}
