/**
 * The example app with `SMS_PROVIDER=vonage` (and `SMS_FAILOVER=vonage` behind Twilio), its
 * senders pointed (`VONAGE_BASE_URL`, `TWILIO_BASE_URL`) at local HTTP servers that stand in
 * for the providers: the SMS API request as documented, the code in it completes enrollment;
 * delivery receipts and inbound texts act only when signed (the SMS API's `sig`, or the
 * Messages API's JWT), signatures computed here from Vonage's documented algorithms.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFromEnv } from '../../examples/express/delivery-env.js';
import { startApp, type RunningApp } from './helpers/app.js';
import { Client } from './helpers/client.js';
import { codeOf, fakeProvider, vonageJwt, vonageSmsSig, type FakeProvider } from './helpers/fake-provider.js';
import { ALICE_ID, ALICE_PHONE, BOB_ID, login } from './helpers/flows.js';

const KEY = 'a1b2c3d4';
const SECRET = 'Vn9sEcReT0x42abc';
const SIGNATURE_SECRET = 'sig-secret-0123456789-abcdefghij';
const PUBLIC_URL = 'https://mfa.example.test';
const STATUS = '/webhooks/vonage/status';
const INBOUND = '/webhooks/vonage/inbound';

const idOf = (n: number) => `0A0000000000000${n + 1}`;
/** The SMS API's answer: every part accepted (`status` "0"). */
const accepted = (to: string, n: number) => ({
  status: 200,
  json: { 'message-count': '1', messages: [{ to, 'message-id': idOf(n), status: '0', 'remaining-balance': '3.14', 'message-price': '0.03', network: '44010' }] },
});

let vonage: FakeProvider;
let app: RunningApp;
let c: Client;
const aliceSms = async () => (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.channel === 'sms');

describe('SMS_PROVIDER=vonage', () => {
  beforeEach(async () => {
    vonage = await fakeProvider((req, n) => accepted(req.form.get('to') ?? '', n));
    const delivery = await deliveryFromEnv({
      SMS_PROVIDER: 'vonage',
      VONAGE_API_KEY: KEY,
      VONAGE_API_SECRET: SECRET,
      VONAGE_FROM: 'MfaDemo',
      VONAGE_SIGNATURE_SECRET: SIGNATURE_SECRET,
      VONAGE_SIGNATURE_METHOD: 'sha256',
      VONAGE_BASE_URL: vonage.url,
      PUBLIC_URL,
    });
    app = await startApp({ delivery });
    c = new Client(app.url);
  });
  afterEach(async () => {
    await app.close();
    await vonage.close();
  });

  /** Now on the app's clock, in seconds (Vonage's `timestamp`). */
  const nowSeconds = () => Math.floor(app.clock.now() / 1000);
  const withSig = (params: Record<string, string>) => ({ ...params, sig: vonageSmsSig(SIGNATURE_SECRET, params, 'sha256') });
  const get = (path: string, params: Record<string, string>) => fetch(`${app.url}${path}?${new URLSearchParams(params)}`);

  it('enrollment sends the SMS API request (form, key and secret, number without +), and the code in it confirms the number', async () => {
    await login(c, 'bob');
    let page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP', channel: 'sms' });
    expect(page.path).toBe('/settings/confirm');
    const req = vonage.requests[0];
    if (!req) throw new Error('no request');
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/sms/json');
    expect(req.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect([...req.form.keys()].sort()).toEqual(['api_key', 'api_secret', 'callback', 'from', 'text', 'to']);
    expect(req.form.get('api_key')).toBe(KEY);
    expect(req.form.get('api_secret')).toBe(SECRET);
    expect(req.form.get('from')).toBe('MfaDemo');
    expect(req.form.get('to')).toBe('819012345678');
    expect(req.form.get('callback')).toBe(`${PUBLIC_URL}${STATUS}`);
    expect(app.outbox?.list().filter((m) => m.channel === 'sms')).toEqual([]);

    page = await c.post('/settings/confirm', { code: codeOf(req.form.get('text') ?? '') });
    expect(page.path).toBe('/settings');
    expect((await app.mfa.listFactors(BOB_ID)).factors.map((f) => [f.channel, f.status])).toEqual([['sms', 'active']]);
  });

  it('a signed delivery receipt "failed, err-code 9" makes the factor unusable; unsigned, tampered, stale or repeated parameters change nothing', async () => {
    const reported: string[] = [];
    app.mfa.on('delivery.reported', (e) => reported.push(`${e.messageId} ${e.status} ${e.errorCode ?? ''}`));
    await login(c, 'alice');
    const messageId = idOf(vonage.requests.length - 1);
    const receipt = {
      msisdn: ALICE_PHONE.slice(1), to: 'MfaDemo', 'network-code': '310090', messageId, price: '0.03000000', status: 'failed',
      scts: '2601050900', 'err-code': '9', 'api-key': KEY, 'message-timestamp': '2026-01-05 09:00:00', timestamp: String(nowSeconds()), nonce: 'c4f1a2b3-0000-4000-8000-0000000000aa',
    };
    const good = withSig(receipt);

    expect((await get(STATUS, receipt)).status).toBe(403); // no sig
    expect((await get(STATUS, { ...receipt, sig: vonageSmsSig('another-secret-0123456789', receipt, 'sha256') })).status).toBe(403);
    expect((await get(STATUS, { ...good, 'err-code': '2' })).status).toBe(403); // tampered after signing
    expect((await get(STATUS, withSig({ ...receipt, timestamp: String(nowSeconds() - 600) }))).status).toBe(403); // 10 minutes old
    expect((await fetch(`${app.url}${STATUS}?${new URLSearchParams(good)}&status=delivered`)).status).toBe(403); // a parameter twice
    expect(await aliceSms()).toMatchObject({ status: 'active' });
    expect(reported).toEqual([]);

    expect((await get(STATUS, good)).status).toBe(204);
    expect(reported).toEqual([`${messageId} failed 9`]);
    expect(await aliceSms()).toMatchObject({ status: 'invalid', invalidReason: 'undeliverable' });
  });

  it('an inbound STOP from the SMS API (POST form, sig) makes the number unusable; "hello" does nothing', async () => {
    const post = (params: Record<string, string>) =>
      fetch(`${app.url}${INBOUND}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
    const inbound = {
      msisdn: ALICE_PHONE.slice(1), to: '447700900000', messageId: '0A0000001234567B', text: 'hello', type: 'text', keyword: 'HELLO',
      'api-key': KEY, 'message-timestamp': '2026-01-05 09:00:00', timestamp: String(nowSeconds()), nonce: 'd5e6f7a8-0000-4000-8000-0000000000bb',
    };
    expect((await post({ ...withSig(inbound), text: 'STOP', keyword: 'STOP' })).status).toBe(403);
    expect((await post(withSig(inbound))).status).toBe(204);
    expect((await aliceSms())?.status).toBe('active');
    expect((await post(withSig({ ...inbound, text: 'STOP', keyword: 'STOP' }))).status).toBe(204);
    expect(await aliceSms()).toMatchObject({ status: 'invalid', invalidReason: 'opt_out' });
  });

  it('an inbound STOP from the Messages API (JSON, Authorization: Bearer JWT over the raw body) acts only when the JWT matches the body', async () => {
    const body = (text: string) =>
      JSON.stringify({ channel: 'sms', message_uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', to: '447700900000', from: ALICE_PHONE.slice(1), timestamp: '2026-01-05T09:00:00Z', text, message_type: 'text' });
    const post = (raw: string, authorization: string | undefined) =>
      fetch(`${app.url}${INBOUND}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: raw });
    const stop = body('STOP');
    expect((await post(stop, undefined)).status).toBe(403);
    expect((await post(stop, `Bearer ${vonageJwt(SIGNATURE_SECRET, body('hello'), nowSeconds())}`)).status).toBe(403); // signed "hello", sent STOP
    expect((await post(stop, `Bearer ${vonageJwt('another-secret-0123456789', stop, nowSeconds())}`)).status).toBe(403);
    expect((await post(stop, `Bearer ${vonageJwt(SIGNATURE_SECRET, stop, nowSeconds() - 600)}`)).status).toBe(403); // too old
    expect((await aliceSms())?.status).toBe('active');

    expect((await post(stop, `Bearer ${vonageJwt(SIGNATURE_SECRET, stop, nowSeconds())}`)).status).toBe(204);
    expect(await aliceSms()).toMatchObject({ status: 'invalid', invalidReason: 'opt_out' });
  });
});

