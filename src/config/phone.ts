/**
 * Phone numbers through libphonenumber-js (full metadata, so the number's type is known):
 * parse any common input format, normalise to E.164, keep mobile numbers only, mask for display.
 * @module
 */
import type { CountryCode as LibCountryCode, NumberType } from 'libphonenumber-js';

/**
 * An ISO 3166-1 alpha-2 country code that libphonenumber-js knows (`'US'`, `'JP'`…), as
 * `phone.allowedCountries`, `phone.defaultCountry` and `enrollSms(…, { country })` take it.
 *
 * @example
 * ```ts
 * const allowed: CountryCode[] = ['US', 'CA', 'JP'];
 * ```
 */
export type CountryCode = LibCountryCode;
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { numberPrefix } from '../core/budgets.js';
import type { Failure } from '../core/outcomes.js';
import { LruMap } from './lru.js';

/** Longest input accepted as a phone number, in characters. */
export const MAX_PHONE_INPUT = 64;

/** A number that passed every check. */
export interface ParsedPhone {
  readonly e164: string;
  readonly country: CountryCode | undefined;
}

export type PhoneRefusal = Failure<'invalid_phone_number' | 'not_mobile_number' | 'country_not_allowed'>;

/**
 * Types that count as mobile. Where the numbering plan cannot tell mobile from fixed line
 * (the US and Canada), `FIXED_LINE_OR_MOBILE` counts as mobile.
 */
const MOBILE_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/**
 * Parses and checks a number typed by a user.
 *
 * @example
 * ```ts
 * parsePhone('(415) 555-2671', { defaultCountry: 'US' }); // { e164: '+14155552671', country: 'US' }
 * parsePhone('+61 2 9374 4000', {});                       // { ok: false, error: 'not_mobile_number' }
 * ```
 */
export function parsePhone(
  input: string,
  opts: { defaultCountry?: CountryCode | undefined; allowedCountries?: readonly string[] | undefined },
): ParsedPhone | PhoneRefusal {
  if (input.length > MAX_PHONE_INPUT) return { ok: false, error: 'invalid_phone_number', reason: 'too_long' };
  const parsed = parsePhoneNumberFromString(input, opts.defaultCountry ? { defaultCountry: opts.defaultCountry } : {});
  if (!parsed || !parsed.isValid()) {
    // A national number ("(415) 555-2671") needs a country to be read in.
    const national = !opts.defaultCountry && !/^\s*(\+|00)/.test(input) && input.replace(/\D/g, '').length >= 7;
    return national ? { ok: false, error: 'invalid_phone_number', reason: 'country_needed' } : { ok: false, error: 'invalid_phone_number' };
  }
  // An extension cannot receive a text message; dropping it silently would text someone else.
  if (parsed.ext) return { ok: false, error: 'invalid_phone_number', reason: 'extension' };
  const type = parsed.getType();
  if (type === undefined || !MOBILE_TYPES.has(type)) return { ok: false, error: 'not_mobile_number' };
  if (opts.allowedCountries && (!parsed.country || !opts.allowedCountries.includes(parsed.country))) {
    return { ok: false, error: 'country_not_allowed' };
  }
  return { e164: parsed.number, country: parsed.country };
}

/**
 * Masks an E.164 number for display, events and logs: the country code and the last group
 * (at most 4 digits) stay, every other digit becomes `•`.
 *
 * @example
 * ```ts
 * maskPhone('+14155552671');  // '+1 ••• ••• 2671'
 * maskPhone('+819012345678'); // '+81 •• •••• 5678'
 * ```
 */
export function maskPhone(e164: string): string {
  const cached = masks.get(e164);
  if (cached !== undefined) return cached;
  const masked = computeMask(e164);
  masks.set(e164, masked);
  return masked;
}

/**
 * Masking parses the number with the full metadata (~15–30 µs); sends repeat numbers. Past
 * the bound the least recently masked number is forgotten, one at a time, so the numbers
 * in use stay cached however many distinct numbers pass by (~1 MB at most).
 */
const MASK_CACHE_SIZE = 10_000;
const masks = new LruMap<string, string>(MASK_CACHE_SIZE);

function computeMask(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const groups = (parsed ? parsed.formatInternational() : e164).split(/[\s-]+/);
  const first = groups[0] ?? '';
  if (groups.length < 2) return `${e164.slice(0, 2)}${'•'.repeat(Math.max(0, e164.length - 6))}${e164.slice(-4)}`;
  const last = groups[groups.length - 1] ?? '';
  const tail = last.length <= 4 ? last : '•'.repeat(last.length - 4) + last.slice(-4);
  const middle = groups.slice(1, -1).map((g) => g.replace(/\d/g, '•'));
  return [first, ...middle, tail].join(' ');
}

/**
 * What the per-prefix budget and the per-channel country allowlists need of an E.164 number
 * mfakit stored: its country (when the numbering plan says) and its prefix (`+1 415555`:
 * the country calling code and the first `digits` digits of the national number).
 * A number libphonenumber-js cannot read keeps its first digits as the prefix.
 *
 * @example
 * ```ts
 * numberFacts('+14155552671', 6); // { country: 'US', prefix: '+1 415555' }
 * ```
 */
export function numberFacts(e164: string, digits: number): NumberFacts {
  // Fast path: a send reads the facts of a stored number (up to twice per start); the parse
  // with the full metadata costs ~15–30 µs, the cached answer a Map lookup.
  const cached = facts.get(e164);
  if (cached !== undefined && cached.digits === digits) return cached.facts;
  const computed = computeFacts(e164, digits);
  facts.set(e164, { digits, facts: computed });
  return computed;
}

/** What {@link numberFacts} answers (frozen: one object is shared by every caller). */
export interface NumberFacts {
  readonly country: CountryCode | undefined;
  readonly prefix: string;
}

/**
 * The facts of the numbers sent to lately, keyed by E.164 (with the prefix length they were
 * computed for). Bounded like the masks: past the bound the least recently used number is
 * forgotten, one at a time (~1–2 MB at most).
 */
const FACTS_CACHE_SIZE = 10_000;
const facts = new LruMap<string, { readonly digits: number; readonly facts: NumberFacts }>(FACTS_CACHE_SIZE);

/** How many numbers' facts are cached now (for tests of the bound). @internal */
export const numberFactsCached = (): number => facts.size;

function computeFacts(e164: string, digits: number): NumberFacts {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return Object.freeze({ country: undefined, prefix: `? ${e164.replace(/\D/g, '').slice(0, digits + 3)}` });
  return Object.freeze({ country: parsed.country, prefix: numberPrefix(parsed.countryCallingCode, parsed.nationalNumber, digits) });
}

/** {@link numberFacts} without the cache (for tests: the cached answer must equal this). @internal */
export const numberFactsUncached = computeFacts;
