/**
 * Message bodies per channel, purpose and locale, with `{code}`, `{appName}`, `{minutes}`:
 * SMS (with an optional origin-bound last line, `@example.com #123456`, for browser
 * autofill), voice (the code's digits spaced, said twice) and email (subject, text, HTML).
 * English and French ship; a host adds or overrides any locale.
 * @module
 */
import type { Purpose } from '../core/types.js';

/**
 * An email's parts. The subject holds no code (previews and notifications show it).
 *
 * @example
 * ```ts
 * const t: EmailTemplate = { subject: 'Your {appName} code', text: '{code} is your code.', html: '<p><b>{code}</b></p>' };
 * ```
 */
export interface EmailTemplate {
  /** Subject line (`{appName}` and `{minutes}` only). */
  readonly subject: string;
  /** Plain-text body. */
  readonly text: string;
  /** HTML body; `{appName}` is HTML-escaped in it. */
  readonly html?: string | undefined;
}

/**
 * One template per purpose.
 *
 * @example
 * ```ts
 * const sms: PurposeTemplates<string> = { enroll: '{code} confirms your number.', sign_in: '{code} is your code.' };
 * ```
 */
export interface PurposeTemplates<T> {
  /** For enrollment codes. */
  readonly enroll: T;
  /** For sign-in codes. */
  readonly sign_in: T;
}

/**
 * The shipped locales of a channel's templates.
 *
 * @example
 * ```ts
 * DEFAULT_TEMPLATES.fr.sign_in; // '{code} est votre code de connexion {appName}. ...'
 * ```
 */
export interface ShippedTemplates<T> {
  /** English. */
  readonly en: PurposeTemplates<T>;
  /** French. */
  readonly fr: PurposeTemplates<T>;
}

/**
 * Default SMS templates.
 *
 * @example
 * ```ts
 * DEFAULT_TEMPLATES.en.sign_in; // '{code} is your {appName} sign-in code. ...'
 * ```
 */
export const DEFAULT_TEMPLATES: ShippedTemplates<string> = {
  en: {
    enroll: '{code} is your {appName} code to confirm this phone number. It expires in {minutes} minutes.',
    sign_in: '{code} is your {appName} sign-in code. It expires in {minutes} minutes. Never share it.',
  },
  fr: {
    enroll: '{code} est votre code {appName} pour confirmer ce numéro. Il expire dans {minutes} minutes.',
    sign_in: '{code} est votre code de connexion {appName}. Il expire dans {minutes} minutes. Ne le communiquez jamais.',
  },
};

/**
 * Default voice templates: `{code}` is spoken digit by digit, and each template says it twice.
 *
 * @example
 * ```ts
 * DEFAULT_VOICE_TEMPLATES.en.sign_in; // 'This is {appName}. Your sign-in code is {code}. Again, your code is {code}.'
 * ```
 */
export const DEFAULT_VOICE_TEMPLATES: ShippedTemplates<string> = {
  en: {
    enroll: 'This is {appName}. Your code to confirm this phone number is {code}. Again, your code is {code}.',
    sign_in: 'This is {appName}. Your sign-in code is {code}. Again, your code is {code}.',
  },
  fr: {
    enroll: 'Ici {appName}. Votre code pour confirmer ce numéro est {code}. Je répète, votre code est {code}.',
    sign_in: 'Ici {appName}. Votre code de connexion est {code}. Je répète, votre code est {code}.',
  },
};

/**
 * Default email templates.
 *
 * @example
 * ```ts
 * DEFAULT_EMAIL_TEMPLATES.en.sign_in.subject; // 'Your {appName} sign-in code'
 * ```
 */
export const DEFAULT_EMAIL_TEMPLATES: ShippedTemplates<EmailTemplate> = {
  en: {
    enroll: {
      subject: 'Confirm your email address for {appName}',
      text: '{code} is your {appName} code to confirm this email address. It expires in {minutes} minutes.',
      html: '<p><strong>{code}</strong> is your {appName} code to confirm this email address.</p><p>It expires in {minutes} minutes.</p>',
    },
    sign_in: {
      subject: 'Your {appName} sign-in code',
      text: '{code} is your {appName} sign-in code. It expires in {minutes} minutes. Never share it. If you did not try to sign in, change your password.',
      html: '<p><strong>{code}</strong> is your {appName} sign-in code.</p><p>It expires in {minutes} minutes. Never share it. If you did not try to sign in, change your password.</p>',
    },
  },
  fr: {
    enroll: {
      subject: 'Confirmez votre adresse e-mail pour {appName}',
      text: '{code} est votre code {appName} pour confirmer cette adresse. Il expire dans {minutes} minutes.',
      html: '<p><strong>{code}</strong> est votre code {appName} pour confirmer cette adresse.</p><p>Il expire dans {minutes} minutes.</p>',
    },
    sign_in: {
      subject: 'Votre code de connexion {appName}',
      text: '{code} est votre code de connexion {appName}. Il expire dans {minutes} minutes. Ne le communiquez jamais. Si vous n’avez pas tenté de vous connecter, changez votre mot de passe.',
      html: '<p><strong>{code}</strong> est votre code de connexion {appName}.</p><p>Il expire dans {minutes} minutes. Ne le communiquez jamais. Si vous n’avez pas tenté de vous connecter, changez votre mot de passe.</p>',
    },
  },
};

/** A host's templates by locale, then purpose (any of them may be left out). */
export type Templates<T> = Record<string, { enroll?: T | undefined; sign_in?: T | undefined }>;

/**
 * Picks a template: the host's, then the shipped ones, each for the exact locale, its
 * language (`fr-CA` → `fr`), the default locale, then English.
 */
export function pickTemplate<T>(custom: Templates<T>, shipped: ShippedTemplates<T>, locale: string, defaultLocale: string, purpose: Purpose): T {
  const language = locale.split('-')[0] ?? locale;
  const builtIn = shipped as unknown as Templates<T>;
  for (const source of [custom, builtIn]) {
    for (const l of [locale, language, defaultLocale]) {
      const t = source[l]?.[purpose];
      if (t) return t;
    }
  }
  return shipped.en[purpose];
}

/** The values a template is filled with. */
export interface MessageVars {
  readonly code: string;
  readonly appName: string;
  readonly minutes: number;
}

/** Fills a template. Each placeholder is replaced everywhere; nothing else is interpreted. */
export function fill(template: string, vars: MessageVars): string {
  return template.replaceAll('{code}', vars.code).replaceAll('{appName}', vars.appName).replaceAll('{minutes}', String(vars.minutes));
}

/** An SMS body, with the origin-bound autofill line when `origin` is set. */
export function renderMessage(template: string, vars: MessageVars, origin: string | undefined): string {
  const body = fill(template, vars);
  return origin ? `${body}\n\n@${origin} #${vars.code}` : body;
}

/** The code as a voice says it: digits apart (`1, 2, 3, 4, 5, 6`). */
export function spokenCode(code: string): string {
  return [...code].join(', ');
}

/** An email from its template; `{appName}` is escaped in the HTML part. */
export function renderEmail(template: EmailTemplate, vars: MessageVars): { subject: string; text: string; html?: string } {
  const html = template.html === undefined ? undefined : fill(template.html, { ...vars, appName: escapeHtml(vars.appName) });
  return {
    subject: fill(template.subject, { ...vars, code: '' }),
    text: fill(template.text, vars),
    ...(html === undefined ? {} : { html }),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
