import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  isOptOutText,
  parseTwilioInbound,
  parseTwilioStatus,
  parseVonageInbound,
  parseVonageStatus,
  verifyTwilioSignature,
  verifyVonageSignature,
  verifyVonageSmsSignature,
} from 'mfakit/senders';

describe('verifyTwilioSignature', () => {
  // The example of Twilio's security documentation (https://www.twilio.com/docs/usage/security).
  const documented = {
    authToken: '12345',
    url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
    params: { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' },
    signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
  };

  it('accepts the documented example', () => {
    expect(verifyTwilioSignature(documented)).toBe(true);
  });

  it('refuses a missing, empty or wrong signature, a wrong token, and any tampering with the URL or a parameter', () => {
    expect(verifyTwilioSignature({ ...documented, signature: undefined })).toBe(false);
    expect(verifyTwilioSignature({ ...documented, signature: '' })).toBe(false);
    expect(verifyTwilioSignature({ ...documented, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' })).toBe(false);
    expect(verifyTwilioSignature({ ...documented, authToken: '12346' })).toBe(false);
    expect(verifyTwilioSignature({ ...documented, url: 'https://mycompany.com/myapp.php?foo=1&bar=3' })).toBe(false);
    expect(verifyTwilioSignature({ ...documented, params: { ...documented.params, Digits: '1235' } })).toBe(false);
    expect(verifyTwilioSignature({ ...documented, params: { ...documented.params, Extra: 'x' } })).toBe(false);
    const { Digits: _dropped, ...fewer } = documented.params;
    expect(verifyTwilioSignature({ ...documented, params: fewer })).toBe(false);
  });

  it('accepts the URL written with or without its default port, as Twilio may sign either', () => {
    expect(verifyTwilioSignature({ ...documented, url: 'https://mycompany.com:443/myapp.php?foo=1&bar=2' })).toBe(true);
    const sig = createHmac('sha1', '12345').update('https://mycompany.com:443/hook' + 'Bodyhi').digest('base64');
    expect(verifyTwilioSignature({ authToken: '12345', url: 'https://mycompany.com/hook', params: { Body: 'hi' }, signature: sig })).toBe(true);
  });

  it('signs repeated parameters value by value, sorted', () => {
    const sig = createHmac('sha1', 'tok').update('https://a.example/h' + 'Ma' + 'Mb' + 'Z1').digest('base64');
    expect(verifyTwilioSignature({ authToken: 'tok', url: 'https://a.example/h', params: { Z: '1', M: ['b', 'a'] }, signature: sig })).toBe(true);
  });
});

/** An HS256 JWT as Vonage signs its webhooks. */
function vonageToken(secret: string, claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part(header)}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('verifyVonageSignature', () => {
  const secret = 'vonage-signature-secret-0123456789';
  const body = JSON.stringify({ message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab', to: '447700900000', from: '447700900001', status: 'delivered', channel: 'sms' });
  const now = Date.UTC(2026, 10, 27, 15, 0, 0);
  const claims = {
    iat: now / 1000 - 5,
    jti: 'c5ba8f24-1a14-4c10-bfdf-3fbe8ce511b5',
    iss: 'Vonage',
    payload_hash: createHash('sha256').update(body).digest('hex'),
    api_key: 'abcd1234',
    application_id: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
  };

  it('accepts a published HS256 test vector (jwt.io) as a bare token or a Bearer header', () => {
    const jwtIo = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(verifyVonageSignature({ signatureSecret: 'your-256-bit-secret', authorization: jwtIo })).toBe(true);
    expect(verifyVonageSignature({ signatureSecret: 'your-256-bit-secret', authorization: `Bearer ${jwtIo}` })).toBe(true);
    expect(verifyVonageSignature({ signatureSecret: 'your-256-bit-secrex', authorization: jwtIo })).toBe(false);
  });

  it('accepts a signed webhook whose payload_hash is the SHA-256 of the raw body', () => {
    const authorization = `Bearer ${vonageToken(secret, claims)}`;
    expect(verifyVonageSignature({ signatureSecret: secret, authorization, body, now })).toBe(true);
    expect(verifyVonageSignature({ signatureSecret: secret, authorization, body: Buffer.from(body), now, maxAgeSeconds: 300 })).toBe(true);
  });

  it('refuses a missing token, a wrong secret, a tampered body or claim, another algorithm, an expired or too old token', () => {
    const authorization = `Bearer ${vonageToken(secret, claims)}`;
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: undefined, body, now })).toBe(false);
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: 'Bearer ', body, now })).toBe(false);
    expect(verifyVonageSignature({ signatureSecret: 'another-secret', authorization, body, now })).toBe(false);
    expect(verifyVonageSignature({ signatureSecret: secret, authorization, body: body.replace('delivered', 'rejected'), now })).toBe(false);
    const [h, , s] = vonageToken(secret, claims).split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ ...claims, api_key: 'other' })).toString('base64url');
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: `${h}.${forgedClaims}.${s}`, now })).toBe(false);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: none, body, now })).toBe(false);
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: vonageToken(secret, claims, { alg: 'HS512', typ: 'JWT' }), body, now })).toBe(false);
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: vonageToken(secret, { ...claims, exp: now / 1000 - 1 }), body, now })).toBe(false);
    expect(verifyVonageSignature({ signatureSecret: secret, authorization, body, now: now + 600_000, maxAgeSeconds: 300 })).toBe(false);
    const { payload_hash: _h, ...noHash } = claims;
    expect(verifyVonageSignature({ signatureSecret: secret, authorization: vonageToken(secret, noHash), body, now })).toBe(false);
  });
});

