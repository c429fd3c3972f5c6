import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { DEFAULTS, type Policy } from '../core/policy.js';
import { CHANNELS, type Channel } from '../core/types.js';
import type { Clock } from '../ports/clock.js';
import type { CombinedStore } from '../ports/combined-store.js';
import type { Stores } from '../ports/factor-store.js';
import type { EmailSender, SmsSender, VoiceSender } from '../ports/sender.js';
import { MfaError } from './errors.js';
import type { EmailTemplate } from './messages.js';
import { GENERATE_SECRET, weakSecretReason } from './secret.js';
import type { RiskCheck } from './risk.js';
import { closest } from './suggest.js';

/**
 * The host's hook to refuse a number (e.g. company numbers): return `false` or a reason to refuse.
 *
 * @example
 * ```ts
 * const check: PhoneCheck = (e164) => (companyNumbers.has(e164) ? 'company numbers are not allowed' : true);
 * ```
 */
export type PhoneCheck = (
  e164: string,
  context: { userId: string; country: CountryCode | undefined },
) => boolean | string | Promise<boolean | string>;

/**
 * Whether a user is an admin (admins can never be put on the exception list).
 *
 * @example
 * ```ts
 * const isAdmin: IsAdmin = async (userId) => (await users.get(userId))?.role === 'admin';
 * ```
 */
export type IsAdmin = (userId: string) => boolean | Promise<boolean>;

/**
 * What one sign-in needs, as a {@link MfaPolicy} function decides it: `'required'` (MFA; a
 * user with no factor must enroll before the sign-in completes), `'optional'` (MFA only for
 * users who enrolled), `'skip'` (no MFA for this sign-in, e.g. SSO that did its own).
 *
 * @example
 * ```ts
 * const need: PolicyDecision = 'required';
 * ```
 */
export type PolicyDecision = 'required' | 'optional' | 'skip';

/**
 * The context of a sign-in that `requiresMfa(userId, context)` passes to a policy function.
 *
 * @example
 * ```ts
 * const context: SignInContext = { method: 'sso' };
 * ```
 */
export interface SignInContext {
  /** How the first factor was checked: `'password'`, `'sso'`, or any name of yours. */
  readonly method?: string | undefined;
}

/**
 * Who must pass MFA: `'required'` (default: everyone; a user with no factor must enroll),
 * `'optional'` (only users who enrolled), or a function of the user and the sign-in.
 *
 * @example
 * ```ts
 * // MFA for everyone except SSO sign-ins (the identity provider did its own).
 * const policy: MfaPolicy = (userId, { method }) => (method === 'sso' ? 'skip' : 'required');
 * ```
 */
export type MfaPolicy = 'required' | 'optional' | ((userId: string, context: SignInContext) => PolicyDecision | Promise<PolicyDecision>);

const channel = z.enum(CHANNELS);
const positiveInt = z.number().int().positive();
const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as "US"');
const fn = <T>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', { message: `must be a function (${what})` });
const object = <T>(what: string, keys: readonly string[]) =>
  z.custom<T>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      keys.every((k) => typeof (v as Record<string, unknown>)[k] === 'function'),
    { message: `must be ${what} (an object with ${keys.join(', ')})` },
  );
const secret = z
  .string()
  .min(DEFAULTS.minSecretLength, `must be at least ${DEFAULTS.minSecretLength} characters (generate one with: ${GENERATE_SECRET})`)
  .superRefine((value, ctx) => {
    const weak = weakSecretReason(value);
    // The message names the flaw, never the value.
    if (weak) ctx.addIssue({ code: 'custom', message: `${weak}; generate one with: ${GENERATE_SECRET}` });
  });
