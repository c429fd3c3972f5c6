/**
 * The audit trail behind `/admin/audit`: a bounded, in-memory list of structured entries built
 * from mfakit's events (`auditLog` in mfa-setup.ts records them). Entries hold ids, masked
 * destinations and the admin's words, never a code or a full number: mfakit's events carry
 * neither.
 *
 * ADAPT: a real deployment sends these entries (or the events themselves) to its audit store
 * (a database table, a SIEM), where they outlive a restart. This list is per process: with
 * several instances each keeps its own, because an event is emitted only by the instance that
 * acted (a channel switched on instance A is obeyed by B at once, through the shared settings,
 * but appears only in A's list).
 * @module
 */
import type { Channel } from 'mfakit';

/** The mfakit events the trail keeps: admin actions, and what changes who can sign in how. */
export type AuditAction =
  | 'channel.changed'
  | 'user.locked'
  | 'user.unlocked'
  | 'factor.enrolled'
  | 'factor.removed'
  | 'factor.invalidated'
  | 'exception.added'
  | 'exception.removed'
  | 'backup.generated';

/** One entry, as the audit page shows it. */
export interface AuditEntry {
  readonly action: AuditAction;
  /** When (epoch ms): the event's `at`, else the app clock when the event arrived. */
  readonly at: number;
  /** The user concerned (absent for a channel switch). */
  readonly userId?: string;
  /** Who did it, as the app passed it to mfakit (an admin's id); absent when the user did it. */
  readonly by?: string;
  /** Why, in the admin's words (or mfakit's reason code for an invalidated factor). */
  readonly reason?: string;
  /** The masked number or address (`+1 ••• ••• 0147`, `a•••@example.com`). */
  readonly destination?: string;
  /** The factor's kind, or the channel switched. */
  readonly channel?: Channel;
  /** `channel.changed`: whether the channel is on now. */
  readonly enabled?: boolean;
  /** `user.locked`: until when (`null`: until an admin unlocks). */
  readonly lockedUntil?: number | null;
  /** The action found nothing to change (an exception removed that was not on the list). */
  readonly nothingChanged?: true;
}

/** Entries kept by default: enough for a demo, small enough to never matter for memory. */
export const AUDIT_TRAIL_LIMIT = 500;

/** A bounded list: past the limit, the oldest entry goes. */
export class AuditTrail {
  readonly #entries: AuditEntry[] = [];

  constructor(readonly limit = AUDIT_TRAIL_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  }

  record(entry: AuditEntry): void {
    this.#entries.push(Object.freeze({ ...entry }));
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  /** Newest first. */
  list(): readonly AuditEntry[] {
    return [...this.#entries].reverse();
  }
}
