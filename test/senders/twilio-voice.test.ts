import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, twilioVoiceSender } from 'mfakit/senders';
import { everythingOf, startServer, type TestServer } from './helpers/http-server.js';

const SID = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX';
const TOKEN = 'voice_token_abcdef0123456789';
/** Twilio's documented answer to a created call (201), the fields that matter. */
const created = { sid: 'CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', account_sid: SID, status: 'queued', to: '+14155552671', from: '+15558675310', direction: 'outbound-api', api_version: '2010-04-01' };

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ status: 201, body: created });
});
afterAll(() => server.close());

const send = (text: string, locale: string, voice?: string) =>
  twilioVoiceSender({ accountSid: SID, authToken: TOKEN, from: '+15558675310', baseUrl: server.url, ...(voice ? { voice } : {}) }).send({
    to: '+14155552671',
    text,
    purpose: 'sign_in',
    locale,
  });

describe('twilioVoiceSender', () => {
  it('POSTs Calls.json with To, From and inline TwiML <Say> in the locale’s language, and resolves to the call SID', async () => {
    server.answer({ status: 201, body: created });
    await expect(send('Votre code Acme est 4, 8, 2, 9, 1, 3.', 'fr')).resolves.toEqual({ id: created.sid });
    const req = server.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(req?.form).toEqual({
      To: '+14155552671',
      From: '+15558675310',
      Twiml: '<Response><Say language="fr-FR">Votre code Acme est 4, 8, 2, 9, 1, 3.</Say></Response>',
    });
  });

  it.each([
    ['en', 'en-US'],
    ['en-GB', 'en-GB'],
    ['pt_br', 'pt-BR'],
    ['ja', 'ja-JP'],
    ['xx', 'en-US'],
    ['', 'en-US'],
  ])('locale %j speaks %s', async (locale, language) => {
    await send('1, 2, 3', locale);
    expect(server.requests.at(-1)?.form['Twiml']).toBe(`<Response><Say language="${language}">1, 2, 3</Say></Response>`);
  });

  it('escapes the text and the voice for XML', async () => {
    await send(`Acme & "Co" <code> it's 1, 2`, 'en', 'Polly.Joanna');
    expect(server.requests.at(-1)?.form['Twiml']).toBe(
      '<Response><Say voice="Polly.Joanna" language="en-US">Acme &amp; &quot;Co&quot; &lt;code&gt; it&apos;s 1, 2</Say></Response>',
    );
  });

  it('classifies Twilio voice errors (21217 invalid number, 21215 geo permission) without the number', async () => {
    server.answer({ status: 400, body: { code: 21217, message: 'Phone number +14155552671 does not appear to be valid', status: 400 } });
    const err = await send('1, 2, 3', 'en').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ provider: 'twilio-voice', reason: 'invalid_number', retryable: false, providerCode: '21217' });
    expect(everythingOf(err)).not.toContain('5552671');
    server.answer({ status: 400, body: { code: 21215, message: 'Account not authorized to call +14155552671', status: 400 } });
    await expect(send('1, 2, 3', 'en')).rejects.toMatchObject({ reason: 'blocked_country', retryable: false });
  });
});
