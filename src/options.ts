import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { MfaError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { CombinedStore } from './ports/combined-store.js';
import type { Stores } from './ports/factor-store.js';
import type { SmsSender } from './ports/sender.js';
import type { Channel } from './types.js';

/**
 * Digits in a code.
 *
 * @example
 * ```ts
 * createMfa({ ...options, code: { length: DEFAULT_CODE_LENGTH } }); // 6
 * ```
 */
export const DEFAULT_CODE_LENGTH = 6;
/**
 * A code is valid while less than this many ms have passed since it was issued (10 min).
 *
 * @example
 * ```ts
 * createMfa({ ...options, code: { ttlMs: DEFAULT_CODE_TTL_MS / 2 } }); // 5 minutes
 * ```
 */
export const DEFAULT_CODE_TTL_MS = 10 * 60_000;
/**
 * Wrong entries one code survives; the last one kills it.
 *
 * @example
 * ```ts
 * `${DEFAULT_TRIES_PER_CODE} tries per code`; // '4 tries per code'
 * ```
 */
export const DEFAULT_TRIES_PER_CODE = 4;
/**
 * Wrong entries (across codes and factors) that lock the user.
 *
 * @example
 * ```ts
 * createMfa({ ...options, lockout: { maxFailures: DEFAULT_MAX_FAILURES } }); // 8
 * ```
 */
export const DEFAULT_MAX_FAILURES = 8;
/**
 * How long a lock lasts (20 min).
 *
 * @example
 * ```ts
 * createMfa({ ...options, lockout: { durationMs: DEFAULT_LOCK_MS * 3 } }); // 1 hour
 * ```
 */
export const DEFAULT_LOCK_MS = 20 * 60_000;
/**
 * Consecutive failures after which only an admin can unlock (NIST SP 800-63B 5.2.2).
 *
 * @example
 * ```ts
 * createMfa({ ...options, lockout: { hardLimit: DEFAULT_HARD_LIMIT } }); // 100
 * ```
 */
export const DEFAULT_HARD_LIMIT = 100;
/**
 * How long failure counts are remembered after the last failure (24 h).
 *
 * @example
 * ```ts
 * createMfa({ ...options, lockout: { failureMemoryMs: DEFAULT_FAILURE_MEMORY_MS * 7 } }); // a week
 * ```
 */
export const DEFAULT_FAILURE_MEMORY_MS = 24 * 60 * 60_000;
/**
 * Minimum time between two sends to one user (30 s).
 *
 * @example
 * ```ts
 * createMfa({ ...options, sending: { cooldownMs: DEFAULT_COOLDOWN_MS * 2 } }); // 60 s
 * ```
 */
export const DEFAULT_COOLDOWN_MS = 30_000;
/**
 * Sends allowed per user per send window.
 *
 * @example
 * ```ts
 * createMfa({ ...options, sending: { perUser: DEFAULT_SENDS_PER_USER / 2 } }); // 5 per hour
 * ```
 */
export const DEFAULT_SENDS_PER_USER = 10;
/**
 * Sends allowed per destination number per send window.
 *
 * @example
 * ```ts
 * createMfa({ ...options, sending: { perDestination: DEFAULT_SENDS_PER_DESTINATION } }); // 10
 * ```
 */
export const DEFAULT_SENDS_PER_DESTINATION = 10;
/**
 * The send window of the budgets (1 h).
 *
 * @example
 * ```ts
 * createMfa({ ...options, sending: { windowMs: DEFAULT_SEND_WINDOW_MS } }); // 1 hour
 * ```
 */
export const DEFAULT_SEND_WINDOW_MS = 60 * 60_000;
/**
 * Compare-and-set attempts before a call fails closed with `contention`.
 *
 * @example
 * ```ts
 * createMfa({ ...options, maxCasAttempts: DEFAULT_MAX_CAS_ATTEMPTS }); // 64
 * ```
 */
export const DEFAULT_MAX_CAS_ATTEMPTS = 64;
/**
 * Shortest accepted secret, in characters.
 *
 * @example
 * ```ts
 * if (secret.length < MIN_SECRET_LENGTH) throw new Error('MFA_SECRET is too short');
 * ```
 */
export const MIN_SECRET_LENGTH = 32;
/**
 * Order in which channels are tried when the preferred factor is unusable.
 *
 * @example
 * ```ts
 * createMfa({ ...options, channels: { priority: ['voice', ...DEFAULT_CHANNEL_PRIORITY] } });
 * ```
 */
export const DEFAULT_CHANNEL_PRIORITY: readonly Channel[] = ['sms', 'voice', 'email', 'totp', 'backup'];
/**
 * Default message templates, by locale and purpose.
 *
 * @example
 * ```ts
 * DEFAULT_TEMPLATES.en.sign_in; // '{code} is your {appName} sign-in code. ...'
 * ```
 */
export const DEFAULT_TEMPLATES: {
  /** English. */
  readonly en: {
    /** Enrollment message. */
    readonly enroll: string;
    /** Sign-in message. */
    readonly sign_in: string;
  };
} = {
  en: {
    enroll: '{code} is your {appName} code to confirm this phone number. It expires in {minutes} minutes.',
    sign_in: '{code} is your {appName} sign-in code. It expires in {minutes} minutes. Never share it.',
  },
};

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

const channel = z.enum(['sms', 'voice', 'email', 'totp', 'backup']);
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
  .min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters (generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))")`);
