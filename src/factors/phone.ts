/**
 * The phone-number kinds (SMS and voice): how a number enrolls (parsed, normalised to
 * E.164, mobile only, an allowed country, the host's check) and how it is shown.
 * @internal
 * @module
 */
import type { CountryCode } from 'libphonenumber-js';
import { MfaError } from '../config/errors.js';
import type { ResolvedOptions } from '../config/options.js';
import { maskPhone, parsePhone, type PhoneRefusal } from '../config/phone.js';
import type { Failure } from '../core/outcomes.js';
import { countryAllowed } from '../core/sending.js';
import type { Factor, Purpose } from '../core/types.js';
import { type CodeFactorKind, type MaskedDestination, receiptOf } from './kind.js';
import { WriteOrderMap } from '../config/lru.js';

/** Checks a number typed by a user for enrollment on `channel`: format, mobile, country (and the channel's countries), the host's hook. */
export async function checkNumber(
  options: ResolvedOptions,
  userId: string,
  input: string,
  country: CountryCode | undefined,
  channel: 'sms' | 'voice',
): Promise<{ e164: string } | PhoneRefusal | Failure<'phone_rejected'>> {
  const phone = options.phone;
  const parsed = parsePhone(input, {
    defaultCountry: (country ?? phone.defaultCountry) as CountryCode | undefined,
    allowedCountries: phone.allowedCountries,
  });
  if ('ok' in parsed) return parsed;
  // The channel's own allowlist (voice is often allowed to fewer countries).
  if (!countryAllowed(parsed.country, [phone.channels?.[channel]?.allowedCountries])) return { ok: false, error: 'country_not_allowed' };
  if (phone.check) {
    const verdict = await phone.check(parsed.e164, { userId, country: parsed.country });
    if (verdict !== true) {
      return { ok: false, error: 'phone_rejected', ...(typeof verdict === 'string' ? { reason: verdict } : {}) };
    }
  }
  return { e164: parsed.e164 };
}

/** The number of an SMS or voice factor. */
export function numberOf(factor: Factor): string {
  if (!factor.phone) throw new MfaError('invalid_argument', 'The factor has no phone number');
  return factor.phone;
}

/** A number as the API shows it (frozen: one object per number, shared by every send to it). */
export function maskedNumber(factor: Factor): MaskedDestination {
  return masks.getOr(numberOf(factor), maskOf);
}

/** The masked forms of the numbers sent to recently (sends repeat numbers; masking parses one). */
const masks = new WriteOrderMap<string, MaskedDestination>(10_000);
const maskOf = (e164: string): MaskedDestination => {
  const masked = maskPhone(e164);
  return Object.freeze({ maskedTo: masked, maskedPhone: masked });
};

/** A kind that sends to the factor's number: `deliver` renders and hands the message to its sender. */
export function numberKind(
  senderName: string,
  deliver: (to: string, message: { code: string; purpose: Purpose; locale: string }) => Promise<{ id?: unknown } | undefined>,
): CodeFactorKind {
  return {
    budgetKey: numberOf,
    masked: maskedNumber,
    senderName,
    send: async (factor, message) => receiptOf(await deliver(numberOf(factor), message)),
  };
}