describe('verifyVonageSmsSignature (SMS API `sig`)', () => {
  const secret = 'sms-signature-secret';
  // An inbound text as the SMS API sends it, signed: the string Vonage's signing steps build from
  // it, written out by hand (sorted, `&name=value`, `&` and `=` in values replaced by `_`, no `sig`).
  const params = { msisdn: '447700900001', to: '447700900000', messageId: '0A0000000123ABCD1', text: 'a=b&c', type: 'text', timestamp: '1600000000', 'api-key': 'abcd1234' };
  const canonical = '&api-key=abcd1234&messageId=0A0000000123ABCD1&msisdn=447700900001&text=a_b_c&timestamp=1600000000&to=447700900000&type=text';
  const md5hash = createHash('md5').update(canonical + secret).digest('hex');
  const sha256 = createHmac('sha256', secret).update(canonical).digest('hex');

  it('accepts md5hash (the default) and HMAC signatures, in either case of hex', () => {
    expect(verifyVonageSmsSignature({ signatureSecret: secret, params: { ...params, sig: md5hash } })).toBe(true);
    expect(verifyVonageSmsSignature({ signatureSecret: secret, params: { ...params, sig: sha256.toUpperCase() }, algorithm: 'sha256' })).toBe(true);
    const sha512 = createHmac('sha512', secret).update(canonical).digest('hex');
    expect(verifyVonageSmsSignature({ signatureSecret: secret, params: { ...params, sig: sha512 }, algorithm: 'sha512' })).toBe(true);
  });

  it('refuses a missing sig, another secret or method, a changed parameter, an old timestamp', () => {
    expect(verifyVonageSmsSignature({ signatureSecret: secret, params })).toBe(false);
    expect(verifyVonageSmsSignature({ signatureSecret: 'other', params: { ...params, sig: md5hash } })).toBe(false);
    expect(verifyVonageSmsSignature({ signatureSecret: secret, params: { ...params, sig: md5hash }, algorithm: 'sha256' })).toBe(false);
    expect(verifyVonageSmsSignature({ signatureSecret: secret, params: { ...params, text: 'STOP', sig: md5hash } })).toBe(false);
    expect(verifyVonageSmsSignature({ signatureSecret: secret, params: { ...params, extra: '1', sig: md5hash } })).toBe(false);
    expect(verifyVonageSmsSignature({ signatureSecret: secret, params: { ...params, sig: md5hash }, maxAgeSeconds: 300, now: 1_600_000_100_000 })).toBe(true);
    expect(verifyVonageSmsSignature({ signatureSecret: secret, params: { ...params, sig: md5hash }, maxAgeSeconds: 300, now: 1_600_000_400_000 })).toBe(false);
  });
});

