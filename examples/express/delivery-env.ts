/**
 * Real delivery from the environment: which SMS provider (`SMS_PROVIDER`), an optional
 * failover (`SMS_FAILOVER`), voice calls through Twilio when Twilio is configured, email over
 * SMTP when `SMTP_URL` is set, and what the signed webhooks need (`PUBLIC_URL`, the Twilio
 * Auth Token, the Vonage signature secret). Every sender is one of mfakit's (`mfakit/senders`).
 *
 * A variable that is missing or malformed for the chosen provider is a `StartupError` naming
 * it (never its value): `server.ts` prints it as one line.
 *
 * ADAPT: read your secrets from your secret manager instead of the environment if you have one.
 * @module
 */
import type { EmailSender, SmsSender, VoiceSender } from 'mfakit';
import {
  failoverSender,
  smtpEmailSender,
  snsSmsSender,
  twilioSmsSender,
  twilioVoiceSender,
  vonageSmsSender,
  type ProviderSender,
  type SmsMessage,
  type VonageSmsSignatureAlgorithm,
} from 'mfakit/senders';
import { baseUrl, type Env, oneOf, optional, required, shaped } from './env-vars.js';
import { TWILIO_STATUS_PATH, VONAGE_STATUS_PATH, type ProviderWebhooks } from './routes/provider-webhooks.js';
import { StartupError } from './startup-error.js';

/** The SMS providers `SMS_PROVIDER` names; `console` is the development outbox. */
export const SMS_PROVIDERS = ['console', 'twilio', 'vonage', 'sns'] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];
type RealProvider = Exclude<SmsProvider, 'console'>;

const VONAGE_SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const satisfies readonly VonageSmsSignatureAlgorithm[];

/** How long one provider may take before the failover tries the next one. */
const FAILOVER_TIMEOUT_MS = 5_000;

const E164 = /^\+[1-9]\d{6,14}$/;
const TWILIO_SENDER = /^(\+[1-9]\d{6,14}|\d{3,8}|(?=[A-Za-z0-9 ]*[A-Za-z])[A-Za-z0-9 ]{1,11})$/;
const VONAGE_SENDER = /^(\+?[1-9]\d{6,14}|(?=[A-Za-z0-9 ]*[A-Za-z])[A-Za-z0-9 ]{1,11})$/;

/** The senders and webhooks the environment asks for. */
export interface Delivery {
  /** `console`: the development outbox (and no real provider). */
  readonly provider: SmsProvider;
  /** For the start-up line: `twilio`, `twilio, failover vonage`, `twilio + smtp email`. */
  readonly summary: string;
  readonly sms?: SmsSender;
  readonly voice?: VoiceSender;
  readonly email?: EmailSender;
  /** The signed webhooks to mount (absent: no provider calls back). */
  readonly webhooks?: ProviderWebhooks;
  /** Whether mfakit records message ids for `handleDeliveryReport` (on when a provider reports). */
  readonly deliveryReports: boolean;
}

/**
 * Reads `SMS_PROVIDER`, `SMS_FAILOVER`, the providers' variables, `PUBLIC_URL` and
 * `SMTP_URL`/`MAIL_FROM`. The AWS SDK and nodemailer are imported only when chosen.
 */
