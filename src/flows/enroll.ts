/**
 * Enrollment of the code-sending kinds: an address (a number for SMS and voice, an email
 * address) → checks → pending factor and code → confirmation → `active` factor.
 * @internal
 * @module
 */
import type { CountryCode } from 'libphonenumber-js';
import { parseEmail } from '../config/email.js';
import type { CodeSent, ConfirmEnrollmentError, EnrollEmailError, EnrollError, Failure, Result, SendError, Verified } from '../core/outcomes.js';
import { hasConfirmedFactor } from '../core/step-up.js';
import type { Factor } from '../core/types.js';
import { randomId } from '../factors/code.js';
import { checkNumber } from '../factors/phone.js';
import type { Context } from './context.js';
import { issueAndSend } from './deliver.js';
import { claimDestination, type Destination, destinationOf, inUseByAnother } from './destinations.js';
import { stepUpCheck } from './step-up.js';
import { maskedOf, replaceFactor } from './factors.js';
import { verifyCode, verifyTotp } from './verify.js';

/** Options of {@link enrollNumber} once checked. */
export interface EnrollNumberInput {
  readonly country?: CountryCode | undefined;
  readonly locale?: string | undefined;
  /** The confirmed factor this enrollment replaces once confirmed (a number change). */
  readonly replaces?: string | undefined;
  /** The client's IP, for the per-IP budget and `riskCheck`. */
  readonly ip?: string | undefined;
}

/**
 * Starts enrolling a number for SMS or voice codes: checks it, creates a pending factor, sends
 * a code. Without a number (`input` undefined), the number of the replaced factor, else of the
 * user's most recently confirmed number factor, is enrolled again (Okta's re-enrollment).
 */
export async function enrollNumber(
  ctx: Context,
  userId: string,
  channel: 'sms' | 'voice',
  input: string | undefined,
  opts: EnrollNumberInput,
): Promise<Result<CodeSent, EnrollError>> {
  const target = await replacedAndNumber(ctx, userId, input, opts.replaces);
  if ('ok' in target) return target;
  const checked = await checkNumber(ctx.options, userId, target.number, target.number === input ? opts.country : undefined, channel);
  if ('ok' in checked) return checked;
  // Step-up first: only a user who just proved a factor may learn whether a number is taken.
  const stepUp = await stepUpCheck(ctx, userId);
  if (stepUp) return stepUp;
  if (await inUseByAnother(ctx, userId, { phone: checked.e164 })) return { ok: false, error: 'destination_in_use' };
  const factor: Factor = { id: randomId('f'), userId, channel, status: 'pending', phone: checked.e164, createdAt: ctx.clock.now(), ...(target.replaces ? { replaces: target.replaces } : {}) };
  return enrollPending(ctx, factor, opts.locale, opts.ip);
}

/**
 * The factor an enrollment replaces (it must exist and be confirmed) and the number to enroll:
 * the one given, else the replaced factor's, else the user's last confirmed number.
 */
async function replacedAndNumber(
  ctx: Context,
  userId: string,
  input: string | undefined,
  replacesId: string | undefined,
): Promise<{ number: string; replaces?: string } | Failure<'factor_not_found' | 'no_verified_number'>> {
  const all = input === undefined || replacesId !== undefined ? await ctx.store.factors.listFactors(userId) : [];
  const replaced = replacesId === undefined ? undefined : all.find((f) => f.id === replacesId && f.status !== 'pending');
  if (replacesId !== undefined && !replaced) return { ok: false, error: 'factor_not_found' };
  const number = input ?? replaced?.phone ?? lastConfirmedNumber(all);
  if (number === undefined) return { ok: false, error: 'no_verified_number' };
  return { number, ...(replaced ? { replaces: replaced.id } : {}) };
}

/** The number of the user's most recently confirmed SMS or voice factor (active, or invalid since). */
function lastConfirmedNumber(factors: readonly Factor[]): string | undefined {
  let best: Factor | undefined;
  for (const f of factors) {
    if (f.phone === undefined || f.activatedAt === undefined) continue;
    if (!best || f.activatedAt > (best.activatedAt ?? 0)) best = f;
  }
  return best?.phone;
}

/** Starts enrolling an email address: checks it, creates a pending factor, sends a code. */
export async function enrollEmail(
  ctx: Context,
  userId: string,
  input: string,
  opts: { locale?: string | undefined; ip?: string | undefined },
): Promise<Result<CodeSent, EnrollEmailError>> {
  const checked = parseEmail(input);
  if ('ok' in checked) return checked;
  const stepUp = await stepUpCheck(ctx, userId);
  if (stepUp) return stepUp;
  if (await inUseByAnother(ctx, userId, { email: checked.email })) return { ok: false, error: 'destination_in_use' };
  return enrollPending(ctx, { id: randomId('f'), userId, channel: 'email', status: 'pending', email: checked.email, createdAt: ctx.clock.now() }, opts.locale, opts.ip);
}

