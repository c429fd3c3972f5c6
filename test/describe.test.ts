import { describe, expect, it } from 'vitest';
import { describeFailure, type Failure, type FailureCode } from 'mfakit';

/** One failure of every code, with the fields it carries. */
const ALL: { [K in FailureCode]: Failure<K> } = {
  code_mismatch: { ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 7 },
  malformed_code: { ok: false, error: 'malformed_code' },
  code_expired: { ok: false, error: 'code_expired' },
  code_exhausted: { ok: false, error: 'code_exhausted', attemptsLeft: 0 },
  no_pending_code: { ok: false, error: 'no_pending_code' },
  locked_out: { ok: false, error: 'locked_out', lockedUntil: 1_800_000_000_000, retryAfterMs: 20 * 60_000 },
  resend_cooldown: { ok: false, error: 'resend_cooldown', retryAfterMs: 12_001 },
  send_limit_reached: { ok: false, error: 'send_limit_reached', retryAfterMs: 2 * 3_600_000, scope: 'user' },
  delivery_failed: { ok: false, error: 'delivery_failed' },
  invalid_phone_number: { ok: false, error: 'invalid_phone_number' },
  not_mobile_number: { ok: false, error: 'not_mobile_number' },
  invalid_email: { ok: false, error: 'invalid_email' },
  country_not_allowed: { ok: false, error: 'country_not_allowed' },
  phone_rejected: { ok: false, error: 'phone_rejected' },
  factor_not_found: { ok: false, error: 'factor_not_found' },
  factor_invalid: { ok: false, error: 'factor_invalid' },
  channel_disabled: { ok: false, error: 'channel_disabled', channel: 'sms' },
  no_usable_factor: { ok: false, error: 'no_usable_factor' },
  no_codes_left: { ok: false, error: 'no_codes_left' },
  exception_not_allowed: { ok: false, error: 'exception_not_allowed' },
  step_up_required: { ok: false, error: 'step_up_required' },
  no_verified_number: { ok: false, error: 'no_verified_number' },
  send_refused: { ok: false, error: 'send_refused', reason: 'sim_swap' },
  destination_in_use: { ok: false, error: 'destination_in_use' },
};

// Issue "What a new user hits", item 11: a sentence for each error code, in two locales.
describe('describeFailure', () => {
  it.each(['en', 'fr'])('has a distinct, complete sentence for every code in %s', (locale) => {
    const sentences = Object.values(ALL).map((f) => describeFailure(f, { locale }));
    expect(new Set(sentences).size).toBe(sentences.length);
    for (const s of sentences) {
      expect(s).toMatch(/^[A-Z].*\.$/);
      expect(s).not.toMatch(/\{\w+\}/); // every placeholder filled
    }
  });

  it.each([
    ['en', ALL.code_mismatch, 'That code is not right. 3 tries left with this code.'],
    ['en', { ok: false, error: 'code_mismatch', attemptsLeft: 1, failuresLeft: 1 } as const, 'That code is not right. 1 try left with this code.'],
    ['fr', ALL.code_mismatch, 'Ce code n’est pas le bon. Il reste 3 essais pour ce code.'],
    ['en', ALL.resend_cooldown, 'A code was just sent. You can request another in 13 seconds.'],
    ['fr', ALL.locked_out, 'Trop de codes erronés. Réessayez dans 20 minutes.'],
    ['en', ALL.send_limit_reached, 'Too many codes were sent recently. Try again in 2 hours.'],
    ['en', { ok: false, error: 'locked_out', lockedUntil: null } as const, 'Too many wrong codes: your account is locked until an administrator unlocks it.'],
    ['en', { ok: false, error: 'invalid_phone_number', reason: 'country_needed' } as const, 'Add the country code (for example +1) or choose a country.'],
    ['en', { ok: false, error: 'phone_rejected', reason: 'company numbers are not allowed' } as const, 'That number cannot be used: company numbers are not allowed.'],
    ['fr-CA', ALL.code_expired, 'Ce code a expiré. Demandez-en un nouveau.'],
    ['de', ALL.code_expired, 'That code has expired. Request a new code.'],
    [undefined, ALL.code_expired, 'That code has expired. Request a new code.'],
  ] as const)('%s: %j', (locale, failure, sentence) => {
    expect(describeFailure(failure, locale === undefined ? {} : { locale })).toBe(sentence);
  });
});