const template = z.string().min(1).max(600).refine((t) => t.includes('{code}'), 'must contain {code}');
const emailTemplate = z.strictObject({
  subject: z.string().min(1).max(200).refine((t) => !t.includes('{code}'), 'must not contain {code} (previews show subjects)'),
  text: z.string().min(1).max(5000).refine((t) => t.includes('{code}'), 'must contain {code}'),
  html: z.string().min(1).max(20_000).refine((t) => t.includes('{code}'), 'must contain {code}').optional(),
});

/** Shortest and longest life of a trusted device (1 min, 400 days: browsers cap a cookie at 400 days). */
const MIN_DEVICE_TTL_MS = 60_000;
const MAX_DEVICE_TTL_MS = 400 * 24 * 60 * 60_000;

/**
 * The zod schema of {@link MfaOptions}; defaults live here.
 * @internal
 */
export const optionsSchema = z.strictObject({
  stores: z.object({
    factors: object<Stores['factors']>('a FactorStore', ['listFactors', 'getFactor', 'putFactor', 'deleteFactor', 'findFactorsByPhone', 'getPreferred', 'setPreferred', 'getException', 'putException', 'deleteException', 'listExceptions']),
    state: object<Stores['state']>('a StateStore', ['read', 'write']),
    combined: object<CombinedStore>('a CombinedStore', ['loadUser', 'commit'])
      .refine((c) => typeof c.multiKey === 'boolean', 'must have a boolean multiKey')
      .refine((c) => c.loadUserWith === undefined || typeof c.loadUserWith === 'function', 'loadUserWith, when given, must be a function')
      .optional(),
  }),
  senders: z
    .strictObject({
      sms: object<SmsSender>('an SmsSender', ['send']).optional(),
      voice: object<VoiceSender>('a VoiceSender', ['send']).optional(),
      email: object<EmailSender>('an EmailSender', ['send']).optional(),
    })
    .default({}),
  secret: z.union([secret, z.array(secret).min(1)], {
    error: (iss) => (iss.input === undefined ? 'is required: a random string of at least 32 characters (a list to rotate: the first signs, all verify)' : undefined),
  }),
  appName: z.string().min(1).max(60).default('mfakit'),
  clock: object<Clock>('a Clock', ['now']).optional(),
  isAdmin: fn<IsAdmin>('userId => boolean').optional(),
  policy: z
    .union([z.literal('required'), z.literal('optional'), fn<Exclude<MfaPolicy, string>>("(userId, context) => 'required' | 'optional' | 'skip'")], {
      error: () => "must be 'required', 'optional' or a function (userId, context) => 'required' | 'optional' | 'skip'",
    })
    .default('required'),
  phone: z
    .strictObject({
      allowedCountries: z.array(country).min(1).optional(),
      defaultCountry: country.optional(),
      check: fn<PhoneCheck>('(e164, context) => boolean | reason').optional(),
      channels: z
        .strictObject({
          sms: z.strictObject({ allowedCountries: z.array(country).min(1).optional() }).optional(),
          voice: z.strictObject({ allowedCountries: z.array(country).min(1).optional() }).optional(),
        })
        .optional(),
    })
    .default({}),
  destinations: z
    .strictObject({
      unique: z.boolean().default(false),
      shared: z.array(z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as "+14155552671"')).max(10_000).default([]),
    })
    .prefault({}),
  riskCheck: fn<RiskCheck>('(context) => { allow: true } | { allow: false, reason? }').optional(),
  code: z
    .strictObject({
      length: z.number().int().min(4).max(10).default(DEFAULTS.codeLength),
      ttlMs: positiveInt.default(DEFAULTS.codeTtlMs),
      maxTries: positiveInt.default(DEFAULTS.maxTries),
    })
    .prefault({}),
  lockout: z
    .strictObject({
      maxFailures: positiveInt.default(DEFAULTS.maxFailures),
      durationMs: positiveInt.default(DEFAULTS.lockMs),
      hardLimit: positiveInt.default(DEFAULTS.hardLimit),
      failureMemoryMs: positiveInt.default(DEFAULTS.failureMemoryMs),
    })
    .prefault({}),
  sending: z
    .strictObject({
      cooldownMs: z.number().int().nonnegative().default(DEFAULTS.cooldownMs),
      perUser: positiveInt.default(DEFAULTS.sendsPerUser),
      perDestination: positiveInt.default(DEFAULTS.sendsPerDestination),
      perPrefix: z.union([positiveInt, z.literal(false)]).default(DEFAULTS.sendsPerPrefix ?? false),
      prefixDigits: z.number().int().min(1).max(12).default(DEFAULTS.prefixDigits),
      perIp: z.union([positiveInt, z.literal(false)]).default(DEFAULTS.sendsPerIp ?? false),
      globalCap: z.union([positiveInt, z.literal(false)]).default(DEFAULTS.globalCap ?? false),
      windowMs: positiveInt.default(DEFAULTS.sendWindowMs),
    })
    .prefault({}),
  stepUp: z
    .strictObject({
      windowMs: z.number().int().nonnegative().default(DEFAULTS.stepUpMs),
    })
    .prefault({}),
  messages: z
    .strictObject({
      defaultLocale: z.string().min(2).max(35).default('en'),
      templates: z.record(z.string(), z.strictObject({ enroll: template.optional(), sign_in: template.optional() })).default({}),
      voiceTemplates: z.record(z.string(), z.strictObject({ enroll: template.optional(), sign_in: template.optional() })).default({}),
      emailTemplates: z.record(z.string(), z.strictObject({ enroll: emailTemplate.optional(), sign_in: emailTemplate.optional() })).default({}),
      origin: z.string().regex(/^[a-z0-9.-]+(:\d+)?$/i, 'a host name such as "example.com"').optional(),
    })
    .prefault({}),
  channels: z
    .strictObject({ priority: z.array(channel).min(1).default([...DEFAULTS.channelPriority]) })
    .prefault({}),
  trustedDevices: z
    .strictObject({
      ttlMs: z.number().int().min(MIN_DEVICE_TTL_MS, 'must be at least 60000 (1 min)').max(MAX_DEVICE_TTL_MS, 'must be at most 34560000000 (400 days)').default(DEFAULTS.deviceTtlMs),
    })
    .prefault({}),
  maxCasAttempts: positiveInt.max(1000).default(DEFAULTS.maxCasAttempts),
  deliveryReports: z
    .union([z.boolean(), z.strictObject({ ttlMs: positiveInt.min(60_000).max(DEFAULTS.failureMemoryMs).default(DEFAULTS.failureMemoryMs) })])
    .optional()
    .transform((v) => (v === true ? { ttlMs: DEFAULTS.failureMemoryMs } : v === false || v === undefined ? null : v)),
});

/**
 * Options of `createMfa`. Only `stores` and `secret` are required; every number defaults to
 * the rule in the README's table.
 *
 * @example
 * ```ts
 * const options: MfaOptions = {
 *   stores: memoryStores(),
 *   senders: { sms: consoleSender() },
 *   secret: process.env.MFA_SECRET!,
 *   appName: 'Acme',
 *   phone: { allowedCountries: ['US', 'CA'] },
 * };
 * ```
 */
export interface MfaOptions {
  /** The two storage ports: `memoryStores()`, `redisStores(client)`, or your own. */
  stores: Stores;
  /** Message senders by channel. A channel without a sender cannot be used (enrolled or challenged). */
  senders?: {
    /** The SMS sender. */
    sms?: SmsSender | undefined;
    /** The voice-call sender. */
    voice?: VoiceSender | undefined;
    /** The email sender. */
    email?: EmailSender | undefined;
  } | undefined;
  /** At least 32 characters; a list to rotate (the first signs, all verify). */
  secret: string | string[];
  /** Shown in messages as `{appName}`. Default `'mfakit'`. */
  appName?: string | undefined;
  /** Time source. Default: the wall clock. */
  clock?: Clock | undefined;
  /**
   * Tells who is an admin; admins can never be put on the exception list, and an entry of a
   * user who is an admin now does not apply. Needed to use the exception list.
   */
  isAdmin?: IsAdmin | undefined;
  /**
   * Who must pass MFA. Default `'required'`: a user with no confirmed factor is told to
   * enroll (`requiresMfa` → `{ required: true, reason: 'must_enroll' }`), never let in on the
   * password alone. `'optional'`: such a user is `{ required: false, reason: 'not_enrolled' }`.
   * A function decides per user and sign-in (`'skip'` for SSO sign-ins, for example).
   */
  policy?: MfaPolicy | undefined;
  /** Phone number rules. */
  phone?: {
    /** ISO 3166-1 alpha-2 codes; all countries when absent. */
    allowedCountries?: string[] | undefined;
    /** Country for numbers typed without a `+` prefix. */
    defaultCountry?: string | undefined;
    /** The host's hook to refuse a number. */
    check?: PhoneCheck | undefined;
    /**
     * Country allowlists per channel, on top of `allowedCountries` (a number must pass both):
     * voice calls are often allowed to fewer countries. Checked at enrollment and again at
     * every send, so a factor of a country removed later is refused (`country_not_allowed`)
     * and a challenge falls back to another factor.
     */
    channels?: {
      /** SMS. */
      sms?: {
        /** ISO 3166-1 alpha-2 codes SMS codes may go to. */
        allowedCountries?: string[] | undefined;
      } | undefined;
      /** Voice calls. */
      voice?: {
        /** ISO 3166-1 alpha-2 codes voice calls may go to. */
        allowedCountries?: string[] | undefined;
      } | undefined;
    } | undefined;
  } | undefined;
  /** Who may share a number or an address. */
  destinations?: {
    /**
     * Refuse to bind a number or an email address that is already an active factor of
     * another user: `destination_in_use` from `enrollSms`, `enrollVoice`, `enrollEmail` and
     * `addVerifiedFactor` (looked up with `FactorStore.findFactorsByPhone` and
     * `findFactorsByEmail`; an address is compared as `enrollEmail` stores it: trimmed, the
     * domain in lower case), and from `confirmEnrollment` when another user confirmed the
     * same destination first. Default `false`.
     *
     * Holds under concurrency and across processes: a confirmation claims the destination
     * in the state store (key `owner:<keyed hash>`, never the number or address; no TTL) by
     * compare-and-set after its factor is active, and the loser's factor is removed again.
     * A claim whose owner no longer has an active factor with the destination is taken
     * over; removing the owner's last factor on it (or a number change) deletes it. The same user enrolling their number again, or changing to it (`replaces`), is
     * never refused. Known shared numbers (`shared`) are never checked nor claimed. With an
     * email sender, `createMfa` throws `invalid_options` if the `FactorStore` lacks
     * `findFactorsByEmail`.
     */
    unique?: boolean | undefined;
    /**
     * Known shared numbers (E.164: a front desk, a team phone): exempt from `unique` and from
     * the per-number budget (`sending.perDestination`); every other budget still counts them.
     */
    shared?: string[] | undefined;
  } | undefined;
  /** The host's check before each send (SIM swap, fraud score): see {@link RiskCheck}. */
  riskCheck?: RiskCheck | undefined;
  /** Code shape and life. */
  code?: {
    /** Digits (4–10). Default 6. */
    length?: number | undefined;
    /** Lifetime in ms. Default 600 000. */
    ttlMs?: number | undefined;
    /** Wrong entries per code. Default 4. */
    maxTries?: number | undefined;
  } | undefined;
  /** Locking. */
  lockout?: {
    /** Wrong entries that lock. Default 8. */
    maxFailures?: number | undefined;
    /** Lock length in ms. Default 1 200 000. */
    durationMs?: number | undefined;
    /** Consecutive failures that lock until an admin unlocks. Default 100. */
    hardLimit?: number | undefined;
    /** Failures are forgotten this long after the last one. Default 24 h. */
    failureMemoryMs?: number | undefined;
  } | undefined;
  /** Sending limits. */
  sending?: {
    /** Minimum ms between sends to a user. Default 30 000. */
    cooldownMs?: number | undefined;
    /** Sends per user per window. Default 10. */
    perUser?: number | undefined;
    /** Sends per destination number per window. Default 10. */
    perDestination?: number | undefined;
    /**
     * Sends per number prefix per window, across every user (SMS-pumping defence: pumping
     * walks consecutive numbers of one range). Default 100; `false` switches it off.
     */
    perPrefix?: number | false | undefined;
    /** Digits of the national number after the country code that make a prefix (1–12). Default 6 (`+1 415555…`). */
    prefixDigits?: number | undefined;
    /**
     * Sends per client IP per window, counted only for calls that pass `{ ip }` (an IPv6
     * address counts by its /64). Default 100; `false` switches it off.
     */
    perIp?: number | false | undefined;
    /**
     * A spend ceiling: sends (every channel) of the whole deployment per window, counted in
     * fixed, epoch-aligned slots of `windowMs`. Default `false` (off): set it from your budget.
     */
    globalCap?: number | false | undefined;
    /** Budget window in ms. Default 3 600 000. */
    windowMs?: number | undefined;
  } | undefined;
  /**
   * Step-up for factor changes: once a user has a confirmed factor, adding, removing or
   * changing one and generating backup codes need a sign-in verify within this window.
   */
  stepUp?: {
    /** How long a sign-in verify allows changes, in ms. Default 600 000 (10 min); 0 switches step-up off. */
    windowMs?: number | undefined;
  } | undefined;
  /** Message templates. */
  messages?: {
    /** Locale used when a call names none. Default `'en'`. */
    defaultLocale?: string | undefined;
    /** Templates by locale and purpose, with `{code}`, `{appName}`, `{minutes}`. */
    templates?: Record<string, {
      /** Template of enrollment messages. */
      enroll?: string | undefined;
      /** Template of sign-in messages. */
      sign_in?: string | undefined;
    }> | undefined;
    /** Voice templates by locale and purpose; `{code}` is spoken digit by digit (say it twice). */
    voiceTemplates?: Record<string, {
      /** Template of enrollment calls. */
      enroll?: string | undefined;
      /** Template of sign-in calls. */
      sign_in?: string | undefined;
    }> | undefined;
    /** Email templates by locale and purpose: subject (no `{code}`), text, optional HTML. */
    emailTemplates?: Record<string, {
      /** Template of enrollment emails. */
      enroll?: EmailTemplate | undefined;
      /** Template of sign-in emails. */
      sign_in?: EmailTemplate | undefined;
    }> | undefined;
    /** Adds the origin-bound last line (`@example.com #123456`) to SMS for browser autofill. */
    origin?: string | undefined;
  } | undefined;
  /** Channel fallback order. */
  channels?: {
    /** Channels in the order a challenge falls back through them. */
    priority?: Channel[] | undefined;
  } | undefined;
  /**
   * Trusted devices ("remember this browser"): how long the token of
   * `verify(userId, code, { trustDevice: true })` lets `requiresMfa(userId, { deviceToken })`
   * skip MFA.
   */
  trustedDevices?: {
    /** Life of a device token, in ms, from 60 000 (1 min) to 400 days. Default 2 592 000 000 (30 days). */
    ttlMs?: number | undefined;
  } | undefined;
  /** Compare-and-set attempts before failing closed with `contention`. Default 64. */
  maxCasAttempts?: number | undefined;
  /**
   * Delivery reports (`mfa.handleDeliveryReport`): when on, each send that the provider
   * accepted also writes a short-lived record of whose message it is (one more state-store
   * write per send: one Redis command), so a late report finds the factor. Default off.
   * `true` keeps each record 24 h; `{ ttlMs }` from 1 min up to 24 h.
   */
  deliveryReports?: boolean | {
    /** How long a sent message can still be matched to its factor, in ms. Default 86 400 000 (24 h). */
    ttlMs?: number | undefined;
  } | undefined;
}

/** Options after validation, with every default filled in. */
export type ResolvedOptions = z.output<typeof optionsSchema>;

/**
 * Validates options once; throws `MfaError('invalid_options')` naming the field.
 * @internal
 */
export function parseOptions(input: unknown): ResolvedOptions {
  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const at = first ? first.path.map(String) : [];
    if (first?.code === 'unrecognized_keys') {
      const key = first.keys[0] ?? '';
      const field = [...at, key].join('.');
      const guess = closest(key, knownKeysAt(at));
      throw new MfaError('invalid_options', `Unknown mfakit option ${field}${guess ? ` (did you mean ${[...at, guess].join('.')}?)` : ''}`, {
        cause: parsed.error,
      });
    }
    const field = at.length > 0 ? at.join('.') : 'options';
    throw new MfaError('invalid_options', `Invalid mfakit option ${field}: ${first?.message ?? 'invalid'}`, {
      cause: parsed.error,
    });
  }
  const o = parsed.data;
  if (o.destinations.unique && o.senders.email !== undefined && typeof o.stores.factors.findFactorsByEmail !== 'function') {
    throw new MfaError(
      'invalid_options',
      'Invalid mfakit option destinations.unique: with an email sender it needs FactorStore.findFactorsByEmail, which stores.factors lacks (add it to your FactorStore, or leave destinations.unique off)',
    );
  }
  return o;
}

