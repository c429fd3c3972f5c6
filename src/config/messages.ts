/**
 * Message bodies: a template per purpose and locale with `{code}`, `{appName}`, `{minutes}`,
 * and an optional origin-bound last line (`@example.com #123456`) for browser autofill.
 * @internal
 * @module
 */
import type { Purpose } from '../core/types.js';

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

/** Templates by locale, then purpose. */
export type Templates = Record<string, { enroll?: string | undefined; sign_in?: string | undefined }>;

/** Picks the template: exact locale, then its language (`fr-CA` → `fr`), then the default locale, then English. */
export function pickTemplate(custom: Templates, locale: string, defaultLocale: string, purpose: Purpose): string {
  const language = locale.split('-')[0] ?? locale;
  for (const l of [locale, language, defaultLocale]) {
    const t = custom[l]?.[purpose];
    if (t) return t;
  }
  return DEFAULT_TEMPLATES.en[purpose];
}

/** Fills a template. Each placeholder is replaced everywhere; nothing else is interpreted. */
export function renderMessage(
  template: string,
  vars: { code: string; appName: string; minutes: number },
  origin: string | undefined,
): string {
  const body = template
    .replaceAll('{code}', vars.code)
    .replaceAll('{appName}', vars.appName)
    .replaceAll('{minutes}', String(vars.minutes));
  return origin ? `${body}\n\n@${origin} #${vars.code}` : body;
}
