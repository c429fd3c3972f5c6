/**
 * Who asks for an admin action and why: the host's words, recorded in the action's event.
 * @module
 */

/**
 * The audit note of an admin action (`unlock`, `exceptions.remove`, `setChannelEnabled`):
 * who does it and why. Both optional, both strongly recommended: they are what the event
 * (`user.unlocked`, `exception.removed`, `channel.changed`) carries, with the time, to your
 * audit log.
 *
 * @example
 * ```ts
 * const note: AuditInput = { by: 'admin-1', reason: 'locked out after a phone change, ticket #4521' };
 * await mfa.unlock('u1', note);
 * ```
 */
export interface AuditInput {
  /** Who (an admin's id or name; at most 256 characters). */
  readonly by?: string | undefined;
  /** Why (at most 500 characters). */
  readonly reason?: string | undefined;
}

/** An {@link AuditInput} once checked: absent fields are absent, never `undefined`. @internal */
export interface AuditNote {
  readonly by?: string;
  readonly reason?: string;
}
