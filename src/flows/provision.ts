/**
 * Verified bindings: a number or an address the host has already verified (at sign-up, from
 * an HR system, by an admin) becomes an active factor without a code, checked like an
 * enrollment and audited (who and why).
 * @internal
 * @module
 */
import type { CountryCode } from 'libphonenumber-js';
import { parseEmail } from '../config/email.js';
import type { Failure, Result } from '../core/outcomes.js';
import type { Channel, Factor } from '../core/types.js';
import { randomId } from '../factors/code.js';
import { kindFor } from '../factors/index.js';
import { checkNumber } from '../factors/phone.js';
import type { Context } from './context.js';
import { inUseByAnother } from './destinations.js';
import { saveActive } from './enroll.js';
import { maskedOf } from './factors.js';

/**
 * What `addVerifiedFactor` binds: a number (for `sms`, the default, or `voice`) or an email
 * address.
 *
 * @example
 * ```ts
 * const work: VerifiedDestination = { phone: '+1 415 555 2671', channel: 'sms' };
 * ```
 */
export type VerifiedDestination =
  | {
      /** The number, in any format `enrollSms` takes. */
      readonly phone: string;
      /** How codes reach it: `'sms'` (default) or `'voice'`. */
      readonly channel?: 'sms' | 'voice';
      /** Its country, for a number typed without `+`. */
      readonly country?: string;
    }
  | {
      /** The email address. */
      readonly email: string;
    };

/**
 * Who vouches for a verified binding, and why (both appear in the `factor.enrolled` event).
 *
 * @example
 * ```ts
 * const audit: VerifiedBy = { by: 'hr-sync', reason: 'work phone from the HR system' };
 * ```
 */
export interface VerifiedBy {
  /** Who vouches (an admin, a system). */
  readonly by: string;
  /** Why the destination is known to be the user's. */
  readonly reason: string;
}

/**
 * What `addVerifiedFactor` resolves: the new active factor.
 *
 * @example
 * ```ts
 * const added = await mfa.addVerifiedFactor('u1', { email: 'ada@example.com' }, { by: 'signup', reason: 'address verified at sign-up' });
 * if (added.ok) added.factorId; // 'f_…'
 * ```
 */
export interface VerifiedFactor {
  /** The new factor (active). */
  readonly factorId: string;
  /** Its kind. */
  readonly channel: Channel;
}

/**
 * What `addVerifiedFactor` can refuse with: the enrollment checks of the destination.
 *
 * @example
 * ```ts
 * const e: AddVerifiedError = 'not_mobile_number';
 * ```
 */
export type AddVerifiedError =
  | 'invalid_phone_number'
  | 'not_mobile_number'
  | 'country_not_allowed'
  | 'phone_rejected'
  | 'invalid_email'
  | 'destination_in_use';

/** Binds a destination the host verified as an active factor, with no code sent. */
export async function addVerifiedFactor(
  ctx: Context,
  userId: string,
  destination: { phone: string; channel: 'sms' | 'voice'; country: CountryCode | undefined } | { email: string },
  audit: VerifiedBy,
): Promise<Result<VerifiedFactor, AddVerifiedError>> {
  const now = ctx.clock.now();
  // A channel with no sender could never deliver a code: refuse it as enrollment does.
  kindFor(ctx.kinds, 'email' in destination ? 'email' : destination.channel);
  let factor: Factor;
  if ('email' in destination) {
    const checked = parseEmail(destination.email);
    if ('ok' in checked) return checked;
    if (await inUseByAnother(ctx, userId, { email: checked.email })) return { ok: false, error: 'destination_in_use' };
    factor = { id: randomId('f'), userId, channel: 'email', status: 'active', email: checked.email, createdAt: now, activatedAt: now };
  } else {
    const checked: { e164: string } | Failure<'invalid_phone_number' | 'not_mobile_number' | 'country_not_allowed' | 'phone_rejected'> = await checkNumber(
      ctx.options,
      userId,
      destination.phone,
      destination.country,
      destination.channel,
    );
    if ('ok' in checked) return checked;
    if (await inUseByAnother(ctx, userId, { phone: checked.e164 })) return { ok: false, error: 'destination_in_use' };
    factor = { id: randomId('f'), userId, channel: destination.channel, status: 'active', phone: checked.e164, createdAt: now, activatedAt: now };
  }
  if (!(await saveActive(ctx, factor, await ctx.store.factors.listFactors(userId)))) return { ok: false, error: 'destination_in_use' };
  ctx.events.emit('factor.enrolled', { userId, factorId: factor.id, channel: factor.channel, ...maskedOf(factor), by: audit.by, at: now, reason: audit.reason });
  return { ok: true, factorId: factor.id, channel: factor.channel };
}