const template = z.string().min(1).max(600).refine((t) => t.includes('{code}'), 'must contain {code}');

/**
 * The zod schema of {@link MfaOptions}; defaults live here.
 * @internal
 */
export const optionsSchema = z.object({
  stores: z.object({
    factors: object<Stores['factors']>('a FactorStore', ['listFactors', 'getFactor', 'putFactor', 'deleteFactor', 'findFactorsByPhone', 'getPreferred', 'setPreferred', 'getException', 'putException', 'deleteException', 'listExceptions']),
    state: object<Stores['state']>('a StateStore', ['read', 'write']),
    combined: object<CombinedStore>('a CombinedStore', ['loadUser', 'commit'])
      .refine((c) => typeof c.multiKey === 'boolean', 'must have a boolean multiKey')
      .optional(),
  }),
  senders: z
    .object({ sms: object<SmsSender>('an SmsSender', ['send']).optional() })
    .default({}),
  secret: z.union([secret, z.array(secret).min(1)], {
    error: (iss) => (iss.input === undefined ? 'is required: a random string of at least 32 characters (a list to rotate: the first signs, all verify)' : undefined),
  }),
  appName: z.string().min(1).max(60).default('mfakit'),
  clock: object<Clock>('a Clock', ['now']).optional(),
  isAdmin: fn<IsAdmin>('userId => boolean').optional(),
  phone: z
    .object({
      allowedCountries: z.array(country).min(1).optional(),
      defaultCountry: country.optional(),
      check: fn<PhoneCheck>('(e164, context) => boolean | reason').optional(),
    })
    .default({}),
  code: z
    .object({
      length: z.number().int().min(4).max(10).default(DEFAULT_CODE_LENGTH),
      ttlMs: positiveInt.default(DEFAULT_CODE_TTL_MS),
      maxTries: positiveInt.default(DEFAULT_TRIES_PER_CODE),
    })
    .default({ length: DEFAULT_CODE_LENGTH, ttlMs: DEFAULT_CODE_TTL_MS, maxTries: DEFAULT_TRIES_PER_CODE }),
  lockout: z
    .object({
      maxFailures: positiveInt.default(DEFAULT_MAX_FAILURES),
      durationMs: positiveInt.default(DEFAULT_LOCK_MS),
      hardLimit: positiveInt.default(DEFAULT_HARD_LIMIT),
      failureMemoryMs: positiveInt.default(DEFAULT_FAILURE_MEMORY_MS),
    })
    .default({ maxFailures: DEFAULT_MAX_FAILURES, durationMs: DEFAULT_LOCK_MS, hardLimit: DEFAULT_HARD_LIMIT, failureMemoryMs: DEFAULT_FAILURE_MEMORY_MS }),
  sending: z
    .object({
      cooldownMs: z.number().int().nonnegative().default(DEFAULT_COOLDOWN_MS),
      perUser: positiveInt.default(DEFAULT_SENDS_PER_USER),
      perDestination: positiveInt.default(DEFAULT_SENDS_PER_DESTINATION),
      windowMs: positiveInt.default(DEFAULT_SEND_WINDOW_MS),
    })
    .default({ cooldownMs: DEFAULT_COOLDOWN_MS, perUser: DEFAULT_SENDS_PER_USER, perDestination: DEFAULT_SENDS_PER_DESTINATION, windowMs: DEFAULT_SEND_WINDOW_MS }),
  messages: z
    .object({
      defaultLocale: z.string().min(2).max(35).default('en'),
      templates: z.record(z.string(), z.object({ enroll: template.optional(), sign_in: template.optional() })).default({}),
      origin: z.string().regex(/^[a-z0-9.-]+(:\d+)?$/i, 'a host name such as "example.com"').optional(),
    })
    .default({ defaultLocale: 'en', templates: {} }),
  channels: z
    .object({ priority: z.array(channel).min(1).default([...DEFAULT_CHANNEL_PRIORITY]) })
    .default({ priority: [...DEFAULT_CHANNEL_PRIORITY] }),
  maxCasAttempts: positiveInt.max(1000).default(DEFAULT_MAX_CAS_ATTEMPTS),
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
  /** Message senders by channel. Without an SMS sender, SMS factors cannot be used. */
  senders?: {
    /** The SMS sender. */
    sms?: SmsSender | undefined;
  } | undefined;
  /** At least 32 characters; a list to rotate (the first signs, all verify). */
  secret: string | string[];
  /** Shown in messages as `{appName}`. Default `'mfakit'`. */
  appName?: string | undefined;
  /** Time source. Default: the wall clock. */
  clock?: Clock | undefined;
  /** Tells who is an admin; admins can never be put on the exception list. */
  isAdmin?: IsAdmin | undefined;
  /** Phone number rules. */
  phone?: {
    /** ISO 3166-1 alpha-2 codes; all countries when absent. */
    allowedCountries?: string[] | undefined;
    /** Country for numbers typed without a `+` prefix. */
    defaultCountry?: string | undefined;
    /** The host's hook to refuse a number. */
    check?: PhoneCheck | undefined;
  } | undefined;
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
    /** Budget window in ms. Default 3 600 000. */
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
    /** Adds the origin-bound last line (`@example.com #123456`) for browser autofill. */
    origin?: string | undefined;
  } | undefined;
  /** Channel fallback order. */
  channels?: {
    /** Channels in the order a challenge falls back through them. */
    priority?: Channel[] | undefined;
  } | undefined;
  /** Compare-and-set attempts before failing closed with `contention`. Default 64. */
  maxCasAttempts?: number | undefined;
}

