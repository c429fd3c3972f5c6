import { describe, expect, it } from 'vitest';
import { setup } from './helpers/setup.js';
import { maskPhone, parsePhone } from '../src/config/phone.js';

describe('phone numbers', () => {
  it('masks every digit but the country code and the last group', () => {
    expect(maskPhone('+14155552671')).toBe('+1 ••• ••• 2671');
    expect(maskPhone('+819012345678')).toBe('+81 •• •••• 5678');
    expect(maskPhone('+61412345678')).toBe('+61 ••• ••• 678');
    expect(maskPhone('+447400123456')).toBe('+44 •••• ••3456');
  });

  it('counts FIXED_LINE_OR_MOBILE as mobile only where the plan cannot tell (US, CA)', () => {
    expect(parsePhone('+1 415 555 2671', {})).toEqual({ e164: '+14155552671', country: 'US' });
    expect(parsePhone('+61 2 9374 4000', {})).toEqual({ ok: false, error: 'not_mobile_number' });
  });

  it('honours defaultCountry and the allowlist', () => {
    expect(parsePhone('090-1234-5678', { defaultCountry: 'JP' })).toEqual({ e164: '+819012345678', country: 'JP' });
    expect(parsePhone('+819012345678', { allowedCountries: ['US'] })).toEqual({ ok: false, error: 'country_not_allowed' });
    expect(parsePhone('4'.repeat(5000), {})).toEqual({ ok: false, error: 'invalid_phone_number', reason: 'too_long' });
  });

  // Issue "What a new user hits", item 10: say why a number was refused.
  it.each([
    ['(415) 555-2671', {}, { ok: false, error: 'invalid_phone_number', reason: 'country_needed' }],
    ['415 555 2671', {}, { ok: false, error: 'invalid_phone_number', reason: 'country_needed' }],
    ['(415) 555-2671', { defaultCountry: 'US' as const }, { e164: '+14155552671', country: 'US' }],
    ['+1 415 555 2671 ext 12', {}, { ok: false, error: 'invalid_phone_number', reason: 'extension' }],
    ['(415) 555-2671 x12', { defaultCountry: 'US' as const }, { ok: false, error: 'invalid_phone_number', reason: 'extension' }],
    ['12345', {}, { ok: false, error: 'invalid_phone_number' }],
    ['not a number', {}, { ok: false, error: 'invalid_phone_number' }],
  ])('%j with %j → %j', (input, opts, expected) => {
    expect(parsePhone(input, opts)).toEqual(expected);
  });

  it('enrollSms passes the reason on and sends nothing', async () => {
    const { mfa, outbox } = setup();
    expect(await mfa.enrollSms('u1', '(415) 555-2671')).toEqual({ ok: false, error: 'invalid_phone_number', reason: 'country_needed' });
    expect(await mfa.enrollSms('u1', '+1 415 555 2671 ext 12')).toEqual({ ok: false, error: 'invalid_phone_number', reason: 'extension' });
    expect(outbox.messages).toHaveLength(0);
  });
});