describe('status callbacks', () => {
  it('Twilio: a delivered message', () => {
    // The parameters Twilio POSTs to a StatusCallback (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status).
    expect(
      parseTwilioStatus({
        AccountSid: 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        ApiVersion: '2010-04-01',
        From: '+15017122661',
        MessageSid: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        MessageStatus: 'delivered',
        SmsSid: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
        SmsStatus: 'delivered',
        To: '+15558675310',
      }),
    ).toEqual({ messageId: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', status: 'delivered', providerStatus: 'delivered' });
  });

  it.each([
    ['30006', 'landline', true],
    ['30005', 'invalid_number', true],
    ['21610', 'opted_out', true],
    ['30003', 'unreachable', false],
    ['30007', 'filtered', false],
    ['30008', 'provider_error', false],
  ] as const)('Twilio: undelivered with ErrorCode %s → %s, permanent %s', (code, reason, permanent) => {
    expect(parseTwilioStatus({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: code, To: '+15558675310' })).toEqual({
      messageId: 'SM1',
      status: 'failed',
      providerStatus: 'undelivered',
      errorCode: code,
      reason,
      permanent,
    });
  });

  it('Twilio: statuses in one vocabulary, and not a status callback → undefined', () => {
    expect(parseTwilioStatus({ MessageSid: 'SM1', MessageStatus: 'queued' })?.status).toBe('accepted');
    expect(parseTwilioStatus({ MessageSid: 'SM1', MessageStatus: 'sent' })?.status).toBe('sent');
    expect(parseTwilioStatus({ MessageSid: 'SM1', MessageStatus: 'failed' })).toEqual({ messageId: 'SM1', status: 'failed', providerStatus: 'failed', permanent: false });
    expect(parseTwilioStatus({ CallSid: 'CA1', CallStatus: 'no-answer' })?.status).toBe('failed');
    expect(parseTwilioStatus({ MessageSid: 'SM1', MessageStatus: 'something-new' })?.status).toBe('unknown');
    expect(parseTwilioStatus({ From: '+15558675310', Body: 'hi' })).toBeUndefined();
  });

  it('Vonage: an SMS API delivery receipt (documented example), delivered and failed', () => {
    const receipt = {
      msisdn: '447700900000',
      to: 'AcmeInc',
      'network-code': '12345',
      messageId: '0A0000001234567B',
      price: '0.03330000',
      status: 'delivered',
      scts: '2001011400',
      'err-code': '0',
      'api-key': 'abcd1234',
      'message-timestamp': '2020-01-01 12:00:00 +0000',
    };
    expect(parseVonageStatus(receipt)).toEqual({ messageId: '0A0000001234567B', status: 'delivered', providerStatus: 'delivered' });
    expect(parseVonageStatus({ ...receipt, status: 'failed', 'err-code': '9' })).toEqual({
      messageId: '0A0000001234567B',
      status: 'failed',
      providerStatus: 'failed',
      errorCode: '9',
      reason: 'invalid_number',
      permanent: true,
    });
    expect(parseVonageStatus({ ...receipt, status: 'expired', 'err-code': '2' })).toMatchObject({ status: 'failed', reason: 'unreachable', permanent: false });
    expect(parseVonageStatus({ ...receipt, status: 'rejected', 'err-code': '53' })).toMatchObject({ reason: 'opted_out', permanent: true });
    expect(parseVonageStatus({ ...receipt, status: 'buffered' })?.status).toBe('accepted');
  });

  it('Vonage: a Messages API status webhook', () => {
    expect(
      parseVonageStatus({
        message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
        to: '447700900000',
        from: '447700900001',
        timestamp: '2020-01-01T14:00:00.000Z',
        status: 'rejected',
        error: { type: 'https://developer.nexmo.com/api-errors/messages-olympus#1050', title: 1050, detail: 'Number barred' },
        channel: 'sms',
      }),
    ).toEqual({ messageId: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab', status: 'failed', providerStatus: 'rejected', errorCode: '1050', reason: 'blocked', permanent: true });
    expect(parseVonageStatus({ message_uuid: 'u1', status: 'undeliverable', error: { title: '1000' } })).toMatchObject({ reason: 'rate_limited', permanent: false });
    expect(parseVonageStatus({ message_uuid: 'u1', status: 'submitted' })).toEqual({ messageId: 'u1', status: 'accepted', providerStatus: 'submitted' });
    expect(parseVonageStatus({ text: 'hello' })).toBeUndefined();
  });
});

describe('inbound messages and opt-outs', () => {
  it('Twilio: From and Body; STOP is an opt-out, and Twilio’s OptOutType decides when present', () => {
    const inbound = { MessageSid: 'SM1', AccountSid: 'AC1', From: '+14155552671', To: '+15557122661', Body: 'Stop', NumMedia: '0' };
    expect(parseTwilioInbound(inbound)).toEqual({ from: '+14155552671', body: 'Stop', isOptOut: true });
    expect(parseTwilioInbound({ ...inbound, Body: 'hello' })?.isOptOut).toBe(false);
    expect(parseTwilioInbound({ ...inbound, Body: 'arrêt', OptOutType: 'STOP' })?.isOptOut).toBe(true);
    expect(parseTwilioInbound({ ...inbound, Body: 'HELP', OptOutType: 'HELP' })?.isOptOut).toBe(false);
    expect(parseTwilioInbound({ Body: 'STOP' })).toBeUndefined();
  });

  it('Vonage: an SMS API inbound (documented example) and a Messages API inbound, the number with its +', () => {
    expect(
      parseVonageInbound({
        msisdn: '447700900001',
        to: '447700900000',
        messageId: '0A0000000123ABCD1',
        text: 'UNSUBSCRIBE',
        type: 'text',
        keyword: 'UNSUBSCRIBE',
        'api-key': 'abcd1234',
        'message-timestamp': '2020-01-01 12:00:00 +0000',
      }),
    ).toEqual({ from: '+447700900001', body: 'UNSUBSCRIBE', isOptOut: true });
    expect(parseVonageInbound({ channel: 'sms', message_uuid: 'x', from: '447700900001', to: '447700900000', text: 'Hello', message_type: 'text' })).toEqual({
      from: '+447700900001',
      body: 'Hello',
      isOptOut: false,
    });
  });

  it.each([
    ['STOP', true], ['stop', true], [' Stop. ', true], ['STOPALL', true], ['stop all', true], ['Unsubscribe', true], ['CANCEL', true],
    ['END', true], ['QUIT', true], ['REVOKE', true], ['OPTOUT', true], ['opt-out', true], ['Arrêt', true],
    ['please stop', false], ['stop sending', false], ['START', false], ['HELP', false], ['', false], ['123456', false],
  ] as const)('isOptOutText(%j) is %s', (text, expected) => {
    expect(isOptOutText(text)).toBe(expected);
  });
});
