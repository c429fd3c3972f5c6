/**
 * The email factor kind: the purpose's email template (subject, text, HTML) through the
 * email sender, to the factor's address.
 * @internal
 * @module
 */
import { maskEmail } from '../config/email.js';
import { MfaError } from '../config/errors.js';
import { DEFAULT_EMAIL_TEMPLATES, pickTemplate, renderEmail } from '../config/messages.js';
import type { ResolvedOptions } from '../config/options.js';
import type { Factor } from '../core/types.js';
import type { EmailSender } from '../ports/sender.js';
import { type CodeFactorKind, receiptOf } from './kind.js';

/** The address of an email factor. */
function addressOf(factor: Factor): string {
  if (!factor.email) throw new MfaError('invalid_argument', 'The factor has no email address');
  return factor.email;
}

/** The email kind over the configured sender. */
export function emailKind(options: ResolvedOptions, sender: EmailSender): CodeFactorKind {
  const m = options.messages;
  return {
    budgetKey: (factor) => `email|${addressOf(factor).toLowerCase()}`,
    masked(factor) {
      const masked = maskEmail(addressOf(factor));
      return { maskedTo: masked, maskedEmail: masked };
    },
    senderName: sender.name,
    async send(factor, { code, purpose, locale }) {
      const template = pickTemplate(m.emailTemplates, DEFAULT_EMAIL_TEMPLATES, locale, m.defaultLocale, purpose);
      const minutes = Math.round(options.code.ttlMs / 60_000);
      const mail = renderEmail(template, { code, appName: options.appName, minutes });
      return receiptOf(await sender.send({ to: addressOf(factor), ...mail, purpose, locale }));
    },
  };
}
