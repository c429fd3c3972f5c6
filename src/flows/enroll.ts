/**
 * SMS enrollment: number → checks (the SMS kind) → pending factor and code → confirmation
 * → `active` factor.
 * @internal
 * @module
 */
import type { CountryCode } from 'libphonenumber-js';
import { maskPhone } from '../config/phone.js';
import type { CodeSent, EnrollError, Result, Verified, VerifyError } from '../core/outcomes.js';
import type { Factor } from '../core/types.js';
import { randomId } from '../factors/code.js';
import { checkSmsNumber } from '../factors/sms.js';
import type { Context } from './context.js';
import { issueAndSend } from './deliver.js';
import { verifyCode } from './verify.js';

/** Starts enrolling an SMS number: checks it, creates a pending factor, sends a code. */
export async function enrollSms(
  ctx: Context,
  userId: string,
  input: string,
  opts: { country?: CountryCode | undefined; locale?: string | undefined },
): Promise<Result<CodeSent, EnrollError>> {
  const checked = await checkSmsNumber(ctx.options, userId, input, opts.country);
  if ('ok' in checked) return checked;
  const factor: Factor = { id: randomId('f'), userId, channel: 'sms', status: 'pending', phone: checked.e164, createdAt: ctx.clock.now() };
  const store = ctx.store.factors;
  const res = await issueAndSend(ctx, userId, factor, 'enroll', opts.locale, {
    afterCommit: () => store.putFactor(factor),
    onUndo: async () => {
      await store.deleteFactor(userId, factor.id);
    },
  });
  if (res.ok) {
    // Re-enrolling replaces an earlier pending enrollment.
    const stale = (await store.listFactors(userId)).filter((f) => f.status === 'pending' && f.id !== factor.id);
    for (const f of stale) await store.deleteFactor(userId, f.id);
  }
  return res;
}

/** Confirms an enrollment code: the pending factor becomes `active`. */
export async function confirmEnrollment(ctx: Context, userId: string, input: string): Promise<Result<Verified, VerifyError>> {
  const res = await verifyCode(ctx, userId, input, 'enroll');
  if (!res.ok) return res;
  const store = ctx.store.factors;
  const factor = await store.getFactor(userId, res.factorId);
  if (!factor || factor.status !== 'pending') return { ok: false, error: 'factor_not_found' };
  const active: Factor = { ...factor, status: 'active', activatedAt: ctx.clock.now() };
  await store.putFactor(active);
  // The same address enrolled again replaces its older factor (e.g. one invalidated by STOP).
  const older = (await store.listFactors(userId)).filter((f) => f.id !== active.id && f.channel === active.channel && f.phone === active.phone);
  const preferred = await store.getPreferred(userId);
  for (const f of older) await store.deleteFactor(userId, f.id);
  if (preferred !== null && older.some((f) => f.id === preferred)) await store.setPreferred(userId, active.id);
  const masked = active.phone ? { maskedPhone: maskPhone(active.phone) } : {};
  ctx.events.emit('factor.enrolled', { userId, factorId: active.id, channel: active.channel, ...masked });
  ctx.events.emit('verification.succeeded', { userId, factorId: active.id, channel: active.channel, purpose: 'enroll' });
  return { ok: true, factorId: active.id, channel: active.channel, purpose: 'enroll' };
}
