/**
 * SMS enrollment: number → checks → code → confirmation → `active` factor.
 * @internal
 * @module
 */
import type { CountryCode } from 'libphonenumber-js';
import { storeCall } from '../cas.js';
import { randomId } from '../codes.js';
import type { Context } from '../context.js';
import { parsePhone } from '../phone.js';
import { maskPhone } from '../phone.js';
import type { CodeSent, Result, Verified } from '../results.js';
import type { Factor } from '../types.js';
import { issueAndSend } from './deliver.js';
import { verifyCode } from './sign-in.js';

/** Options of `enrollSms`. */
export interface EnrollSmsOptions {
  /** Country to read a national-format number in (overrides `phone.defaultCountry`). */
  readonly country?: CountryCode;
  /** Locale of the message. */
  readonly locale?: string;
}

const listOf = (ctx: Context, userId: string) => storeCall('factor', 'list factors', () => ctx.factors.listFactors(userId));

/** Starts enrolling an SMS number: checks it, creates a pending factor, sends a code. */
export async function enrollSms(
  ctx: Context,
  userId: string,
  input: string,
  opts: { country?: CountryCode | undefined; locale?: string | undefined },
): Promise<Result<CodeSent>> {
  const phone = ctx.options.phone;
  const parsed = parsePhone(input, {
    defaultCountry: (opts.country ?? phone.defaultCountry) as CountryCode | undefined,
    allowedCountries: phone.allowedCountries,
  });
  if ('ok' in parsed) return parsed;
  if (phone.check) {
    const verdict = await phone.check(parsed.e164, { userId, country: parsed.country });
    if (verdict !== true) {
      return { ok: false, error: 'phone_rejected', ...(typeof verdict === 'string' ? { reason: verdict } : {}) };
    }
  }
  const factor: Factor = { id: randomId('f'), userId, channel: 'sms', status: 'pending', phone: parsed.e164, createdAt: ctx.clock.now() };
  const res = await issueAndSend(ctx, userId, factor, 'enroll', opts.locale, {
    afterCommit: () => storeCall('factor', 'save the pending factor', () => ctx.factors.putFactor(factor)),
    onUndo: async () => {
      await storeCall('factor', 'drop the pending factor', () => ctx.factors.deleteFactor(userId, factor.id));
    },
  });
  if (res.ok) {
    // Re-enrolling replaces an earlier pending enrollment.
    const stale = (await listOf(ctx, userId)).filter((f) => f.status === 'pending' && f.id !== factor.id);
    for (const f of stale) await storeCall('factor', 'drop a stale enrollment', () => ctx.factors.deleteFactor(userId, f.id));
  }
  return res;
}

/** Confirms an enrollment code: the pending factor becomes `active`. */
export async function confirmEnrollment(ctx: Context, userId: string, input: string): Promise<Result<Verified>> {
  const res = await verifyCode(ctx, userId, input, 'enroll');
  if (!res.ok) return res;
  const factor = await storeCall('factor', 'read a factor', () => ctx.factors.getFactor(userId, res.factorId));
  if (!factor || factor.status !== 'pending') return { ok: false, error: 'factor_not_found' };
  const now = ctx.clock.now();
  const active: Factor = { ...factor, status: 'active', activatedAt: now };
  await storeCall('factor', 'activate the factor', () => ctx.factors.putFactor(active));
  // The same number enrolled again replaces its older factor (e.g. one invalidated by STOP).
  const older = (await listOf(ctx, userId)).filter((f) => f.id !== active.id && f.channel === 'sms' && f.phone === active.phone);
  const preferred = await storeCall('factor', 'read the preferred factor', () => ctx.factors.getPreferred(userId));
  for (const f of older) await storeCall('factor', 'replace an older factor', () => ctx.factors.deleteFactor(userId, f.id));
  if (preferred !== null && older.some((f) => f.id === preferred)) {
    await storeCall('factor', 'move the preferred factor', () => ctx.factors.setPreferred(userId, active.id));
  }
  const masked = active.phone ? { maskedPhone: maskPhone(active.phone) } : {};
  ctx.events.emit('factor.enrolled', { userId, factorId: active.id, channel: active.channel, ...masked });
  ctx.events.emit('verification.succeeded', { userId, factorId: active.id, channel: active.channel, purpose: 'enroll' });
  return { ok: true, factorId: active.id, channel: active.channel, purpose: 'enroll' };
}
