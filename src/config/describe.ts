/**
 * A sentence for every refusal, in English and French, for hosts that show mfakit's
 * results as they are (wording your own? switch on `error`: the codes are stable).
 * @module
 */
import type { Failure, FailureCode } from '../core/outcomes.js';

/**
 * Locales {@link describeFailure} speaks. Any other tag falls back by language
 * (`fr-CA` → `fr`), then to English.
 *
 * @example
 * ```ts
 * const locale: DescribeLocale = 'fr';
 * ```
 */
export type DescribeLocale = 'en' | 'fr';

/** Words that depend on the locale: durations and the sentences. */
interface Words {
  duration(ms: number): string;
  sentences: { [K in FailureCode]: (f: Failure<K>, d: (ms: number) => string) => string };
}

const units = (ms: number) => {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s < 60 ? { n: s, unit: 0 } : s < 3600 ? { n: Math.ceil(s / 60), unit: 1 } : { n: Math.ceil(s / 3600), unit: 2 };
};

const EN: Words = {
  duration(ms) {
    const { n, unit } = units(ms);
    return `${n} ${['second', 'minute', 'hour'][unit]}${n === 1 ? '' : 's'}`;
  },
  sentences: {
    code_mismatch: (f) => `That code is not right. ${f.attemptsLeft} ${f.attemptsLeft === 1 ? 'try' : 'tries'} left with this code.`,
    malformed_code: () => 'Enter the code exactly as you received it: digits only.',
    code_expired: () => 'That code has expired. Request a new code.',
    code_exhausted: () => 'This code can no longer be used. Request a new code.',
    no_pending_code: () => 'There is no code waiting to be entered. Request a new code.',
    locked_out: (f, d) =>
      f.lockedUntil === null
        ? 'Too many wrong codes: your account is locked until an administrator unlocks it.'
        : `Too many wrong codes. Try again in ${d(f.retryAfterMs)}.`,
    resend_cooldown: (f, d) => `A code was just sent. You can request another in ${d(f.retryAfterMs)}.`,
    send_limit_reached: (f, d) => `Too many codes were sent recently. Try again in ${d(f.retryAfterMs)}.`,
    delivery_failed: () => 'We could not send the code. Try again in a moment.',
    invalid_phone_number: (f) =>
      f.reason === 'country_needed'
        ? 'Add the country code (for example +1) or choose a country.'
        : f.reason === 'extension'
          ? 'Enter a mobile number without an extension.'
          : 'That does not look like a phone number.',
    not_mobile_number: () => 'That number cannot receive text messages. Enter a mobile number.',
    country_not_allowed: () => 'Numbers from that country cannot be used.',
    phone_rejected: (f) => `That number cannot be used${f.reason ? `: ${f.reason}` : ''}.`,
    factor_not_found: () => 'That sign-in method is no longer on the account.',
    factor_invalid: () => 'That number can no longer receive our messages (it replied STOP). Add another one.',
    channel_disabled: () => 'That way of receiving codes is switched off right now. Try another one, or try again later.',
    no_usable_factor: () => 'None of your sign-in methods can receive a code right now. Contact support.',
    exception_not_allowed: () => 'Administrators cannot skip multi-factor authentication.',
  },
};

const FR: Words = {
  duration(ms) {
    const { n, unit } = units(ms);
    return `${n} ${['seconde', 'minute', 'heure'][unit]}${n === 1 ? '' : 's'}`;
  },
  sentences: {
    code_mismatch: (f) => `Ce code n’est pas le bon. Il reste ${f.attemptsLeft} ${f.attemptsLeft === 1 ? 'essai' : 'essais'} pour ce code.`,
    malformed_code: () => 'Saisissez le code tel que vous l’avez reçu : uniquement des chiffres.',
    code_expired: () => 'Ce code a expiré. Demandez-en un nouveau.',
    code_exhausted: () => 'Ce code ne peut plus être utilisé. Demandez-en un nouveau.',
    no_pending_code: () => 'Aucun code n’est en attente. Demandez-en un nouveau.',
    locked_out: (f, d) =>
      f.lockedUntil === null
        ? 'Trop de codes erronés : votre compte est verrouillé jusqu’à ce qu’un administrateur le déverrouille.'
        : `Trop de codes erronés. Réessayez dans ${d(f.retryAfterMs)}.`,
    resend_cooldown: (f, d) => `Un code vient d’être envoyé. Vous pourrez en demander un autre dans ${d(f.retryAfterMs)}.`,
    send_limit_reached: (f, d) => `Trop de codes ont été envoyés récemment. Réessayez dans ${d(f.retryAfterMs)}.`,
    delivery_failed: () => 'Le code n’a pas pu être envoyé. Réessayez dans un instant.',
    invalid_phone_number: (f) =>
      f.reason === 'country_needed'
        ? 'Ajoutez l’indicatif du pays (par exemple +33) ou choisissez un pays.'
        : f.reason === 'extension'
          ? 'Saisissez un numéro de mobile sans poste.'
          : 'Ce numéro de téléphone n’est pas valide.',
    not_mobile_number: () => 'Ce numéro ne peut pas recevoir de SMS. Saisissez un numéro de mobile.',
    country_not_allowed: () => 'Les numéros de ce pays ne sont pas acceptés.',
    phone_rejected: (f) => `Ce numéro ne peut pas être utilisé${f.reason ? ` : ${f.reason}` : ''}.`,
    factor_not_found: () => 'Cette méthode de connexion n’est plus associée au compte.',
    factor_invalid: () => 'Ce numéro ne peut plus recevoir nos messages (il a répondu STOP). Ajoutez-en un autre.',
    channel_disabled: () => 'Ce moyen de recevoir des codes est désactivé pour le moment. Essayez-en un autre, ou réessayez plus tard.',
    no_usable_factor: () => 'Aucune de vos méthodes de connexion ne peut recevoir de code pour le moment. Contactez le support.',
    exception_not_allowed: () => 'Les administrateurs ne peuvent pas se passer de l’authentification multifacteur.',
  },
};

const WORDS: Record<DescribeLocale, Words> = { en: EN, fr: FR };

/**
 * A sentence for the user, for any refusal mfakit returns: what happened and what to do
 * (with the numbers it carries: tries left, when to try again). Never mentions a code or
 * a number.
 *
 * @example
 * ```ts
 * const res = await mfa.verify(userId, code);
 * if (!res.ok) flash(describeFailure(res, { locale: 'fr' })); // 'Ce code n’est pas le bon. Il reste 3 essais pour ce code.'
 * ```
 */
export function describeFailure(failure: Failure, options: { locale?: string } = {}): string {
  const tag = (options.locale ?? 'en').toLowerCase();
  const words = WORDS[(tag in WORDS ? tag : tag.split('-')[0]) as DescribeLocale] ?? EN;
  const sentence = words.sentences[failure.error] as (f: Failure, d: (ms: number) => string) => string;
  return sentence(failure, words.duration);
}