describe('SMS_PROVIDER=twilio with SMS_FAILOVER=vonage', () => {
  let twilio: FakeProvider;
  beforeEach(async () => {
    // Twilio is down (503): the failover sends through Vonage instead.
    twilio = await fakeProvider(() => ({ status: 503, json: { code: 20500, message: 'Service unavailable', status: 503 } }));
    vonage = await fakeProvider((req, n) => accepted(req.form.get('to') ?? '', n));
    const delivery = await deliveryFromEnv({
      SMS_PROVIDER: 'twilio',
      SMS_FAILOVER: 'vonage',
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: '1'.repeat(32),
      TWILIO_MESSAGING_SERVICE_SID: `MG${'2'.repeat(32)}`,
      TWILIO_BASE_URL: twilio.url,
      VONAGE_API_KEY: KEY,
      VONAGE_API_SECRET: SECRET,
      VONAGE_FROM: '+447700900000',
      VONAGE_SIGNATURE_SECRET: SIGNATURE_SECRET,
      VONAGE_BASE_URL: vonage.url,
      PUBLIC_URL,
    });
    expect(delivery.summary).toBe('twilio SMS, failover vonage');
    expect(delivery.voice).toBeUndefined(); // a Messaging Service is no number to call from
    app = await startApp({ delivery });
    c = new Client(app.url);
  });
  afterEach(async () => {
    await app.close();
    await Promise.all([twilio.close(), vonage.close()]);
  });

  it('Twilio answers 503: the code goes through Vonage, and it confirms the enrollment', async () => {
    await login(c, 'bob');
    const page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP', channel: 'sms' });
    expect(page.path).toBe('/settings/confirm');
    expect(twilio.requests.map((r) => r.form.get('MessagingServiceSid'))).toEqual([`MG${'2'.repeat(32)}`]);
    expect(vonage.requests).toHaveLength(1);
    expect(vonage.requests[0]?.form.get('from')).toBe('447700900000');
    expect((await c.post('/settings/confirm', { code: codeOf(vonage.requests[0]?.form.get('text') ?? '') })).path).toBe('/settings');
    expect((await app.mfa.listFactors(BOB_ID)).factors.map((f) => f.status)).toEqual(['active']);
    expect(app.log.some((l) => l.includes(`via vonage (message ${idOf(0)})`))).toBe(true);
  });
});
