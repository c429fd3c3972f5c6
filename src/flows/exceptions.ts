/**
 * The exception list: users who skip MFA, with who/when/why and an optional expiry.
 * Admins can never be added.
 * @internal
 * @module
 */
import { MfaError } from '../config/errors.js';
import { MAX_REASON_LENGTH, options, text } from '../config/validate.js';
import { exceptionApplies, validExpiry } from '../core/exceptions.js';
import type { AuditNote } from '../core/audit.js';
import type { Result } from '../core/outcomes.js';
import type { ExceptionEntry } from '../core/types.js';
import type { Context } from './context.js';

/**
 * What `exceptions.add` takes.
 *
 * @example
 * ```ts
 * const entry: ExceptionInput = { by: 'admin-1', reason: 'lost phone, ticket #4521', expiresAt: Date.now() + 86_400_000 };
 * ```
 */
export interface ExceptionInput {
  /** Who adds the entry (an admin's id or name). */
  readonly by: string;
  /** Why the user may skip MFA. */
  readonly reason: string;
  /** When the entry stops applying, in epoch ms (must be in the future). */
  readonly expiresAt?: number;
}

/**
 * The entry of a user if it applies now: not expired, and the user is not an admin *now*
 * (promoted after being excepted). Without an `isAdmin` hook no entry applies (fail closed).
 */
export async function activeException(ctx: Context, userId: string): Promise<ExceptionEntry | null> {
  const entry = await ctx.store.factors.getException(userId);
  if (!entry || !exceptionApplies(entry, ctx.clock.now())) return null;
  const isAdmin = ctx.options.isAdmin;
  if (!isAdmin) {
    warnNoIsAdmin();
    return null;
  }
  return (await isAdmin(userId)) ? null : entry;
}

let warned = false;
/** Says once per process why exception-list entries are ignored. */
function warnNoIsAdmin(): void {
  if (warned) return;
  warned = true;
  process.emitWarning('mfakit: exception-list entries are ignored because createMfa has no isAdmin hook (admins must never skip MFA)', {
    code: 'MFAKIT_NO_IS_ADMIN',
  });
}

/** The `isAdmin` hook, which the exception list cannot do without. */
function requireIsAdmin(ctx: Context): NonNullable<Context['options']['isAdmin']> {
  const isAdmin = ctx.options.isAdmin;
  if (!isAdmin) {
    throw new MfaError('invalid_options', 'The exception list needs createMfa({ isAdmin }): admins must never skip MFA, so mfakit must be able to tell who is one');
  }
  return isAdmin;
}

/** Adds (or replaces) a user's entry; admins are refused. */
export async function addException(
  ctx: Context,
  userId: string,
  input: unknown,
): Promise<Result<{ entry: ExceptionEntry }, 'exception_not_allowed'>> {
  const o = options<ExceptionInput>(input, 'exception');
  const by = text(o.by, 'by');
  const reason = text(o.reason, 'reason', MAX_REASON_LENGTH);
  const now = ctx.clock.now();
  if (!validExpiry(o.expiresAt, now)) {
    throw new MfaError('invalid_argument', 'expiresAt must be a time in the future, in epoch milliseconds');
  }
  const isAdmin = requireIsAdmin(ctx);
  if (await isAdmin(userId)) return { ok: false, error: 'exception_not_allowed' };
  const entry: ExceptionEntry = {
    userId,
    addedBy: by,
    addedAt: now,
    reason,
    ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}),
  };
  await ctx.store.factors.putException(entry);
  ctx.events.emit('exception.added', {
    userId,
    addedBy: by,
    by,
    at: now,
    reason,
    ...(entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}),
  });
  return { ok: true, entry };
}

/** Removes a user's entry; `exception.removed` says who asked and why (also when there was none, for the audit). */
export async function removeException(ctx: Context, userId: string, audit: AuditNote): Promise<{ ok: true; removed: boolean }> {
  const removed = await ctx.store.factors.deleteException(userId);
  ctx.events.emit('exception.removed', { userId, removed, at: ctx.clock.now(), ...audit });
  return { ok: true, removed };
}

/** Every entry that applies now. */
export async function listExceptions(ctx: Context): Promise<ExceptionEntry[]> {
  const all = await ctx.store.factors.listExceptions();
  const now = ctx.clock.now();
  return all.filter((e) => exceptionApplies(e, now));
}
