/**
 * The voice factor kind: a call to the factor's number that says the code digit by digit,
 * twice (the purpose's voice template, through the voice sender).
 * @internal
 * @module
 */
import { DEFAULT_VOICE_TEMPLATES, fill, pickTemplate, spokenCode } from '../config/messages.js';
import type { ResolvedOptions } from '../config/options.js';
import type { VoiceSender } from '../ports/sender.js';
import type { CodeFactorKind } from './kind.js';
import { numberKind } from './phone.js';

/** The voice kind over the configured sender. */
export function voiceKind(options: ResolvedOptions, sender: VoiceSender): CodeFactorKind {
  const m = options.messages;
  const minutes = Math.round(options.code.ttlMs / 60_000);
  return numberKind(sender.name, (to, { code, purpose, locale }) => {
    const template = pickTemplate(m.voiceTemplates, DEFAULT_VOICE_TEMPLATES, locale, m.defaultLocale, purpose);
    const text = fill(template, { code: spokenCode(code), appName: options.appName, minutes });
    return sender.send({ to, text, purpose, locale });
  });
}
