import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MfaError } from 'mfakit';
import { DeliveryError, twilioSmsSender } from 'mfakit/senders';
import { closedPortUrl, everythingOf, startServer, type TestServer } from './helpers/http-server.js';

const SID = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX';
const TOKEN = 'your_auth_token_0123456789abcdef';
const TO = '+14155552671';
const BODY = '482913 is your Acme code — café ✓';
const message = { to: TO, body: BODY, purpose: 'sign_in', locale: 'en' } as const;

/** Twilio's documented answer to a created message (201, trimmed of nothing that matters). */
const created = {
  account_sid: SID,
  api_version: '2010-04-01',
  body: BODY,
  date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
  date_sent: null,
  date_updated: 'Thu, 24 Aug 2023 05:01:45 +0000',
  direction: 'outbound-api',
  error_code: null,
  error_message: null,
  from: '+15557122661',
  messaging_service_sid: null,
  num_media: '0',
  num_segments: '1',
  price: null,
  price_unit: null,
  sid: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
  status: 'queued',
  subresource_uris: { media: `/2010-04-01/Accounts/${SID}/Messages/SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Media.json` },
  to: TO,
  uri: `/2010-04-01/Accounts/${SID}/Messages/SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX.json`,
};

/** Twilio's documented error answer: its `message` repeats the number. */
const twilioError = (status: number, code: number, text: string) => ({
  status,
  body: { code, message: text, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('twilioSmsSender', () => {
  it('POSTs the documented request: Messages.json, Basic auth, form-encoded To, Body and From (+ and unicode encoded)', async () => {
    server.answer({ status: 201, body: created });
    const sms = twilioSmsSender({ accountSid: SID, authToken: TOKEN, from: '+15557122661', baseUrl: server.url });
    expect(sms.name).toBe('twilio');
    await expect(sms.send(message)).resolves.toEqual({ id: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' });
    const req = server.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(req?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req?.form).toEqual({ To: TO, Body: BODY, From: '+15557122661' });
    // `+` must travel as %2B (a bare + would be read as a space) and unicode as UTF-8.
    expect(req?.body).toContain('To=%2B14155552671');
    expect(req?.body).toContain(`Body=482913+is+your+Acme+code+%E2%80%94+caf%C3%A9+%E2%9C%93`);
  });

  it('sends through a Messaging Service instead of a From number, with a StatusCallback', async () => {
    server.answer({ status: 201, body: { ...created, sid: 'SM1', messaging_service_sid: 'MGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' } });
    const sms = twilioSmsSender({
      accountSid: SID,
      authToken: TOKEN,
      messagingServiceSid: 'MGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      statusCallback: 'https://acme.example/twilio/status',
      baseUrl: `${server.url}/`,
    });
    await expect(sms.send(message)).resolves.toEqual({ id: 'SM1' });
    expect(server.requests.at(-1)?.form).toEqual({
      To: TO,
      Body: BODY,
      MessagingServiceSid: 'MGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      StatusCallback: 'https://acme.example/twilio/status',
    });
  });

  it.each([
    [400, 21211, "The 'To' number +14155552671 is not a valid phone number.", 'invalid_number', false],
    [400, 21610, 'Attempt to send to unsubscribed recipient', 'opted_out', false],
    [400, 21614, "'To' number +14155552671 is not a valid mobile number", 'landline', false],
    [400, 21408, 'Permission to send an SMS has not been enabled for the region indicated by the To number: +14155552671.', 'blocked_country', false],
    [400, 21612, "The 'To' phone number: +14155552671, is not currently reachable using the 'From' phone number", 'unreachable', false],
    [429, 20429, 'Too Many Requests', 'rate_limited', true],
    [401, 20003, 'Authenticate', 'account', true],
    [400, 30007, 'Message filtered', 'filtered', true],
    [503, 20500, 'Service Unavailable', 'provider_error', true],
    [400, 99999, 'Something new', 'provider_error', true],
  ] as const)('HTTP %i code %i → %s (retryable %s), keeping only the code and status', async (status, code, text, reason, retryable) => {
    server.answer(twilioError(status, code, text));
    const sms = twilioSmsSender({ accountSid: SID, authToken: TOKEN, from: '+15557122661', baseUrl: server.url });
    const err = await sms.send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ provider: 'twilio', reason, retryable, providerCode: String(code), httpStatus: status });
    expect(everythingOf(err)).not.toContain('5552671');
  });

  it('a 5xx without a JSON body is a retryable provider_error', async () => {
    server.answer({ status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html' });
    const sms = twilioSmsSender({ accountSid: SID, authToken: TOKEN, from: '+15557122661', baseUrl: server.url });
    await expect(sms.send(message)).rejects.toMatchObject({ reason: 'provider_error', retryable: true, httpStatus: 502, providerCode: undefined });
  });

  it('a provider that cannot be reached is a retryable network error; one that does not answer, a timeout', async () => {
    const unreachable = twilioSmsSender({ accountSid: SID, authToken: TOKEN, from: '+15557122661', baseUrl: await closedPortUrl() });
    await expect(unreachable.send(message)).rejects.toMatchObject({ name: 'DeliveryError', reason: 'network', retryable: true });
    server.answer({ hang: true });
    const slow = twilioSmsSender({ accountSid: SID, authToken: TOKEN, from: '+15557122661', baseUrl: server.url, timeoutMs: 100 });
    await expect(slow.send(message)).rejects.toMatchObject({ reason: 'timeout', retryable: true });
    const aborted = twilioSmsSender({ accountSid: SID, authToken: TOKEN, from: '+15557122661', baseUrl: server.url });
    await expect(aborted.send(message, { signal: AbortSignal.abort() })).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('security: a failed send, serialized with its whole cause chain, holds no number, no code, no credential', async () => {
    const secrets = ['4155552671', '482913', TOKEN, Buffer.from(`${SID}:${TOKEN}`).toString('base64'), 'café'];
    const failures: unknown[] = [];
    server.answer(twilioError(400, 21211, `The 'To' number ${TO} is not a valid phone number. Body: ${BODY}`));
    const sms = twilioSmsSender({ accountSid: SID, authToken: TOKEN, from: '+15557122661', baseUrl: server.url });
    failures.push(await sms.send(message).catch((e: unknown) => e));
    server.answer({ status: 500, body: `upstream said: ${TO} ${BODY} ${TOKEN}`, contentType: 'text/plain' });
    failures.push(await sms.send(message).catch((e: unknown) => e));
    const down = twilioSmsSender({ accountSid: SID, authToken: TOKEN, from: '+15557122661', baseUrl: await closedPortUrl() });
    failures.push(await down.send(message).catch((e: unknown) => e));
    for (const err of failures) {
      expect(err).toBeInstanceOf(DeliveryError);
      const text = everythingOf(err);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it('refuses options without credentials or with both (or neither) of from and messagingServiceSid', () => {
    expect(() => twilioSmsSender({ accountSid: '', authToken: TOKEN, from: '+15557122661' })).toThrow(MfaError);
    // @ts-expect-error: one of from and messagingServiceSid is required
    expect(() => twilioSmsSender({ accountSid: SID, authToken: TOKEN })).toThrow(/exactly one of from and messagingServiceSid/);
    // @ts-expect-error: not both
    expect(() => twilioSmsSender({ accountSid: SID, authToken: TOKEN, from: '+1', messagingServiceSid: 'MG1' })).toThrow(MfaError);
  });
});
