/**
 * Issue 13, the engine side of a refused send: a provider answer that the destination cannot
 * receive makes the factor `invalid` (with `factor.invalidated`), so the next sign-in falls
 * back to another factor; a retryable one changes nothing; `delivery.failed` says which
 * provider, why, whether it is retryable and the provider's code; a failover's success names
 * the provider that delivered. Real Twilio and Vonage senders against local HTTP servers, on
 * memory, SQLite (Kysely) and Redis.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeliveryError, failoverSender, vonageSmsSender } from 'mfakit/senders';
import { serialize } from '../helpers/leak-spy.js';
import { startServer, type TestServer } from '../senders/helpers/http-server.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { type Backend, codesIn, memoryBackend, redisBackend, sqliteBackend, twilio, twilioAt, world } from './helpers.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis: the delivery tests run on memory only');

let server: TestServer;
let vonage: TestServer;
beforeAll(async () => {
  server = await startServer(twilio.queued('SM00000000000000000000000000000001'));
  vonage = await startServer({ status: 200, body: { 'message-count': '1', messages: [{ to: '14155552671', 'message-id': '0A0000000123ABCD1', status: '0' }] } });
});
afterAll(async () => {
  await server.close();
  await vonage.close();
});

const backends: (() => Backend)[] = [memoryBackend, sqliteBackend, ...(url === null ? [] : [() => redisBackend(url)])];

describe.each(backends.map((make) => [make().name, make] as const))('permanent failures act (%s)', (_name, make) => {
  const backend = make();
  afterAll(() => backend.close());

  it('an opted-out number (Twilio 21610): the SMS factor becomes invalid, and the next startChallenge falls back to voice at once', async () => {
    const w = await world(backend, twilioAt(server.url));
    server.answer(twilio.refused(400, 21610, 'Attempt to send to unsubscribed recipient'));
    expect(await w.mfa.startChallenge(w.userId)).toEqual({ ok: false, error: 'delivery_failed', invalidReason: 'opt_out' });
    expect(w.events('factor.invalidated')).toEqual([
      { userId: w.userId, factorId: 'f_sms', channel: 'sms', maskedPhone: '+1 ••• ••• 2671', reason: 'opt_out', source: 'send', deliveryReason: 'opted_out', providerCode: '21610' },
    ]);
    expect(w.events('delivery.failed')).toEqual([
      expect.objectContaining({ factorId: 'f_sms', reason: 'sender_error', errorName: 'DeliveryError', provider: 'twilio', deliveryReason: 'opted_out', retryable: false, providerCode: '21610', invalidated: 'opt_out' }),
    ]);
    const sms = (await w.mfa.listFactors(w.userId)).factors.find((f) => f.id === 'f_sms');
    expect(sms).toMatchObject({ status: 'invalid', usable: false, invalidReason: 'opt_out' });
    // The cooldown was given back: the fallback needs no wait.
    const next = await w.mfa.startChallenge(w.userId);
    expect(next).toMatchObject({ ok: true, sent: true, channel: 'voice', factorId: 'f_voice' });
    expect((await w.mfa.verify(w.userId, w.voice.lastCode())).ok).toBe(true);
    expect(await w.mfa.requiresMfa(w.userId)).toEqual({ ok: true, required: true });
  });

  it('a landline (Twilio 21614) is undeliverable; with only email left, the fallback is email; the error text with the number goes nowhere', async () => {
    const w = await world(backend, twilioAt(server.url), ['email']);
    server.answer(twilio.refused(400, 21614, "'To' number +14155552671 is not a valid mobile number"));
    expect(await w.mfa.startChallenge(w.userId)).toEqual({ ok: false, error: 'delivery_failed', invalidReason: 'undeliverable' });
    expect(w.events('factor.invalidated')[0]).toMatchObject({ reason: 'undeliverable', deliveryReason: 'landline', providerCode: '21614' });
    expect(await w.mfa.startChallenge(w.userId)).toMatchObject({ ok: true, channel: 'email', maskedEmail: 'a•••@example.com' });
    expect(serialize(w.seen)).not.toMatch(/4155552671|555 2671|555-2671/);
  });

  it('a live code of the factor dies with it: a code sent earlier no longer verifies', async () => {
    const w = await world(backend, twilioAt(server.url));
    server.answer(twilio.queued('SM00000000000000000000000000000002'));
    expect((await w.mfa.startChallenge(w.userId)).ok).toBe(true);
    const [code] = codesIn([server.requests.at(-1)?.body ?? '']);
    w.clock.advance(30_000);
    server.answer(twilio.refused(400, 21610, 'Attempt to send to unsubscribed recipient'));
    expect(await w.mfa.resend(w.userId)).toMatchObject({ ok: false, error: 'delivery_failed', invalidReason: 'opt_out' });
    expect(await w.mfa.verify(w.userId, code ?? '')).toMatchObject({ ok: false, error: 'no_pending_code' });
  });

  it('a retryable failure (429, then 500) changes nothing: the factor stays active, the cooldown is given back, SMS is tried again', async () => {
    const w = await world(backend, twilioAt(server.url));
    server.answer(twilio.refused(429, 20429, 'Too Many Requests'));
    expect(await w.mfa.startChallenge(w.userId)).toEqual({ ok: false, error: 'delivery_failed' });
    server.answer(twilio.refused(500, 20500, 'Internal Server Error'));
    expect(await w.mfa.startChallenge(w.userId)).toEqual({ ok: false, error: 'delivery_failed' });
    expect(w.events('factor.invalidated')).toEqual([]);
    expect(w.events('delivery.failed').map((e) => [e.deliveryReason, e.retryable, e.invalidated])).toEqual([
      ['rate_limited', true, undefined],
      ['provider_error', true, undefined],
    ]);
    server.answer(twilio.queued('SM00000000000000000000000000000003'));
    expect(await w.mfa.startChallenge(w.userId)).toMatchObject({ ok: true, channel: 'sms', factorId: 'f_sms' });
  });

  it("a blocked country is the account's setting, not the user's: no invalidation; a plain Error neither", async () => {
    const sms = { name: 'custom', send: async () => Promise.reject(new DeliveryError('custom', 'blocked_country', { providerCode: '21408' })) };
    const w = await world(backend, sms);
    expect(await w.mfa.startChallenge(w.userId)).toEqual({ ok: false, error: 'delivery_failed' });
    expect(w.events('delivery.failed')[0]).toMatchObject({ provider: 'custom', deliveryReason: 'blocked_country', retryable: false, providerCode: '21408' });
    const plain = await world(backend, { name: 'plain', send: async () => Promise.reject(new Error('+14155552671 is unreachable')) });
    expect(await plain.mfa.startChallenge(plain.userId)).toEqual({ ok: false, error: 'delivery_failed' });
    expect(plain.events('delivery.failed')[0]).toEqual(expect.not.objectContaining({ provider: expect.anything() }));
    expect(plain.events('factor.invalidated')).toEqual([]);
    expect(serialize(plain.seen)).not.toContain('4155552671');
  });

  it('an enrollment whose first send fails for good just fails: no factor is left, none is invalidated', async () => {
    const w = await world(backend, twilioAt(server.url), []);
    server.answer(twilio.refused(400, 21614, "'To' number +14155550123 is not a valid mobile number"));
    expect(await w.mfa.removeFactor(w.userId, 'f_sms', { by: 'admin' })).toMatchObject({ ok: true });
    expect(await w.mfa.enrollSms(w.userId, '+1 415 555 0123')).toEqual({ ok: false, error: 'delivery_failed' });
    expect((await w.mfa.listFactors(w.userId)).factors).toEqual([]);
    expect(w.events('factor.invalidated')).toEqual([]);
    expect(w.events('delivery.failed')[0]).toMatchObject({ purpose: 'enroll', deliveryReason: 'landline', retryable: false });
    expect(w.events('delivery.failed')[0]?.invalidated).toBeUndefined();
  });

  it('failover: a success through the second provider names it and the attempt before it in code.sent', async () => {
    server.answer(twilio.refused(503, 20503, 'Service Unavailable'));
    const sms = failoverSender([twilioAt(server.url), vonageSmsSender({ apiKey: 'abcd1234', apiSecret: 'vonage_secret_Zx9Qw8', from: 'Acme', baseUrl: vonage.url })], { timeoutMs: 5_000 });
    const w = await world(backend, sms);
    expect(await w.mfa.startChallenge(w.userId)).toMatchObject({ ok: true, channel: 'sms' });
    expect(w.events('code.sent')).toEqual([
      expect.objectContaining({
        sender: 'failover',
        messageId: '0A0000000123ABCD1',
        provider: 'vonage',
        attempts: [{ provider: 'twilio', reason: 'provider_error', retryable: true, code: '20503' }],
      }),
    ]);
    // A single sender's code.sent has no provider field.
    server.answer(twilio.queued('SM00000000000000000000000000000004'));
    const single = await world(backend, twilioAt(server.url));
    await single.mfa.startChallenge(single.userId);
    expect(single.events('code.sent')[0]).not.toHaveProperty('provider');
  });

  it('failover: a permanent failure at the first provider stops there and invalidates; delivery.failed lists the attempt', async () => {
    server.answer(twilio.refused(400, 21610, 'Attempt to send to unsubscribed recipient'));
    const before = vonage.requests.length;
    const sms = failoverSender([twilioAt(server.url), vonageSmsSender({ apiKey: 'abcd1234', apiSecret: 'vonage_secret_Zx9Qw8', from: 'Acme', baseUrl: vonage.url })], { timeoutMs: 5_000 });
    const w = await world(backend, sms);
    expect(await w.mfa.startChallenge(w.userId)).toEqual({ ok: false, error: 'delivery_failed', invalidReason: 'opt_out' });
    expect(vonage.requests.length).toBe(before);
    expect(w.events('delivery.failed')[0]).toMatchObject({
      provider: 'failover',
      deliveryReason: 'opted_out',
      retryable: false,
      attempts: [{ provider: 'twilio', reason: 'opted_out', retryable: false, code: '21610' }],
    });
  });
});

describe('describeFailure of delivery_failed', () => {
  it('says "choose another way" when the factor became invalid, "try again" otherwise', async () => {
    const { describeFailure } = await import('mfakit');
    expect(describeFailure({ ok: false, error: 'delivery_failed' })).toBe('We could not send the code. Try again in a moment.');
    expect(describeFailure({ ok: false, error: 'delivery_failed', invalidReason: 'opt_out' })).toBe(
      'We cannot send codes to this number or address any more. Choose another way to sign in.',
    );
    expect(describeFailure({ ok: false, error: 'delivery_failed', invalidReason: 'undeliverable' }, { locale: 'fr' })).toMatch(/^Nous ne pouvons plus/);
  });
});
