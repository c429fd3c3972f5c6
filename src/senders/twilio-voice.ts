import { MfaError } from '../config/errors.js';
import type { VoiceMessage } from '../ports/sender.js';
import type { ProviderSender } from './delivery-error.js';
import { twilioClient, type TwilioAccount } from './twilio-api.js';

/** The `<Say>` language for a bare language tag (Twilio's languages for text-to-speech). */
const LANGUAGES: Readonly<Record<string, string>> = {
  ca: 'ca-ES', da: 'da-DK', de: 'de-DE', en: 'en-US', es: 'es-ES', fi: 'fi-FI', fr: 'fr-FR', it: 'it-IT',
  ja: 'ja-JP', ko: 'ko-KR', nb: 'nb-NO', no: 'nb-NO', nl: 'nl-NL', pl: 'pl-PL', pt: 'pt-BR', ru: 'ru-RU',
  sv: 'sv-SE', zh: 'zh-CN',
};

/**
 * Options of {@link twilioVoiceSender}.
 *
 * @example
 * ```ts
 * const options: TwilioVoiceOptions = { accountSid: 'AC…', authToken: process.env.TWILIO_AUTH_TOKEN!, from: '+15005550006', voice: 'Polly.Joanna' };
 * ```
 */
export interface TwilioVoiceOptions extends TwilioAccount {
  /** The calling number (E.164), a Twilio number of the account. */
  readonly from: string;
  /** The `<Say>` voice (`'alice'`, `'Polly.Joanna'`, ...); Twilio's default when absent. */
  readonly voice?: string | undefined;
}

/**
 * A voice sender over Twilio Programmable Voice: one `POST /2010-04-01/Accounts/{sid}/Calls.json`
 * with `To`, `From` and inline `Twiml` (`<Response><Say language="fr-FR">…</Say></Response>`,
 * the text XML-escaped, the language from the message's locale: `fr` → `fr-FR`, `en-GB` stays,
 * default `en-US`). Resolves to the call SID (`CA…`); rejects with a {@link DeliveryError}.
 *
 * @see https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource
 * @example
 * ```ts
 * import { twilioVoiceSender } from 'mfakit/senders';
 * const voice = twilioVoiceSender({
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   authToken: process.env.TWILIO_AUTH_TOKEN!,
 *   from: '+15005550006',
 * });
 * const mfa = createMfa({ senders: { sms, voice }, ...rest });
 * ```
 */
export function twilioVoiceSender(options: TwilioVoiceOptions): ProviderSender<VoiceMessage> {
  const { accountSid, authToken, from, voice } = options;
  if (!accountSid || !authToken || !from) throw new MfaError('invalid_options', 'twilioVoiceSender needs accountSid, authToken and from');
  const post = twilioClient('twilio-voice', options, 'Calls.json');
  const statusCallback = options.statusCallback;
  return {
    name: 'twilio-voice',
    async send({ to, text, locale }, sendOptions) {
      const form: Record<string, string> = { To: to, From: from, Twiml: sayTwiml(text, sayLanguage(locale), voice) };
      if (statusCallback !== undefined) form['StatusCallback'] = statusCallback;
      return { id: await post(form, sendOptions?.signal) };
    },
  };
}

/** The TwiML of one `<Say>`. */
function sayTwiml(text: string, language: string, voice: string | undefined): string {
  const voiceAttribute = voice === undefined ? '' : ` voice="${escapeXml(voice)}"`;
  return `<Response><Say${voiceAttribute} language="${escapeXml(language)}">${escapeXml(text)}</Say></Response>`;
}

/** `fr` → `fr-FR`, `en_gb` → `en-GB`, unknown → `en-US`. */
function sayLanguage(locale: string): string {
  const [language = '', region] = locale.split(/[-_]/);
  const lang = language.toLowerCase();
  if (region && /^[a-z]{2}$/i.test(region) && /^[a-z]{2,3}$/.test(lang)) return `${lang}-${region.toUpperCase()}`;
  return LANGUAGES[lang] ?? 'en-US';
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