/** Saves a pending factor with its enrollment code (both or neither); an earlier pending enrollment is replaced. */
async function enrollPending(ctx: Context, factor: Factor, locale: string | undefined, ip: string | undefined): Promise<Result<CodeSent, SendError>> {
  const store = ctx.store.factors;
  const userId = factor.userId;
  const res = await issueAndSend(ctx, userId, factor, 'enroll', locale, {
    afterCommit: () => store.putFactor(factor),
    onUndo: async () => {
      await store.deleteFactor(userId, factor.id);
    },
    ip,
  });
  if (res.ok) {
    const stale = (await store.listFactors(userId)).filter((f) => f.status === 'pending' && f.id !== factor.id);
    for (const f of stale) await store.deleteFactor(userId, f.id);
  }
  return res;
}

/**
 * Confirms an enrollment code: the pending factor becomes `active` (under
 * `destinations.unique`, only if the user wins the destination's claim; else it is removed
 * and the result is `destination_in_use`).
 */
export async function confirmEnrollment(ctx: Context, userId: string, input: string, factorId: string | undefined): Promise<Result<Verified, ConfirmEnrollmentError>> {
  const store = ctx.store.factors;
  const all = await store.listFactors(userId);
  // The user's first factor is their proof of possession (step-up): the next change need not ask again.
  const proof = ctx.policy.stepUpMs > 0 && !hasConfirmedFactor(all);
  const named = factorId === undefined ? undefined : all.find((f) => f.id === factorId);
  const totp = named?.channel === 'totp' && named.status === 'pending' ? named : undefined;
  const res = totp ? await verifyTotp(ctx, userId, totp, input, 'enroll', { proof }) : await verifyCode(ctx, userId, input, 'enroll', { factorId, proof });
  if (!res.ok) return res;
  const factor = await store.getFactor(userId, res.factorId);
  if (!factor || factor.status !== 'pending') return { ok: false, error: 'factor_not_found' };
  const at = ctx.clock.now();
  const { replaces, ...confirmed } = factor;
  const active: Factor = { ...confirmed, status: 'active', activatedAt: at };
  if (!(await saveActive(ctx, active, all))) return { ok: false, error: 'destination_in_use' };
  ctx.events.emit('factor.enrolled', { userId, factorId: active.id, channel: active.channel, ...maskedOf(active), at });
  const replaced = replaces === undefined ? undefined : all.find((f) => f.id === replaces);
  if (replaced) await replaceFactor(ctx, replaced, active.id);
  ctx.events.emit('verification.succeeded', { userId, factorId: active.id, channel: active.channel, purpose: 'enroll' });
  return { ok: true, factorId: active.id, channel: active.channel, purpose: 'enroll' };
}

/**
 * Saves a factor that just became active and, under `destinations.unique`, claims its
 * destination (`destinations.ts`): resolves `false`, the factor removed again, when another
 * user owns it (a fault or `contention` removes it too, then rejects). The same address
 * enrolled again replaces its older factor (e.g. one invalidated by STOP), which hands on
 * the preferred mark if it had it.
 */
export async function saveActive(ctx: Context, active: Factor, all: readonly Factor[]): Promise<boolean> {
  const store = ctx.store.factors;
  const userId = active.userId;
  await store.putFactor(active);
  const destination = destinationOf(active);
  if (destination !== undefined && !(await claimed(ctx, active, destination))) return false;
  const older = all.filter((f) => f.id !== active.id && f.channel === active.channel && f.phone === active.phone && f.email === active.email);
  if (older.length === 0) return true;
  const preferred = await store.getPreferred(userId);
  for (const f of older) await store.deleteFactor(userId, f.id);
  if (preferred !== null && older.some((f) => f.id === preferred)) await store.setPreferred(userId, active.id);
  return true;
}

/** Claims the destination of an active factor; a loss, or a claim that failed, removes the factor again. */
async function claimed(ctx: Context, active: Factor, destination: Destination): Promise<boolean> {
  let won: boolean;
  try {
    won = await claimDestination(ctx, active.userId, destination);
  } catch (err) {
    await rollBack(ctx, active).catch(() => undefined); // the claim's own error is the one to report
    throw err;
  }
  if (!won) await rollBack(ctx, active);
  return won;
}

/**
 * Removes a factor that lost its destination's claim (or whose claim failed), trying again
 * on a fault: while it stands, two users hold one destination. A store down for all three
 * tries rejects (the caller gets `store_failed`, never a success), and the factor may be
 * left active: the one case `destinations.unique` cannot close without a working store.
 */
async function rollBack(ctx: Context, factor: Factor): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.store.factors.deleteFactor(factor.userId, factor.id);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}
