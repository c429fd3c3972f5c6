/**
 * The example app with `SMS_PROVIDER=twilio`, its senders pointed (`TWILIO_BASE_URL`) at a
 * local HTTP server that stands in for Twilio's REST API: enrollment and sign-in send Twilio's
 * documented request and the code in it completes them; the signed webhooks (STOP, status
 * callbacks) act only on a valid `X-Twilio-Signature`, computed here with Twilio's documented
 * algorithm over the public URL (`PUBLIC_URL`), not the app's local one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFromEnv } from '../../examples/express/delivery-env.js';
import { startApp, type RunningApp } from './helpers/app.js';
import { Client, textOf } from './helpers/client.js';
import { codeOf, fakeProvider, twilioSignature, type FakeProvider } from './helpers/fake-provider.js';
import { ALICE_ID, ALICE_PHONE, BOB_ID, lastCode, login } from './helpers/flows.js';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'f3a9c1e27b4d58a60c9e1f2b3a4d5e6f';
const FROM = '+15005550006';
const PUBLIC_URL = 'https://mfa.example.test/demo';
const JP = '+819012345678';

let twilio: FakeProvider;
let app: RunningApp;
let c: Client;

/** Twilio's `201 Created` with the message (or call) SID; the n-th SID is predictable. */
const sidOf = (prefix: 'SM' | 'CA', n: number) => `${prefix}${String(n + 1).padStart(32, '0')}`;

beforeEach(async () => {
  twilio = await fakeProvider((req, n) => {
    const prefix = req.path.endsWith('/Calls.json') ? 'CA' : 'SM';
    return { status: 201, json: { sid: sidOf(prefix, n), status: 'queued', account_sid: SID } };
  });
  const delivery = await deliveryFromEnv({
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: FROM,
    TWILIO_BASE_URL: twilio.url,
    PUBLIC_URL,
  });
  app = await startApp({ delivery, webhookToken: 'legacy-token' });
  c = new Client(app.url);
});
afterEach(async () => {
  await app.close();
  await twilio.close();
});

/** POSTs a form to the app with an `X-Twilio-Signature` header (omitted when `undefined`). */
function post(path: string, params: Record<string, string>, signature: string | undefined) {
  return fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) },
    body: new URLSearchParams(params),
  });
}
const signed = (path: string, params: Record<string, string>) => post(path, params, twilioSignature(TOKEN, `${PUBLIC_URL}${path}`, params));
const aliceSms = async () => (await app.mfa.listFactors(ALICE_ID)).factors.find((f) => f.channel === 'sms');

describe('SMS_PROVIDER=twilio: sending', () => {
  it('enrollment sends Twilio\'s Messages request, and the code in it confirms the number', async () => {
    await login(c, 'bob');
    let page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP', channel: 'sms' });
    expect(page.path).toBe('/settings/confirm');
    expect(twilio.requests).toHaveLength(1);
    const req = twilio.requests[0];
    if (!req) throw new Error('no request');
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req.headers['authorization']).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(req.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect([...req.form.keys()].sort()).toEqual(['Body', 'From', 'StatusCallback', 'To']);
    expect(req.form.get('To')).toBe(JP);
    expect(req.form.get('From')).toBe(FROM);
    expect(req.form.get('StatusCallback')).toBe(`${PUBLIC_URL}/webhooks/twilio/status`);
    expect(req.body).toContain('To=%2B819012345678'); // the + encoded, not a space
    // Nothing went to the dev outbox: the text went to Twilio.
    expect(app.outbox?.list().filter((m) => m.channel === 'sms')).toEqual([]);

    page = await c.post('/settings/confirm', { code: codeOf(req.form.get('Body') ?? '') });
    expect(page.path).toBe('/settings');
    const factors = (await app.mfa.listFactors(BOB_ID)).factors;
    expect(factors.map((f) => [f.channel, f.status])).toEqual([['sms', 'active']]);
    expect(app.log.some((l) => l.includes(`via twilio (message ${sidOf('SM', 0)})`))).toBe(true);
  });

  it('a voice enrollment calls through Twilio (Calls.json, TwiML <Say> with the digits), and the spoken code confirms it', async () => {
    await login(c, 'bob');
    const page = await c.post('/settings/phone', { phone: '090-1234-5678', country: 'JP', channel: 'voice' });
    expect(page.path).toBe('/settings/confirm');
    const req = twilio.requests[0];
    expect(req?.path).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    expect(req?.form.get('To')).toBe(JP);
    expect(req?.form.get('From')).toBe(FROM);
    const twiml = req?.form.get('Twiml') ?? '';
    expect(twiml).toMatch(/^<Response><Say language="[a-z]{2}-[A-Z]{2}">.*<\/Say><\/Response>$/);
    expect((await c.post('/settings/confirm', { code: codeOf(twiml) })).path).toBe('/settings');
    expect((await app.mfa.listFactors(BOB_ID)).factors.map((f) => [f.channel, f.status])).toEqual([['voice', 'active']]);
  });

  it('sign-in texts the code through Twilio, and it signs the user in', async () => {
    const page = await login(c, 'alice');
    expect(page.path).toBe('/mfa');
    expect(twilio.requests.at(-1)?.form.get('To')).toBe(ALICE_PHONE);
    const done = await c.post('/mfa/verify', { code: codeOf(twilio.requests.at(-1)?.form.get('Body') ?? '') });
    expect(done.path).toBe('/');
  });
});

