/**
 * The SMS factor kind: the purpose's template (with the optional autofill line) through the
 * SMS sender, to the factor's number.
 * @internal
 * @module
 */
import { DEFAULT_TEMPLATES, pickTemplate, renderMessage } from '../config/messages.js';
import type { ResolvedOptions } from '../config/options.js';
import type { SmsSender } from '../ports/sender.js';
import type { CodeFactorKind } from './kind.js';
import { numberKind } from './phone.js';

/** The SMS kind over the configured sender. */
export function smsKind(options: ResolvedOptions, sender: SmsSender): CodeFactorKind {
  const m = options.messages;
  const minutes = Math.round(options.code.ttlMs / 60_000);
  return numberKind(sender.name, (to, { code, purpose, locale }) => {
    const template = pickTemplate(m.templates, DEFAULT_TEMPLATES, locale, m.defaultLocale, purpose);
    const body = renderMessage(template, { code, appName: options.appName, minutes }, m.origin);
    return sender.send({ to, body, purpose, locale });
  });
}
