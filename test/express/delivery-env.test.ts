/**
 * `deliveryFromEnv`: the example app's providers from environment variables. What each setting
 * gives (senders, webhooks, delivery reports), and for every missing or malformed variable one
 * `StartupError` that names it and never repeats a secret.
 */
import { describe, expect, it } from 'vitest';
import { deliveryFromEnv } from '../../examples/express/delivery-env.js';
import { StartupError } from '../../examples/express/startup-error.js';

const TWILIO = {
  SMS_PROVIDER: 'twilio',
  TWILIO_ACCOUNT_SID: `AC${'a1'.repeat(16)}`,
  TWILIO_AUTH_TOKEN: 'f3a9c1e27b4d58a60c9e1f2b3a4d5e6f',
  TWILIO_FROM: '+15005550006',
  PUBLIC_URL: 'https://mfa.example.com/',
};
const VONAGE = {
  SMS_PROVIDER: 'vonage',
  VONAGE_API_KEY: 'a1b2c3d4',
  VONAGE_API_SECRET: 'Vn9sEcReT0x42abc',
  VONAGE_FROM: 'Acme',
  VONAGE_SIGNATURE_SECRET: 'sig-secret-0123456789-abcdefghij',
  PUBLIC_URL: 'https://mfa.example.com',
};

/** The start-up error for `env` (fails the test when there is none). */
async function startupError(env: Record<string, string>): Promise<string> {
  try {
    await deliveryFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(StartupError);
    return (err as Error).message;
  }
  throw new Error('no start-up error');
}