describe('SMS_PROVIDER=twilio: signed webhooks', () => {
  it('a status callback "undelivered, 30006 landline" correctly signed makes the factor unusable; the next sign-in falls back to email', async () => {
    const reported: string[] = [];
    app.mfa.on('delivery.reported', (e) => reported.push(`${e.messageId} ${e.status} ${e.errorCode ?? ''}`));
    await login(c, 'alice'); // the sign-in code goes out through Twilio
    const messageSid = sidOf('SM', twilio.requests.length - 1);
    const callback = { AccountSid: SID, ApiVersion: '2010-04-01', ErrorCode: '30006', From: FROM, MessageSid: messageSid, MessageStatus: 'undelivered', SmsSid: messageSid, SmsStatus: 'undelivered', To: ALICE_PHONE };
    const path = '/webhooks/twilio/status';
    const good = twilioSignature(TOKEN, `${PUBLIC_URL}${path}`, callback);

    // Refused, and nothing changes: no signature, a wrong one, a tampered body, the app's local URL signed.
    expect((await post(path, callback, undefined)).status).toBe(403);
    expect((await post(path, callback, 'bm90IGEgc2lnbmF0dXJlIGF0IGFsbA==')).status).toBe(403);
    expect((await post(path, callback, twilioSignature('0'.repeat(32), `${PUBLIC_URL}${path}`, callback))).status).toBe(403);
    expect((await post(path, { ...callback, ErrorCode: '30003' }, good)).status).toBe(403);
    expect((await post(path, { ...callback, Extra: '1' }, good)).status).toBe(403);
    expect((await post(path, callback, twilioSignature(TOKEN, `${app.url}${path}`, callback))).status).toBe(403);
    expect((await aliceSms())?.status).toBe('active');
    expect(reported).toEqual([]);

    const res = await post(path, callback, good);
    expect(res.status).toBe(204);
    expect(reported).toEqual([`${messageSid} failed 30006`]);
    expect(await aliceSms()).toMatchObject({ status: 'invalid', invalidReason: 'undeliverable' });
    expect(app.log.some((l) => l.includes(`[audit] sms message ${messageSid} for ${ALICE_ID}: failed (error 30006)`))).toBe(true);

    // The next sign-in (after the 30 s resend cooldown) falls back to her email (the dev
    // outbox), and the settings page says why.
    await app.advance(30_000);
    const next = new Client(app.url);
    const page = await login(next, 'alice');
    expect(page.path).toBe('/mfa');
    expect(textOf(page.html, 'sent-by')).toBe('by email');
    expect((await next.post('/mfa/verify', { code: lastCode(app, 'alice@example.com') })).path).toBe('/');
    const settings = await next.get('/settings');
    expect(settings.html).toContain('unusable (cannot receive codes)');
  });

  it('a "delivered" status callback is seen as an event and changes nothing; an unknown message id is answered 204', async () => {
    const reported: string[] = [];
    app.mfa.on('delivery.reported', (e) => reported.push(`${e.messageId} ${e.status}`));
    await login(c, 'alice');
    const messageSid = sidOf('SM', 0);
    const path = '/webhooks/twilio/status';
    for (const params of [
      { MessageSid: messageSid, MessageStatus: 'delivered', AccountSid: SID },
      { MessageSid: `SM${'f'.repeat(32)}`, MessageStatus: 'undelivered', ErrorCode: '30006', AccountSid: SID },
    ]) {
      expect((await signed(path, params)).status).toBe(204);
    }
    expect(reported).toEqual([`${messageSid} delivered`]);
    expect((await aliceSms())?.status).toBe('active');
  });

  it('a STOP reply with Twilio\'s full inbound payload, correctly signed, makes the number unusable; tampered or unsigned, nothing changes', async () => {
    const path = '/webhooks/twilio/inbound';
    // Every field Twilio posts for an incoming SMS (more than the app's own forms allow).
    const inbound = {
      ToCountry: 'US', ToState: 'CA', SmsMessageSid: `SM${'a'.repeat(32)}`, NumMedia: '0', ToCity: '', FromZip: '20001',
      SmsSid: `SM${'a'.repeat(32)}`, FromState: 'DC', SmsStatus: 'received', FromCity: 'WASHINGTON', Body: 'hello',
      FromCountry: 'US', To: FROM, MessagingServiceSid: `MG${'b'.repeat(32)}`, ToZip: '', NumSegments: '1',
      ReferralNumMedia: '0', MessageSid: `SM${'a'.repeat(32)}`, AccountSid: SID, From: ALICE_PHONE, ApiVersion: '2010-04-01',
    };
    const hello = twilioSignature(TOKEN, `${PUBLIC_URL}${path}`, inbound);
    expect((await post(path, { ...inbound, Body: 'STOP' }, hello)).status).toBe(403); // "hello" signed, STOP sent
    expect((await post(path, { ...inbound, Body: 'STOP' }, undefined)).status).toBe(403);
    expect((await aliceSms())?.status).toBe('active');

    const ok = await post(path, inbound, hello);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect((await aliceSms())?.status).toBe('active'); // "hello" is not an opt-out

    expect((await signed(path, { ...inbound, Body: 'Stop' })).status).toBe(200);
    expect(await aliceSms()).toMatchObject({ status: 'invalid', invalidReason: 'opt_out' });
    expect(app.log.some((l) => l.includes('[webhook] twilio STOP: 1 factor(s) invalidated'))).toBe(true);
  });

  it('with a provider, the shared-token /webhooks/sms route is gone: only signed webhooks', async () => {
    expect(app.webhook).toBe('signed');
    const res = await fetch(`${app.url}/webhooks/sms?token=legacy-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: ALICE_PHONE, Body: 'STOP' }),
    });
    expect(res.status).toBe(404);
    expect((await aliceSms())?.status).toBe('active');
  });
});