export async function deliveryFromEnv(env: Env): Promise<Delivery> {
  const provider = oneOf(env, 'SMS_PROVIDER', SMS_PROVIDERS) ?? 'console';
  const failover = oneOf(env, 'SMS_FAILOVER', ['twilio', 'vonage', 'sns'] as const);
  if (failover !== undefined && provider === 'console') throw new StartupError('SMS_FAILOVER needs a real SMS_PROVIDER (twilio, vonage or sns) to fail over from.');
  if (failover !== undefined && failover === provider) throw new StartupError('SMS_FAILOVER must name a provider other than SMS_PROVIDER.');
  const chain: RealProvider[] = provider === 'console' ? [] : failover === undefined ? [provider] : [provider, failover];

  const reporting = chain.filter((p) => p !== 'sns'); // SNS reports through CloudWatch, not a webhook
  const publicUrl = reporting.length > 0 ? baseUrl('PUBLIC_URL', required(env, 'PUBLIC_URL', `with SMS_PROVIDER=${provider}${failover ? ` or SMS_FAILOVER=${failover}` : ''} (the public https address the provider calls back, e.g. https://mfa.example.com)`)) : undefined;
  const twilio = chain.includes('twilio') ? twilioFromEnv(env, publicUrl ?? '') : undefined;
  const vonage = chain.includes('vonage') ? vonageFromEnv(env, publicUrl ?? '') : undefined;

  const members: ProviderSender<SmsMessage>[] = [];
  for (const p of chain) {
    if (p === 'twilio' && twilio) members.push(twilio.sms);
    if (p === 'vonage' && vonage) members.push(vonage.sms);
    if (p === 'sns') members.push(await snsFromEnv(env));
  }
  const first = members[0];
  const sms = members.length > 1 ? failoverSender(members, { timeoutMs: FAILOVER_TIMEOUT_MS }) : first;
  const email = await emailFromEnv(env);
  const voice = twilio?.voice;

  const summary = [
    provider === 'console' ? 'console SMS (dev outbox)' : `${provider} SMS${failover ? `, failover ${failover}` : ''}`,
    ...(voice ? ['twilio voice'] : []),
    ...(email ? ['smtp email'] : []),
  ].join(', ');
  const webhooks: ProviderWebhooks | undefined =
    publicUrl === undefined
      ? undefined
      : { publicUrl, ...(twilio ? { twilio: { authToken: twilio.authToken } } : {}), ...(vonage ? { vonage: vonage.webhooks } : {}) };
  return {
    provider,
    summary,
    ...(sms ? { sms } : {}),
    ...(voice ? { voice } : {}),
    ...(email ? { email } : {}),
    ...(webhooks ? { webhooks } : {}),
    deliveryReports: webhooks !== undefined,
  };
}

function twilioFromEnv(env: Env, publicUrl: string) {
  const why = 'when Twilio is the SMS_PROVIDER or the SMS_FAILOVER (Twilio Console → Account info)';
  const accountSid = shaped('TWILIO_ACCOUNT_SID', required(env, 'TWILIO_ACCOUNT_SID', why), /^AC[0-9a-fA-F]{32}$/, '"AC" followed by 32 hex digits');
  const authToken = shaped('TWILIO_AUTH_TOKEN', required(env, 'TWILIO_AUTH_TOKEN', why), /^[0-9a-fA-F]{32}$/, '32 hex digits');
  const from = optional(env, 'TWILIO_FROM');
  const service = optional(env, 'TWILIO_MESSAGING_SERVICE_SID');
  if (from !== undefined && service !== undefined) throw new StartupError('Set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID, not both.');
  if (from === undefined && service === undefined) throw new StartupError(`TWILIO_FROM (a number such as +15005550006) or TWILIO_MESSAGING_SERVICE_SID (MG…) must be set ${why}.`);
  const base = optional(env, 'TWILIO_BASE_URL');
  const account = {
    accountSid,
    authToken,
    ...(base ? { baseUrl: baseUrl('TWILIO_BASE_URL', base) } : {}),
    statusCallback: `${publicUrl}${TWILIO_STATUS_PATH}`,
  };
  const sms =
    from !== undefined
      ? twilioSmsSender({ ...account, from: shaped('TWILIO_FROM', from, TWILIO_SENDER, 'an E.164 number (+15005550006), a short code or a sender id of up to 11 letters and digits') })
      : twilioSmsSender({ ...account, messagingServiceSid: shaped('TWILIO_MESSAGING_SERVICE_SID', service ?? '', /^MG[0-9a-fA-F]{32}$/, '"MG" followed by 32 hex digits') });
  // A call needs a number to call from: TWILIO_VOICE_FROM, or TWILIO_FROM when it is a number.
  const voiceFrom = optional(env, 'TWILIO_VOICE_FROM') ?? (from !== undefined && E164.test(from) ? from : undefined);
  const voice = voiceFrom === undefined ? undefined : twilioVoiceSender({ ...account, from: shaped('TWILIO_VOICE_FROM', voiceFrom, E164, 'an E.164 number such as +15005550006') });
  return { sms, voice, authToken };
}