/** Options after validation, with every default filled in. */
export type ResolvedOptions = z.output<typeof optionsSchema>;

/**
 * The rule numbers in force (`mfa.rules`), after defaults.
 *
 * @example
 * ```ts
 * mfa.rules.maxTries;   // 4
 * mfa.rules.cooldownMs; // 30000
 * ```
 */
export interface Policy {
  /** Digits per code. */
  readonly codeLength: number;
  /** Code lifetime in ms. */
  readonly codeTtlMs: number;
  /** Wrong entries per code. */
  readonly maxTries: number;
  /** Wrong entries that lock. */
  readonly maxFailures: number;
  /** Lock length in ms. */
  readonly lockMs: number;
  /** Consecutive failures that lock until an admin unlocks. */
  readonly hardLimit: number;
  /** How long failures are remembered after the last one, in ms. */
  readonly failureMemoryMs: number;
  /** Minimum ms between sends to a user. */
  readonly cooldownMs: number;
  /** Sends per user per window. */
  readonly sendsPerUser: number;
  /** Sends per destination number per window. */
  readonly sendsPerDestination: number;
  /** Budget window in ms. */
  readonly sendWindowMs: number;
}

/**
 * Validates options once; throws `MfaError('invalid_options')` naming the field.
 * @internal
 */
export function parseOptions(input: unknown): ResolvedOptions {
  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first && first.path.length > 0 ? first.path.join('.') : 'options';
    throw new MfaError('invalid_options', `Invalid mfakit option ${field}: ${first?.message ?? 'invalid'}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
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
    sendWindowMs: o.sending.windowMs,
  };
}

// Compile-time proof that the hand-written MfaOptions and the schema accept the same input.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _optionsMatchSchema: Same<MfaOptions, z.input<typeof optionsSchema>> = true;
void _optionsMatchSchema;
