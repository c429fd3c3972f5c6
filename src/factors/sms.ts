/**
 * The SMS factor kind: the purpose's template (with the optional autofill line) through the
 * SMS sender, to the factor's number.
 * @internal
 * @module
 */
import { DEFAULT_TEMPLATES, fill, pickTemplate, renderMessage } from '../config/messages.js';
import type { ResolvedOptions } from '../config/options.js';
import { isDigits } from '../core/codes.js';
import type { Purpose } from '../core/types.js';
import type { SmsSender } from '../ports/sender.js';
import type { CodeFactorKind } from './kind.js';
import { numberKind } from './phone.js';
import { WriteOrderMap } from '../config/lru.js';

/** Locales whose prepared template a kind keeps, per purpose (they come from callers, so bounded). */
const PREPARED_LOCALES = 64;

/** The SMS kind over the configured sender. */
export function smsKind(options: ResolvedOptions, sender: SmsSender): CodeFactorKind {
  const m = options.messages;
  const minutes = Math.round(options.code.ttlMs / 60_000);
  const vars = { code: '', appName: options.appName, minutes };
  // Fast path: a template is picked and filled (all but the code) once per locale and
  // purpose, then each send joins its parts around the code: what `renderMessage` makes.
  const prepare = (purpose: Purpose) => (locale: string): readonly string[] =>
    pickTemplate(m.templates, DEFAULT_TEMPLATES, locale, m.defaultLocale, purpose).split('{code}').map((part) => fill(part, vars));
  const prepared = {
    enroll: { cache: new WriteOrderMap<string, readonly string[]>(PREPARED_LOCALES), make: prepare('enroll') },
    sign_in: { cache: new WriteOrderMap<string, readonly string[]>(PREPARED_LOCALES), make: prepare('sign_in') },
  } satisfies Record<Purpose, unknown>;
  const partsOf = (purpose: Purpose, locale: string): readonly string[] => {
    const p = prepared[purpose];
    return p.cache.getOr(locale, p.make);
  };
  return numberKind(sender.name, (to, { code, purpose, locale }) => {
    let body: string;
    if (isDigits(code)) {
      // Digits cannot form or break a `{appName}` / `{minutes}` placeholder, so filling the
      // parts apart and joining them around the code is the same text as filling the whole.
      const text = partsOf(purpose, locale).join(code);
      body = m.origin ? `${text}\n\n@${m.origin} #${code}` : text;
    } else {
      body = renderMessage(pickTemplate(m.templates, DEFAULT_TEMPLATES, locale, m.defaultLocale, purpose), { code, appName: options.appName, minutes }, m.origin);
    }
    return sender.send({ to, body, purpose, locale });
  });
}

