import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, vonageSmsSender } from 'mfakit/senders';
import { everythingOf, startServer, type TestServer } from './helpers/http-server.js';

const KEY = 'abcd1234';
const SECRET = 'vonage_secret_Zx9Qw8';
const message = { to: '+447700900000', body: '482913 is your Acme code', purpose: 'sign_in', locale: 'en' } as const;

/** The SMS API's documented success answer (HTTP 200). */
const accepted = {
  'message-count': '1',
  messages: [
    { to: '447700900000', 'message-id': '0A0000000123ABCD1', status: '0', 'remaining-balance': '3.14159265', 'message-price': '0.03330000', network: '12345' },
  ],
};
/** The documented refusal: HTTP 200 too, with a non-zero status and an error text that may repeat the number. */
const refused = (status: string, text: string) => ({ status: 200, body: { 'message-count': '1', messages: [{ status, 'error-text': text }] } });

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ status: 200, body: accepted });
});
afterAll(() => server.close());

const sender = () => vonageSmsSender({ apiKey: KEY, apiSecret: SECRET, from: 'Acme', baseUrl: server.url });

describe('vonageSmsSender', () => {
  it('POSTs /sms/json with api_key, api_secret, from, to without the +, text; resolves to the message-id', async () => {
    server.answer({ status: 200, body: accepted });
    const sms = sender();
    expect(sms.name).toBe('vonage');
    await expect(sms.send(message)).resolves.toEqual({ id: '0A0000000123ABCD1' });
    const req = server.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/sms/json');
    expect(req?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req?.form).toEqual({ api_key: KEY, api_secret: SECRET, from: 'Acme', to: '447700900000', text: '482913 is your Acme code' });
  });

  it('sends type=unicode only when the text is outside the GSM alphabet (and encodes it as UTF-8)', async () => {
    await sender().send({ ...message, body: 'Ihr Code: 482913 (gültig 10 Min.) à é ü €' });
    expect(server.requests.at(-1)?.form['type']).toBeUndefined();
    await sender().send({ ...message, body: '認証コード 482913' });
    const req = server.requests.at(-1);
    expect(req?.form['type']).toBe('unicode');
    expect(req?.body).toContain('text=%E8%AA%8D%E8%A8%BC');
  });

  it('passes a delivery-receipt callback and a from number without its +', async () => {
    await vonageSmsSender({ apiKey: KEY, apiSecret: SECRET, from: '+447700900001', baseUrl: server.url, statusCallback: 'https://acme.example/vonage/status' }).send(message);
    expect(server.requests.at(-1)?.form).toMatchObject({ from: '447700900001', callback: 'https://acme.example/vonage/status' });
  });

  it.each([
    ['1', 'Throughput Rate Exceeded - please wait [ 100 ] and retry', 'rate_limited', true],
    ['2', 'Missing to param', 'provider_error', true],
    ['3', 'Invalid to address: 447700900000', 'provider_error', true],
    ['4', 'Bad Credentials', 'account', true],
    ['5', 'Internal Error', 'provider_error', true],
    ['6', 'Unroutable message - rejected: 447700900000', 'invalid_number', false],
    ['7', 'Number barred: 447700900000', 'blocked', false],
    ['9', 'Partner quota exceeded', 'account', true],
    ['15', 'Illegal Sender Address - rejected', 'account', true],
    ['29', 'Non White-listed Destination - rejected: 447700900000', 'account', true],
    ['33', 'Number de-activated: 447700900000', 'invalid_number', false],
    ['42', 'Something new', 'provider_error', true],
  ] as const)('status %s (HTTP 200) → %s, retryable %s, without the error text', async (status, text, reason, retryable) => {
    server.answer(refused(status, text));
    const err = await sender().send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ provider: 'vonage', reason, retryable, providerCode: status, httpStatus: 200 });
    const text_ = everythingOf(err);
    for (const secret of ['7700900000', SECRET, '482913']) expect(text_).not.toContain(secret);
  });

  it('checks every part of a long message: one refused part fails the send', async () => {
    server.answer({
      status: 200,
      body: { 'message-count': '2', messages: [accepted.messages[0], { status: '1', 'error-text': 'Throughput Rate Exceeded' }] },
    });
    await expect(sender().send(message)).rejects.toMatchObject({ reason: 'rate_limited', providerCode: '1' });
  });

  it('an HTTP error or an unreadable 200 is a retryable error', async () => {
    server.answer({ status: 429, body: {} });
    await expect(sender().send(message)).rejects.toMatchObject({ reason: 'rate_limited', httpStatus: 429, retryable: true });
    server.answer({ status: 500, body: 'oops', contentType: 'text/plain' });
    await expect(sender().send(message)).rejects.toMatchObject({ reason: 'provider_error', httpStatus: 500 });
    server.answer({ status: 200, body: { 'message-count': '0', messages: [] } });
    await expect(sender().send(message)).rejects.toMatchObject({ reason: 'provider_error', retryable: true });
  });
});
