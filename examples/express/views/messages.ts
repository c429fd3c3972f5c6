/**
 * What the user reads for each mfakit refusal. mfakit's error codes are stable, so a UI can
 * switch on them; this is the one place to reword (or translate) them.
 * @module
 */
import type { Failure } from 'mfakit';
import { formatDuration, formatTime, plural } from './format.js';

/** Countries the example accepts numbers from (keep in sync with `phone.allowedCountries`). */
export const COUNTRIES = [
  { code: 'US', name: 'United States (+1)' },
  { code: 'CA', name: 'Canada (+1)' },
  { code: 'AU', name: 'Australia (+61)' },
  { code: 'JP', name: 'Japan (+81)' },
] as const;

/** "… switched off right now", per channel. */
const CHANNEL_OFF: Readonly<Record<Failure<'channel_disabled'>['channel'], string>> = {
  sms: 'Text messages are switched off right now (carrier outage)',
  voice: 'Voice calls are switched off right now',
  email: 'Email is switched off right now',
  totp: 'Authenticator apps are switched off right now',
  backup: 'Backup codes are switched off right now',
};

/**
 * Which send budget refused (mfakit's SMS-pumping defences): the user's own and the number's
 * say "recently"; the shared ones say who else counts, without saying how many.
 */
const SEND_LIMIT: Readonly<Record<Failure<'send_limit_reached'>['scope'], string>> = {
  user: 'Too many codes were sent recently.',
  destination: 'Too many codes were sent recently.',
  ip: 'Too many codes were requested from your network recently.',
  prefix: 'Too many codes were sent to numbers like this one recently.',
  global: 'We are sending too many codes right now.',
};

/** The lockout sentence, shared by the challenge page and the flash message. */
export function lockoutMessage(lockedUntil: number | null | undefined, now: number): string {
  if (lockedUntil === null || lockedUntil === undefined) {
    return 'Too many wrong codes: sign-in is locked until an administrator unlocks your account.';
  }
  return `Too many wrong codes. For your security, sign-in is locked until ${formatTime(lockedUntil, now)} (in ${formatDuration(lockedUntil - now)}).`;
}

export function failuresHint(failuresLeft: number | undefined): string {
  // Warn only when the lock is near, so the message stays short.
  if (failuresLeft === undefined || failuresLeft > 3) return '';
  return ` ${plural(failuresLeft, 'more wrong code')} and sign-in will be locked for 20 minutes.`;
}

/** A sentence for any refusal mfakit returns. */
export function failureMessage(f: Failure, now: number): string {
  switch (f.error) {
    case 'code_mismatch':
      return `That code is not right. You have ${plural(f.attemptsLeft ?? 0, 'attempt')} left with this code.${failuresHint(f.failuresLeft)}`;
    case 'code_exhausted':
      // With failuresLeft: this wrong entry used the code's last try. Without: the code was
      // already dead (tries used up, or its number removed).
      return f.failuresLeft !== undefined
        ? `That code is not right, and it cannot be used again. Request a new code.${failuresHint(f.failuresLeft)}`
        : 'This code can no longer be used. Request a new code.';
    case 'code_expired':
      return 'That code has expired. Request a new code.';
    case 'malformed_code':
      return 'Enter the 6-digit code we sent you.';
    case 'no_pending_code':
      return 'There is no code waiting to be entered. Request a new code.';
    case 'locked_out':
      return lockoutMessage(f.lockedUntil, now);
    case 'resend_cooldown':
      return `A code is already on its way. You can request another in ${formatDuration(f.retryAfterMs ?? 0)}.`;
    case 'send_limit_reached':
      return `${SEND_LIMIT[f.scope]} Try again in ${formatDuration(f.retryAfterMs ?? 0)}.`;
    case 'delivery_failed':
      return 'We could not send the code. Try again in a moment.';
    case 'invalid_phone_number':
      return 'That does not look like a phone number. Check the number and the country.';
    case 'invalid_email':
      return 'That does not look like an email address.';
    case 'not_mobile_number':
      return 'That number cannot receive text messages. Enter a mobile number.';
    case 'country_not_allowed':
      return `We can only send codes to numbers in ${COUNTRIES.map((c) => c.name.replace(/ \(.*\)/, '')).join(', ')}.`;
    case 'phone_rejected':
      return `That number cannot be used${f.reason ? `: ${f.reason}` : ''}.`;
    case 'no_verified_number':
      return 'Enter the phone number to use.';
    case 'factor_not_found':
      return 'That number or email address is no longer on the account.';
    case 'factor_invalid':
      return 'That number replied STOP to our messages, so we can no longer text it. Add another number.';
    case 'channel_disabled':
      // mfakit falls back to the next usable factor (e.g. email when SMS is off), so this is
      // only shown to users with no factor on a channel that is on.
      return `${CHANNEL_OFF[f.channel]}, and your account has no other way to receive a code. Try again later or contact support.`;
    case 'no_usable_factor':
      return 'None of your numbers or email addresses can receive codes right now (for example, a number that replied STOP). Contact support.';
    case 'no_codes_left':
      return 'Every one of your backup codes has been used. Sign in another way, then generate new ones.';
    case 'step_up_required':
      return 'For your security, confirm it is you with a code first, then try again.';
    case 'exception_not_allowed':
      return 'Administrators cannot be put on the exception list: they must always use MFA.';
    case 'send_refused':
      return 'We cannot send a code right now. Try another way to sign in, or contact support.';
    case 'destination_in_use':
      return 'That number or email address is already used by another account. Enter another one.';
  }
}

/**
 * The one-time message after a refusal on the sign-in code page, or `undefined` when the page
 * itself already says it: the lock, "no way to get a code" (SMS off, every number STOP), the
 * attempts left with the live code, and the resend countdown when there is no live code.
 * Saying it twice, or saying "a code is on its way" next to "there is no active code", is
 * what this avoids.
 */
export function challengeFlash(f: Failure, now: number, page: { readonly liveCode: boolean }): string | undefined {
  switch (f.error) {
    case 'locked_out':
    case 'channel_disabled':
    case 'no_usable_factor':
      return undefined;
    case 'code_mismatch':
      return `That code is not right.${failuresHint(f.failuresLeft)}`;
    case 'resend_cooldown':
      return page.liveCode ? failureMessage(f, now) : undefined;
    default:
      return failureMessage(f, now);
  }
}
