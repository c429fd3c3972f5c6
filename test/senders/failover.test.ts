import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMfa, MfaError, type EmailMessage, type SmsSender, type VoiceMessage } from 'mfakit';
import { memoryStores } from 'mfakit/memory';
import { DeliveryError, failoverSender, twilioSmsSender, vonageSmsSender, type ProviderSender } from 'mfakit/senders';
import { SECRET } from '../helpers/setup.js';
import { everythingOf, startServer, type TestServer } from './helpers/http-server.js';

const SID = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX';
const message = { to: '+14155552671', body: '482913 is your Acme code', purpose: 'sign_in', locale: 'en' } as const;
const twilioCreated = { status: 201, body: { sid: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', status: 'queued' } };
const vonageAccepted = { status: 200, body: { 'message-count': '1', messages: [{ to: '14155552671', 'message-id': '0A0000000123ABCD1', status: '0' }] } };

let twilio: TestServer;
let vonage: TestServer;
beforeAll(async () => {
  [twilio, vonage] = await Promise.all([startServer(twilioCreated), startServer(vonageAccepted)]);
});
afterAll(() => Promise.all([twilio.close(), vonage.close()]));

const pair = (timeoutMs = 5_000) =>
  failoverSender(
    [
      twilioSmsSender({ accountSid: SID, authToken: 'token', from: '+15557122661', baseUrl: twilio.url }),
      vonageSmsSender({ apiKey: 'key', apiSecret: 'secret', from: 'Acme', baseUrl: vonage.url }),
    ],
    { timeoutMs },
  );

describe('failoverSender', () => {
  it('the first provider delivers: its receipt, no attempts, the second is not called', async () => {
    twilio.answer(twilioCreated);
    const before = vonage.requests.length;
    await expect(pair().send(message)).resolves.toEqual({ id: 'SMXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', provider: 'twilio', attempts: [] });
    expect(vonage.requests.length).toBe(before);
  });

  it('a retryable failure (5xx, 429) moves to the next provider, and the receipt says what happened', async () => {
    twilio.answer({ status: 503, body: { code: 20500, message: 'Service Unavailable', status: 503 } });
    vonage.answer(vonageAccepted);
    await expect(pair().send(message)).resolves.toEqual({
      id: '0A0000000123ABCD1',
      provider: 'vonage',
      attempts: [{ provider: 'twilio', reason: 'provider_error', retryable: true, code: '20500' }],
    });
    twilio.answer({ status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } });
    await expect(pair().send(message)).resolves.toMatchObject({ provider: 'vonage', attempts: [{ provider: 'twilio', reason: 'rate_limited' }] });
  });

  it('a permanent failure stops: no other provider is tried, and the error is not retryable', async () => {
    twilio.answer({ status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient +14155552671', status: 400 } });
    const before = vonage.requests.length;
    const err = await pair().send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ provider: 'failover', reason: 'opted_out', retryable: false, providerCode: '21610' });
    expect((err as DeliveryError).attempts).toEqual([{ provider: 'twilio', reason: 'opted_out', retryable: false, code: '21610' }]);
    expect(vonage.requests.length).toBe(before);
    expect(everythingOf(err)).not.toContain('5552671');
  });

  it('a provider that does not answer within timeoutMs is aborted as a retryable timeout, and the next one delivers', async () => {
    twilio.answer({ hang: true });
    vonage.answer(vonageAccepted);
    await expect(pair(150).send(message)).resolves.toEqual({
      id: '0A0000000123ABCD1',
      provider: 'vonage',
      attempts: [{ provider: 'twilio', reason: 'timeout', retryable: true }],
    });
  });

  it('a sender that ignores the abort signal is still abandoned at the timeout', async () => {
    const deaf: SmsSender = { name: 'deaf', send: () => new Promise(() => undefined) };
    const ok: SmsSender = { name: 'ok', send: async () => ({ id: 'ok-1' }) };
    await expect(failoverSender([deaf, ok], { timeoutMs: 50 }).send(message)).resolves.toEqual({
      id: 'ok-1',
      provider: 'ok',
      attempts: [{ provider: 'deaf', reason: 'timeout', retryable: true }],
    });
  });

  it('all failing: a DeliveryError that lists each attempt', async () => {
    twilio.answer({ status: 500, body: {} });
    vonage.answer({ status: 200, body: { 'message-count': '1', messages: [{ status: '1', 'error-text': 'Throughput Rate Exceeded' }] } });
    const err = await pair().send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ provider: 'failover', reason: 'rate_limited', retryable: true });
    expect((err as DeliveryError).attempts).toEqual([
      { provider: 'twilio', reason: 'provider_error', retryable: true },
      { provider: 'vonage', reason: 'rate_limited', retryable: true, code: '1' },
    ]);
  });

  it('an error that is not a DeliveryError (a host’s own sender) counts as retryable, without its message', async () => {
    const broken: SmsSender = {
      name: 'homegrown',
      send: async ({ to }) => {
        throw new Error(`cannot send to ${to}`);
      },
    };
    const ok: SmsSender = { name: 'ok', send: async () => ({ id: 'ok-2' }) };
    await expect(failoverSender([broken, ok], { timeoutMs: 1_000 }).send(message)).resolves.toMatchObject({
      provider: 'ok',
      attempts: [{ provider: 'homegrown', reason: 'provider_error', retryable: true }],
    });
    const err = await failoverSender([broken], { timeoutMs: 1_000 }).send(message).catch((e: unknown) => e);
    expect(everythingOf(err)).not.toContain('5552671');
  });

  it('works for voice and email senders alike (generic over the message)', async () => {
    const voiceDown: ProviderSender<VoiceMessage> = { name: 'voice-a', send: () => Promise.reject(new DeliveryError('voice-a', 'network')) };
    const voiceUp: ProviderSender<VoiceMessage> = { name: 'voice-b', send: async ({ text }) => ({ id: `call-${text.length}` }) };
    const voice = failoverSender([voiceDown, voiceUp], { timeoutMs: 1_000 });
    await expect(voice.send({ to: '+14155552671', text: '1, 2, 3', purpose: 'sign_in', locale: 'en' })).resolves.toEqual({
      id: 'call-7',
      provider: 'voice-b',
      attempts: [{ provider: 'voice-a', reason: 'network', retryable: true }],
    });
    const bounced: ProviderSender<EmailMessage> = { name: 'mail-a', send: () => Promise.reject(new DeliveryError('mail-a', 'invalid_address', { providerCode: '550' })) };
    const spare: ProviderSender<EmailMessage> = { name: 'mail-b', send: async () => ({ id: '<x@y>' }) };
    const email = failoverSender([bounced, spare], { timeoutMs: 1_000 });
    await expect(email.send({ to: 'a@example.com', subject: 's', text: 't', purpose: 'sign_in', locale: 'en' })).rejects.toMatchObject({
      reason: 'invalid_address',
      retryable: false,
    });
  });

  it('plugs into createMfa as the SMS sender: a failover that delivers is a sent code', async () => {
    twilio.answer({ status: 503, body: {} });
    vonage.answer(vonageAccepted);
    const mfa = createMfa({ stores: memoryStores(), senders: { sms: pair() }, secret: SECRET });
    expect((await mfa.enrollSms('u1', '+1 415 555 2671')).ok).toBe(true);
    twilio.answer({ status: 503, body: {} });
    vonage.answer({ status: 500, body: {} });
    expect(await mfa.enrollSms('u2', '+1 415 555 2672')).toEqual({ ok: false, error: 'delivery_failed' });
  });

  it('refuses no sender or a bad timeout', () => {
    expect(() => failoverSender([], { timeoutMs: 1_000 })).toThrow(MfaError);
    expect(() => failoverSender([{ name: 'a', send: async () => ({ id: '1' }) }], { timeoutMs: 0 })).toThrow(MfaError);
  });
});
