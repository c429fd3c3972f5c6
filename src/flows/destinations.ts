/**
 * `destinations.unique`: one active owner per number or address, also under concurrency
 * and across processes.
 *
 * Two parts. When an enrollment starts, a number or address that is an active factor of
 * another user is refused at once (`inUseByAnother`, a lookup in the factor store). That
 * check alone lets two users who enroll one number at the same moment both pass, so when a
 * factor becomes active its destination is also **claimed** (`claimDestination`): a state
 * record `owner:<hash>` (the hash is `CodeHasher.destinationKey`, keyed: never the number
 * or address) holding the owner's user id, written by compare-and-set.
 *
 * Why this order is enough: each claimant puts its factor active first, then writes the
 * claim with the version it read. The factor store stays the truth: a claim held by another
 * user is honoured only while that user still has an active factor with the destination
 * (read after the claim); otherwise it is stale (the factor was removed, replaced,
 * invalidated, or deleted in the host's database) and taken over by the same
 * compare-and-set. Every successful write, even the owner's own (which bumps the version),
 * is preceded by its writer's factor being active, so whoever reads the claim after it
 * sees the owner's active factor and loses; a write racing a takeover makes the other's
 * compare-and-set fail and re-read. The loser removes its own factor again. The claim has
 * no TTL (it must last while the owner holds the factor). When the owner removes their last
 * active factor with the destination, the claim is given up (`releaseDestination`); one
 * left behind (a factor deleted in the host's database, a fault) is stale and overwritten.
 * @internal
 * @module
 */
import { MfaError } from '../config/errors.js';
import type { Factor } from '../core/types.js';
import { changeOf, type Codec } from '../store/records.js';
import type { Context } from './context.js';

/** A number (E.164) or an address (as `parseEmail` keeps it) a factor binds. */
export type Destination = { readonly phone: string } | { readonly email: string };

/** The destination of a code-sending factor (none for TOTP and backup codes). */
export function destinationOf(f: Pick<Factor, 'phone' | 'email'>): Destination | undefined {
  if (f.phone !== undefined) return { phone: f.phone };
  if (f.email !== undefined) return { email: f.email };
  return undefined;
}

/** The known shared numbers of an instance's options, as a set (built once per options object). */
const sharedSets = new WeakMap<object, ReadonlySet<string>>();
function sharedNumbers(ctx: Context): ReadonlySet<string> {
  let set = sharedSets.get(ctx.options);
  if (!set) {
    set = new Set(ctx.options.destinations.shared);
    sharedSets.set(ctx.options, set);
  }
  return set;
}

/** Whether `e164` is a known shared number (`destinations.shared`). */
export const isSharedNumber = (ctx: Context, e164: string): boolean => ctx.options.destinations.shared.length > 0 && sharedNumbers(ctx).has(e164);

/** Whether `unique` applies to the destination: the option is on and it is not a known shared number. */
function applies(ctx: Context, d: Destination): boolean {
  return ctx.options.destinations.unique && !('phone' in d && isSharedNumber(ctx, d.phone));
}

const holds = (f: Factor, d: Destination): boolean => ('phone' in d ? f.phone === d.phone : f.email === d.email);

/**
 * Whether the destination is an active factor of another user (never when `unique` is off
 * or the number is a known shared one). Looked up with `FactorStore.findFactorsByPhone` or
 * `findFactorsByEmail`.
 */
export async function inUseByAnother(ctx: Context, userId: string, d: Destination): Promise<boolean> {
  if (!applies(ctx, d)) return false;
  const found = 'phone' in d ? await ctx.store.factors.findFactorsByPhone(d.phone) : await byEmail(ctx, d.email);
  return found.some((f) => f.userId !== userId && f.status === 'active' && holds(f, d));
}

function byEmail(ctx: Context, email: string): Promise<Factor[]> {
  const find = ctx.store.factors.findFactorsByEmail;
  // createMfa refuses `unique` with an email sender and no such lookup: this is a bug guard.
  if (!find) throw new MfaError('invalid_options', 'destinations.unique needs FactorStore.findFactorsByEmail to check email addresses');
  return find(email);
}

/** A claim: who owns a destination. */
interface Claim {
  readonly userId: string;
}

/** The claim record: `{"u":"<userId>"}`, no TTL; `null` (none) is never written. */
const claimCodec: Codec<Claim | null> = {
  kind: 'owner',
  empty: null,
  decode(raw) {
    const v: unknown = JSON.parse(raw);
    const u = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)['u'] : undefined;
    if (typeof u !== 'string' || u.length === 0) throw new TypeError('not a destination claim');
    return { userId: u };
  },
  encode(c) {
    if (!c) throw new TypeError('no claim to encode');
    return JSON.stringify({ u: c.userId });
  },
  ttl: (c) => (c ? null : 0),
};

/** The claim's state key: a keyed hash of the destination, never the number or address. */
const claimKey = (ctx: Context, d: Destination): string =>
  `owner:${ctx.hasher.destinationKey('phone' in d ? d.phone : `email|${d.email}`)}`;

/** Whether `userId` has an active factor with the destination (the factor store is the truth). */
async function holdsActive(ctx: Context, userId: string, d: Destination): Promise<boolean> {
  return (await ctx.store.factors.listFactors(userId)).some((f) => f.status === 'active' && holds(f, d));
}

/**
 * Claims the destination for `userId`, whose factor with it must already be active:
 * `true` when the user now owns it (or `unique` does not apply: nothing is written),
 * `false` when another user owns it and still has an active factor with it. Rejects with
 * `contention` after `maxCasAttempts` lost races, and with `store_failed` on a fault.
 */
export async function claimDestination(ctx: Context, userId: string, d: Destination): Promise<boolean> {
  if (!applies(ctx, d)) return true;
  const key = claimKey(ctx, d);
  for (let attempt = 0; attempt < ctx.maxAttempts; attempt++) {
    const cur = await ctx.store.readState(key, claimCodec);
    const owner = cur.state?.userId;
    if (owner !== undefined && owner !== userId && (await holdsActive(ctx, owner, d))) return false;
    // Written even when it is already ours: the new version makes a concurrent takeover
    // (which read the old one) fail and look again.
    const change = changeOf(key, claimCodec, cur, { userId }, ctx.clock.now());
    if (change === null) return true; // not reached: a claim is never "gone"
    if ((await ctx.store.commitChanges([change])).ok) return true;
  }
  throw new MfaError('contention', `Too many concurrent claims of one destination (${ctx.maxAttempts} attempts); nothing was done`);
}

/**
 * Gives the destination's claim up when `userId` owns it and no longer has an active factor
 * with it (after a removal or a number change), so no record outlives its use. The claim is
 * read before the factors, as in {@link claimDestination}: a confirmation of the same
 * destination racing this one either is seen here, or rewrites the claim and makes this
 * compare-and-set fail. Best effort: the factor is already gone, and a claim left behind
 * (a fault, lost races) is stale, so the next claimant takes it over.
 */
export async function releaseDestination(ctx: Context, userId: string, d: Destination): Promise<void> {
  if (!applies(ctx, d)) return;
  const key = claimKey(ctx, d);
  try {
    for (let attempt = 0; attempt < ctx.maxAttempts; attempt++) {
      const cur = await ctx.store.readState(key, claimCodec);
      if (cur.state?.userId !== userId || (await holdsActive(ctx, userId, d))) return;
      const change = changeOf(key, claimCodec, cur, null, ctx.clock.now());
      if (change === null || (await ctx.store.commitChanges([change])).ok) return;
    }
  } catch {
    // Stale, not dangerous: see above.
  }
}
