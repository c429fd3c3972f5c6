/**
 * The SMS factor kind: how a number enrolls (parsed, normalised to E.164, mobile only, an
 * allowed country, the host's check), where its codes go and how it is shown (masked), and
 * what it sends (the purpose's template, through the SMS sender).
 * @internal
 * @module
 */
import type { CountryCode } from 'libphonenumber-js';
import { MfaError } from '../config/errors.js';
import { pickTemplate, renderMessage } from '../config/messages.js';
import type { ResolvedOptions } from '../config/options.js';
import { maskPhone, parsePhone, type PhoneRefusal } from '../config/phone.js';
import type { Failure } from '../core/outcomes.js';
import type { Factor, Purpose } from '../core/types.js';
import type { SmsSender } from '../ports/sender.js';

/** What a code-sending factor kind provides to the flows. */
export interface CodeFactorKind {
  /** The address its codes go to (an E.164 number for SMS). */
  address(factor: Factor): string;
  /** That address as the API shows it. */
  masked(factor: Factor): { readonly maskedPhone: string };
  /** Sends a code; resolves the provider's message id. Throws when delivery failed. */
  send(factor: Factor, message: { code: string; purpose: Purpose; locale: string }): Promise<string>;
  /** The sender's name, for events. */
  readonly senderName: string;
}

/** Checks a number typed by a user for SMS enrollment: format, mobile, country, the host's hook. */
export async function checkSmsNumber(
  options: ResolvedOptions,
  userId: string,
  input: string,
  country: CountryCode | undefined,
): Promise<{ e164: string } | PhoneRefusal | Failure<'phone_rejected'>> {
  const phone = options.phone;
  const parsed = parsePhone(input, {
    defaultCountry: (country ?? phone.defaultCountry) as CountryCode | undefined,
    allowedCountries: phone.allowedCountries,
  });
  if ('ok' in parsed) return parsed;
  if (phone.check) {
    const verdict = await phone.check(parsed.e164, { userId, country: parsed.country });
    if (verdict !== true) {
      return { ok: false, error: 'phone_rejected', ...(typeof verdict === 'string' ? { reason: verdict } : {}) };
    }
  }
  return { e164: parsed.e164 };
}

/** The SMS kind over the configured sender. */
export function smsKind(options: ResolvedOptions, sender: SmsSender): CodeFactorKind {
  const address = (factor: Factor): string => {
    if (!factor.phone) throw new MfaError('invalid_argument', 'The factor has no phone number');
    return factor.phone;
  };
  const m = options.messages;
  return {
    address,
    masked: (factor) => ({ maskedPhone: maskPhone(address(factor)) }),
    senderName: sender.name,
    async send(factor, { code, purpose, locale }) {
      const template = pickTemplate(m.templates, locale, m.defaultLocale, purpose);
      const minutes = Math.round(options.code.ttlMs / 60_000);
      const body = renderMessage(template, { code, appName: options.appName, minutes }, m.origin);
      const receipt = await sender.send({ to: address(factor), body, purpose, locale });
      return typeof receipt?.id === 'string' ? receipt.id : '';
    },
  };
}