describe('deliveryFromEnv', () => {
  it('nothing set (or SMS_PROVIDER=console): the dev outbox, no signed webhooks, no delivery reports', async () => {
    for (const env of [{}, { SMS_PROVIDER: 'console' }, { SMS_PROVIDER: '' }]) {
      const d = await deliveryFromEnv(env);
      expect(d).toEqual({ provider: 'console', summary: 'console SMS (dev outbox)', deliveryReports: false });
    }
  });

  it('twilio: SMS and voice through Twilio, Twilio webhooks on PUBLIC_URL (trailing slash dropped), delivery reports on', async () => {
    const d = await deliveryFromEnv(TWILIO);
    expect(d.sms?.name).toBe('twilio');
    expect(d.voice?.name).toBe('twilio-voice');
    expect(d.email).toBeUndefined();
    expect(d.webhooks).toEqual({ publicUrl: 'https://mfa.example.com', twilio: { authToken: TWILIO.TWILIO_AUTH_TOKEN } });
    expect(d.deliveryReports).toBe(true);
    expect(d.summary).toBe('twilio SMS, twilio voice');
    // A Messaging Service has no number to call from: voice needs TWILIO_VOICE_FROM.
    const { TWILIO_FROM: _from, ...noFrom } = TWILIO;
    const service = { ...noFrom, TWILIO_MESSAGING_SERVICE_SID: `MG${'b2'.repeat(16)}` };
    expect((await deliveryFromEnv(service)).voice).toBeUndefined();
    expect((await deliveryFromEnv({ ...service, TWILIO_VOICE_FROM: '+15005550007' })).voice?.name).toBe('twilio-voice');
  });

  it('vonage: Vonage SMS, its webhooks with the signature secret (md5hash unless VONAGE_SIGNATURE_METHOD says otherwise)', async () => {
    const d = await deliveryFromEnv(VONAGE);
    expect(d.sms?.name).toBe('vonage');
    expect(d.voice).toBeUndefined();
    expect(d.webhooks).toEqual({ publicUrl: 'https://mfa.example.com', vonage: { signatureSecret: VONAGE.VONAGE_SIGNATURE_SECRET, algorithm: 'md5hash' } });
    expect((await deliveryFromEnv({ ...VONAGE, VONAGE_SIGNATURE_METHOD: 'SHA512' })).webhooks?.vonage?.algorithm).toBe('sha512');
  });

  it('sns: the AWS SDK client (loaded on demand), no webhook and so no PUBLIC_URL and no delivery reports', async () => {
    const d = await deliveryFromEnv({ SMS_PROVIDER: 'sns', AWS_REGION: 'eu-west-1' });
    expect(d.sms?.name).toBe('sns');
    expect(d.webhooks).toBeUndefined();
    expect(d.deliveryReports).toBe(false);
  });

  it('SMTP_URL and MAIL_FROM: email through nodemailer, with any SMS provider or none', async () => {
    const d = await deliveryFromEnv({ SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'Acme <no-reply@acme.example>' });
    expect(d.email?.name).toBe('smtp');
    expect(d.sms).toBeUndefined();
    expect(d.summary).toBe('console SMS (dev outbox), smtp email');
  });

  it('SMS_FAILOVER: one failover sender over both providers, both providers\' webhooks', async () => {
    const d = await deliveryFromEnv({ ...VONAGE, ...TWILIO, SMS_FAILOVER: 'vonage' });
    expect(d.sms?.name).toBe('failover');
    expect(Object.keys(d.webhooks ?? {}).sort()).toEqual(['publicUrl', 'twilio', 'vonage']);
  });

  it('a missing or malformed variable: one clear message naming it, never the value', async () => {
    const secretish = 'Sup3r-S3cret value';
    const cases: [Record<string, string>, RegExp][] = [
      [{ SMS_PROVIDER: 'plivo' }, /^SMS_PROVIDER must be one of console, twilio, vonage, sns\.$/],
      [{ SMS_FAILOVER: 'vonage' }, /^SMS_FAILOVER needs a real SMS_PROVIDER/],
      [{ ...TWILIO, SMS_FAILOVER: 'twilio' }, /^SMS_FAILOVER must name a provider other than SMS_PROVIDER\.$/],
      [{ ...TWILIO, TWILIO_AUTH_TOKEN: '' }, /^TWILIO_AUTH_TOKEN must be set when Twilio is the SMS_PROVIDER/],
      [{ ...TWILIO, TWILIO_AUTH_TOKEN: secretish }, /^TWILIO_AUTH_TOKEN is malformed: expected 32 hex digits \(the value is not shown\)\.$/],
      [{ ...TWILIO, TWILIO_ACCOUNT_SID: secretish }, /^TWILIO_ACCOUNT_SID is malformed/],
      [{ ...TWILIO, TWILIO_FROM: '' }, /^TWILIO_FROM \(a number such as \+15005550006\) or TWILIO_MESSAGING_SERVICE_SID \(MG…\) must be set/],
      [{ ...TWILIO, TWILIO_MESSAGING_SERVICE_SID: `MG${'b2'.repeat(16)}` }, /^Set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID, not both\.$/],
      [{ ...TWILIO, TWILIO_BASE_URL: 'not a url' }, /^TWILIO_BASE_URL is malformed/],
      [{ ...TWILIO, PUBLIC_URL: '' }, /^PUBLIC_URL must be set with SMS_PROVIDER=twilio/],
      [{ ...TWILIO, PUBLIC_URL: `https://admin:${secretish.replace(' ', '')}@mfa.example.com` }, /^PUBLIC_URL must not contain a user name or password\.$/],
      [{ ...TWILIO, PUBLIC_URL: 'ftp://mfa.example.com' }, /^PUBLIC_URL must be an http:\/\/ or https:\/\/ URL\.$/],
      [{ ...VONAGE, VONAGE_SIGNATURE_SECRET: '' }, /^VONAGE_SIGNATURE_SECRET must be set when Vonage .*: the webhooks refuse every unsigned request\.$/],
      [{ ...VONAGE, VONAGE_API_SECRET: secretish }, /^VONAGE_API_SECRET is malformed/],
      [{ ...VONAGE, VONAGE_SIGNATURE_METHOD: 'sha3' }, /^VONAGE_SIGNATURE_METHOD must be one of md5hash, md5, sha1, sha256, sha512\.$/],
      [{ SMS_PROVIDER: 'sns' }, /^AWS_REGION must be set when SNS is the SMS_PROVIDER/],
      [{ SMS_PROVIDER: 'sns', AWS_REGION: 'moon' }, /^AWS_REGION is malformed/],
      [{ SMTP_URL: 'smtp://127.0.0.1:2525' }, /^MAIL_FROM must be set with SMTP_URL/],
      [{ MAIL_FROM: 'no-reply@acme.example' }, /^SMTP_URL must be set with MAIL_FROM/],
      [{ SMTP_URL: `https://user:${secretish}@smtp.example.com`, MAIL_FROM: 'no-reply@acme.example' }, /^SMTP_URL is malformed/],
    ];
    for (const [env, expected] of cases) {
      const message = await startupError(env);
      expect(message, JSON.stringify(env)).toMatch(expected);
      expect(message).not.toContain('\n');
      for (const value of [secretish, secretish.replace(' ', ''), TWILIO.TWILIO_AUTH_TOKEN, VONAGE.VONAGE_API_SECRET, VONAGE.VONAGE_SIGNATURE_SECRET]) {
        expect(message, JSON.stringify(env)).not.toContain(value);
      }
    }
  });
});
