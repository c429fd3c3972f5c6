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

const LOCALES: readonly DescribeLocale[] = ['en', 'fr'];

/** A sentence in each locale: `{tries}`, `{wait}` and `{reason}` are filled in. */
type Texts = readonly [en: string, fr: string];

/** One sentence per code, and per variant where a code's fields change the advice. */
const SENTENCES: Record<FailureCode | `${FailureCode}.${string}`, Texts> = {
  code_mismatch: ['That code is not right. {tries} left with this code.', 'Ce code n’est pas le bon. Il reste {tries} pour ce code.'],
  malformed_code: [
    'Enter the code exactly as you see it: the digits you received or your app shows, or one of your backup codes.',
    'Saisissez le code tel qu’il s’affiche : les chiffres reçus ou affichés par votre application, ou l’un de vos codes de secours.',
  ],
  code_expired: ['That code has expired. Request a new code.', 'Ce code a expiré. Demandez-en un nouveau.'],
  code_exhausted: ['This code can no longer be used. Request a new code.', 'Ce code ne peut plus être utilisé. Demandez-en un nouveau.'],
  no_pending_code: ['There is no code waiting to be entered. Request a new code.', 'Aucun code n’est en attente. Demandez-en un nouveau.'],
  locked_out: ['Too many wrong codes. Try again in {wait}.', 'Trop de codes erronés. Réessayez dans {wait}.'],
  'locked_out.admin': [
    'Too many wrong codes: your account is locked until an administrator unlocks it.',
    'Trop de codes erronés : votre compte est verrouillé jusqu’à ce qu’un administrateur le déverrouille.',
  ],
  resend_cooldown: ['A code was just sent. You can request another in {wait}.', 'Un code vient d’être envoyé. Vous pourrez en demander un autre dans {wait}.'],
  send_limit_reached: ['Too many codes were sent recently. Try again in {wait}.', 'Trop de codes ont été envoyés récemment. Réessayez dans {wait}.'],
  delivery_failed: ['We could not send the code. Try again in a moment.', 'Le code n’a pas pu être envoyé. Réessayez dans un instant.'],
  'delivery_failed.invalid': [
    'We cannot send codes to this number or address any more. Choose another way to sign in.',
    'Nous ne pouvons plus envoyer de code à ce numéro ou à cette adresse. Choisissez un autre moyen de connexion.',
  ],
  invalid_phone_number: ['That does not look like a phone number.', 'Ce numéro de téléphone n’est pas valide.'],
  'invalid_phone_number.country_needed': [
    'Add the country code (for example +1) or choose a country.',
    'Ajoutez l’indicatif du pays (par exemple +33) ou choisissez un pays.',
  ],
  'invalid_phone_number.extension': ['Enter a mobile number without an extension.', 'Saisissez un numéro de mobile sans poste.'],
  not_mobile_number: ['That number cannot receive text messages. Enter a mobile number.', 'Ce numéro ne peut pas recevoir de SMS. Saisissez un numéro de mobile.'],
  invalid_email: ['That does not look like an email address.', 'Cette adresse e-mail n’est pas valide.'],
  country_not_allowed: ['Numbers from that country cannot be used.', 'Les numéros de ce pays ne sont pas acceptés.'],
  phone_rejected: ['That number cannot be used.', 'Ce numéro ne peut pas être utilisé.'],
  'phone_rejected.reason': ['That number cannot be used: {reason}.', 'Ce numéro ne peut pas être utilisé : {reason}.'],
  factor_not_found: ['That sign-in method is no longer on the account.', 'Cette méthode de connexion n’est plus associée au compte.'],
  factor_invalid: [
    'That number can no longer receive our messages (it replied STOP). Add another one.',
    'Ce numéro ne peut plus recevoir nos messages (il a répondu STOP). Ajoutez-en un autre.',
  ],
  channel_disabled: [
    'That way of receiving codes is switched off right now. Try another one, or try again later.',
    'Ce moyen de recevoir des codes est désactivé pour le moment. Essayez-en un autre, ou réessayez plus tard.',
  ],
  no_usable_factor: [
    'None of your sign-in methods can receive a code right now. Contact support.',
    'Aucune de vos méthodes de connexion ne peut recevoir de code pour le moment. Contactez le support.',
  ],
  no_codes_left: [
    'Every one of your backup codes has been used. Sign in another way, then generate new ones.',
    'Tous vos codes de secours ont été utilisés. Connectez-vous autrement, puis générez-en de nouveaux.',
  ],
  step_up_required: [
    'For your security, confirm it is you with a code first, then try again.',
    'Par sécurité, confirmez d’abord votre identité avec un code, puis réessayez.',
  ],
  no_verified_number: ['Enter the phone number to use.', 'Saisissez le numéro de téléphone à utiliser.'],
  send_refused: [
    'We cannot send a code right now. Try another way to sign in, or contact support.',
    'Nous ne pouvons pas envoyer de code pour le moment. Essayez un autre moyen de connexion, ou contactez le support.',
  ],
  destination_in_use: [
    'That number or address is already used by another account. Enter another one.',
    'Ce numéro ou cette adresse est déjà utilisé par un autre compte. Saisissez-en un autre.',
  ],
  exception_not_allowed: ['Administrators cannot skip multi-factor authentication.', 'Les administrateurs ne peuvent pas se passer de l’authentification multifacteur.'],
};

/** Counted words: `[one, many]` in each locale. */
const WORDS: Record<'second' | 'minute' | 'hour' | 'try', readonly [en: Texts, fr: Texts]> = {
  second: [['second', 'seconds'], ['seconde', 'secondes']],
  minute: [['minute', 'minutes'], ['minute', 'minutes']],
  hour: [['hour', 'hours'], ['heure', 'heures']],
  try: [['try', 'tries'], ['essai', 'essais']],
};

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
  const at = Math.max(0, LOCALES.indexOf((LOCALES.includes(tag as DescribeLocale) ? tag : tag.split('-')[0]) as DescribeLocale));
  const count = (n: number, word: keyof typeof WORDS) => `${n} ${WORDS[word][at]?.[n === 1 ? 0 : 1] ?? word}`;
  const variant = variantOf(failure);
  const texts = (variant && SENTENCES[`${failure.error}.${variant}`]) || SENTENCES[failure.error];
  return (texts[at] ?? texts[0])
    .replace('{tries}', 'attemptsLeft' in failure ? count(failure.attemptsLeft, 'try') : '')
    .replace('{wait}', 'retryAfterMs' in failure ? wait(failure.retryAfterMs, count) : '')
    .replace('{reason}', 'reason' in failure && failure.reason !== undefined ? failure.reason : '');
}

/** The variant of a code's sentence that its fields call for, if any. */
function variantOf(f: Failure): string | undefined {
  if (f.error === 'locked_out' && f.lockedUntil === null) return 'admin';
  if (f.error === 'invalid_phone_number') return f.reason;
  if (f.error === 'phone_rejected' && f.reason !== undefined) return 'reason';
  if (f.error === 'delivery_failed' && f.invalidReason !== undefined) return 'invalid';
  return undefined;
}

/** "12 seconds", "3 minutes", "2 hours", rounded up. */
function wait(ms: number, count: (n: number, word: 'second' | 'minute' | 'hour') => string): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s < 60 ? count(s, 'second') : s < 3600 ? count(Math.ceil(s / 60), 'minute') : count(Math.ceil(s / 3600), 'hour');
}