/** The option names the schema knows at `path` (nested objects through their defaults). */
function knownKeysAt(path: readonly string[]): string[] {
  let node: SchemaDef | undefined = unwrap(optionsSchema);
  for (const key of path) {
    const next: z.core.$ZodType | undefined = node?.valueType ?? node?.shape?.[key];
    node = next && unwrap(next);
  }
  return Object.keys(node?.shape ?? {});
}

/** The parts of a zod definition the key lookup reads. */
interface SchemaDef {
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly valueType?: z.core.$ZodType;
  readonly innerType?: z.core.$ZodType;
}

/** The definition under any `.optional()`, `.default()`, `.prefault()` wrappers. */
function unwrap(node: z.core.$ZodType): SchemaDef {
  let def = node._zod.def as SchemaDef;
  for (let i = 0; i < 5 && def.innerType; i++) def = def.innerType._zod.def as SchemaDef;
  return def;
}

/** @internal */
export function policyOf(o: ResolvedOptions): Policy {
  return {
    codeLength: o.code.length,
    codeTtlMs: o.code.ttlMs,
    maxTries: o.code.maxTries,
    maxFailures: o.lockout.maxFailures,
    lockMs: o.lockout.durationMs,
    hardLimit: o.lockout.hardLimit,
    failureMemoryMs: o.lockout.failureMemoryMs,
    cooldownMs: o.sending.cooldownMs,
    sendsPerUser: o.sending.perUser,
    sendsPerDestination: o.sending.perDestination,
    sendsPerPrefix: o.sending.perPrefix === false ? null : o.sending.perPrefix,
    prefixDigits: o.sending.prefixDigits,
    sendsPerIp: o.sending.perIp === false ? null : o.sending.perIp,
    globalCap: o.sending.globalCap === false ? null : o.sending.globalCap,
    sendWindowMs: o.sending.windowMs,
    stepUpMs: o.stepUp.windowMs,
    deviceTtlMs: o.trustedDevices.ttlMs,
  };
}

// Compile-time proof that the hand-written MfaOptions and the schema accept the same input.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _optionsMatchSchema: Same<MfaOptions, z.input<typeof optionsSchema>> = true;
void _optionsMatchSchema;