function vonageFromEnv(env: Env, publicUrl: string) {
  const why = 'when Vonage is the SMS_PROVIDER or the SMS_FAILOVER (Vonage API Dashboard → API settings)';
  const apiKey = shaped('VONAGE_API_KEY', required(env, 'VONAGE_API_KEY', why), /^[0-9A-Za-z]{6,32}$/, 'letters and digits, as shown in the Dashboard');
  const apiSecret = shaped('VONAGE_API_SECRET', required(env, 'VONAGE_API_SECRET', why), /^[\x21-\x7e]{8,128}$/, 'the API secret from the Dashboard, without spaces');
  const from = shaped('VONAGE_FROM', required(env, 'VONAGE_FROM', why), VONAGE_SENDER, 'a number (+447700900000) or a sender id of up to 11 letters and digits');
  const signatureSecret = shaped(
    'VONAGE_SIGNATURE_SECRET',
    required(env, 'VONAGE_SIGNATURE_SECRET', `${why}: the webhooks refuse every unsigned request`),
    /^[\x21-\x7e]{16,256}$/,
    'the signature secret from the Dashboard (16 or more characters, no spaces)',
  );
  const algorithm = oneOf(env, 'VONAGE_SIGNATURE_METHOD', VONAGE_SIGNATURE_METHODS) ?? 'md5hash';
  const base = optional(env, 'VONAGE_BASE_URL');
  const sms = vonageSmsSender({
    apiKey,
    apiSecret,
    from,
    ...(base ? { baseUrl: baseUrl('VONAGE_BASE_URL', base) } : {}),
    statusCallback: `${publicUrl}${VONAGE_STATUS_PATH}`,
  });
  return { sms, webhooks: { signatureSecret, algorithm } };
}

async function snsFromEnv(env: Env): Promise<ProviderSender<SmsMessage>> {
  const region = shaped('AWS_REGION', required(env, 'AWS_REGION', 'when SNS is the SMS_PROVIDER or the SMS_FAILOVER'), /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'a region such as us-east-1');
  let sdk: typeof import('@aws-sdk/client-sns');
  try {
    sdk = await import('@aws-sdk/client-sns');
  } catch {
    throw new StartupError('SMS_PROVIDER=sns needs the @aws-sdk/client-sns package: npm install @aws-sdk/client-sns.');
  }
  // Credentials come from the AWS chain (AWS_ACCESS_KEY_ID…, a profile, an instance role).
  return snsSmsSender({ client: new sdk.SNSClient({ region }) });
}

async function emailFromEnv(env: Env): Promise<EmailSender | undefined> {
  const url = optional(env, 'SMTP_URL');
  const from = optional(env, 'MAIL_FROM');
  if (url === undefined && from === undefined) return undefined;
  if (url === undefined) throw new StartupError('SMTP_URL must be set with MAIL_FROM (e.g. smtps://user:password@smtp.example.com).');
  if (from === undefined) throw new StartupError('MAIL_FROM must be set with SMTP_URL (e.g. "Acme <no-reply@acme.example>").');
  shaped('SMTP_URL', url, /^smtps?:\/\/[^\s/?#]+/, 'smtp://host:port or smtps://user:password@host');
  shaped('MAIL_FROM', from, /^[^\r\n<>@]*<?[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>?$/, 'an address or "Name <address>"');
  let nodemailer: typeof import('nodemailer');
  try {
    nodemailer = await import('nodemailer');
  } catch {
    throw new StartupError('SMTP_URL needs the nodemailer package: npm install nodemailer.');
  }
  return smtpEmailSender({ transport: nodemailer.createTransport(url), from });
}
