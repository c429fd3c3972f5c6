/**
 * Issue 13, delivery reports: `mfa.handleDeliveryReport` matches a provider's status callback
 * to the factor its message went to through a short-lived `msg:<keyed hash>` record; a late
 * permanent failure invalidates the factor (only if it is still the same factor), `delivered`
 * and `failed` emit `delivery.reported`, an unknown id is ignored, bad input throws. Real
 * Twilio sender and parser, on memory, SQLite (Kysely) and Redis.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MfaError } from 'mfakit';
import { parseTwilioStatus } from 'mfakit/senders';
import { serialize } from '../helpers/leak-spy.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { startServer, type TestServer } from '../senders/helpers/http-server.js';
import { type Backend, codesIn, memoryBackend, redisBackend, sqliteBackend, twilio, twilioAt, world } from './helpers.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis: the delivery report tests run on memory only');

let server: TestServer;
beforeAll(async () => {
  server = await startServer(twilio.queued('SM00000000000000000000000000000001'));
});
afterAll(() => server.close());

let sids = 0;
/** Twilio accepts the next message with a fresh sid, which is returned. */
const nextSid = (): string => {
  const sid = `SM${String(++sids).padStart(32, 'a')}`;
  server.answer(twilio.queued(sid));
  return sid;
};

const backends: (() => Backend)[] = [memoryBackend, sqliteBackend, ...(url === null ? [] : [() => redisBackend(url)])];

describe.each(backends.map((make) => [make().name, make] as const))('delivery reports (%s)', (name, make) => {
  const backend = make();
  afterAll(() => backend.close());

  it('a late permanent failure (Twilio 30006 landline) invalidates the factor; the next sign-in falls back to voice', async () => {
    const w = await world(backend, twilioAt(server.url));
    const sid = nextSid();
    expect(await w.mfa.startChallenge(w.userId)).toMatchObject({ ok: true, channel: 'sms' });
    expect(w.events('code.sent')[0]?.messageId).toBe(sid);
    const report = parseTwilioStatus({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30006', To: '+14155552671' });
    expect(report).toMatchObject({ status: 'failed', reason: 'landline', permanent: true });
    expect(await w.mfa.handleDeliveryReport(report!)).toEqual({ ok: true, matched: true, invalidated: 'undeliverable' });
    expect(w.events('factor.invalidated')).toEqual([
      { userId: w.userId, factorId: 'f_sms', channel: 'sms', maskedPhone: '+1 ••• ••• 2671', reason: 'undeliverable', source: 'report', deliveryReason: 'landline', providerCode: '30006' },
    ]);
    expect(w.events('delivery.reported')).toEqual([
      { userId: w.userId, factorId: 'f_sms', channel: 'sms', purpose: 'sign_in', messageId: sid, status: 'failed', errorCode: '30006', deliveryReason: 'landline', invalidated: 'undeliverable' },
    ]);
    w.clock.advance(30_000);
    expect(await w.mfa.startChallenge(w.userId)).toMatchObject({ ok: true, channel: 'voice' });
    // The same report again: matched, nothing more to do.
    expect(await w.mfa.handleDeliveryReport(report!)).toEqual({ ok: true, matched: true });
    expect(w.events('factor.invalidated')).toHaveLength(1);
  });

  it('delivered (and sent) reports emit delivery.reported and change nothing; a bare { messageId, status, errorCode } works', async () => {
    const w = await world(backend, twilioAt(server.url));
    const sid = nextSid();
    await w.mfa.startChallenge(w.userId);
    expect(await w.mfa.handleDeliveryReport(parseTwilioStatus({ MessageSid: sid, MessageStatus: 'sent' })!)).toEqual({ ok: true, matched: true });
    expect(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'delivered' })).toEqual({ ok: true, matched: true });
    // A failure without a reason mfakit knows is only reported.
    expect(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'failed', errorCode: '30008' })).toEqual({ ok: true, matched: true });
    // A known reason the caller says is not for good: left alone too.
    expect(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'failed', reason: 'unreachable', permanent: false })).toEqual({ ok: true, matched: true });
    expect(w.events('delivery.reported').map((e) => [e.status, e.errorCode])).toEqual([
      ['sent', undefined],
      ['delivered', undefined],
      ['failed', '30008'],
      ['failed', undefined],
    ]);
    expect(w.events('factor.invalidated')).toEqual([]);
    expect((await w.mfa.listFactors(w.userId)).factors.find((f) => f.id === 'f_sms')?.status).toBe('active');
  });

  it('an unknown message id is { ok: true, matched: false } and emits nothing', async () => {
    const w = await world(backend, twilioAt(server.url));
    expect(await w.mfa.handleDeliveryReport({ messageId: 'SMffffffffffffffffffffffffffffffff', status: 'failed', reason: 'opted_out' })).toEqual({ ok: true, matched: false });
    expect(w.events('delivery.reported')).toEqual([]);
    expect(w.events('factor.invalidated')).toEqual([]);
  });

  it('a report about a factor that was replaced (same number enrolled again) leaves the new factor alone', async () => {
    const w = await world(backend, twilioAt(server.url));
    const sid = nextSid();
    await w.mfa.startChallenge(w.userId);
    expect(await w.mfa.removeFactor(w.userId, 'f_sms', { by: 'admin-1' })).toMatchObject({ ok: true });
    await w.stores.factors.putFactor({ id: 'f_sms2', userId: w.userId, channel: 'sms', status: 'active', phone: '+14155552671', createdAt: w.clock.now() });
    expect(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'failed', errorCode: '21610', reason: 'opted_out', permanent: true })).toEqual({ ok: true, matched: true });
    expect(w.events('factor.invalidated')).toEqual([]);
    expect((await w.mfa.listFactors(w.userId)).factors.find((f) => f.id === 'f_sms2')?.status).toBe('active');
  });

  it('the enrollment code of a pending factor: a late opt-out drops the enrollment (it cannot be confirmed, and MFA is not forced on)', async () => {
    const w = await world(backend, twilioAt(server.url), []);
    await w.mfa.removeFactor(w.userId, 'f_sms', { by: 'admin-1' });
    const sid = nextSid();
    const started = await w.mfa.enrollSms(w.userId, '+1 415 555 0123');
    expect(started).toMatchObject({ ok: true, purpose: 'enroll' });
    const [code] = codesIn([server.requests.at(-1)?.body ?? '']);
    expect(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'failed', reason: 'opted_out' })).toEqual({ ok: true, matched: true });
    expect(w.events('delivery.reported')[0]).toMatchObject({ purpose: 'enroll', status: 'failed', deliveryReason: 'opted_out' });
    expect(w.events('factor.invalidated')).toEqual([]);
    expect((await w.mfa.listFactors(w.userId)).factors).toEqual([]);
    expect((await w.mfa.confirmEnrollment(w.userId, code ?? '')).ok).toBe(false);
    expect(await w.mfa.requiresMfa(w.userId)).toEqual({ ok: true, required: true, reason: 'must_enroll' });
  });

  it('a STOP reply during an enrollment drops the pending factor too (handleOptOut), so MFA is not forced on', async () => {
    const w = await world(backend, twilioAt(server.url), [], { policy: 'optional' });
    await w.mfa.removeFactor(w.userId, 'f_sms', { by: 'admin-1' });
    nextSid();
    expect((await w.mfa.enrollSms(w.userId, '+1 415 555 0124')).ok).toBe(true);
    expect(await w.mfa.handleOptOut('+14155550124')).toEqual({ ok: true, invalidated: 0 });
    expect((await w.mfa.listFactors(w.userId)).factors).toEqual([]);
    expect(await w.mfa.requiresMfa(w.userId)).toEqual({ ok: true, required: false, reason: 'not_enrolled' });
  });

  it('the record holds no message id and no number, in its key or its value', async () => {
    const w = await world(backend, twilioAt(server.url));
    const sid = nextSid();
    await w.mfa.startChallenge(w.userId);
    const written = (await backend.written()).join('\n');
    expect(written).toMatch(/msg:/);
    expect(written).not.toContain(sid);
    expect(written.split('\n').filter((l) => l.includes('msg:') || l.includes('"d":'))).not.toContainEqual(expect.stringContaining('4155552671'));
  });

  it('bad input throws invalid_argument; reports without createMfa({ deliveryReports }) throw invalid_options', async () => {
    const w = await world(backend, twilioAt(server.url));
    const bad: unknown[] = [
      null,
      'SM123',
      [],
      {},
      { messageId: '', status: 'failed' },
      { messageId: 'SM 1', status: 'failed' },
      { messageId: 'x'.repeat(257), status: 'failed' },
      { messageId: 'SM1', status: 'lost' },
      { messageId: 'SM1', status: 'failed', errorCode: 'not a code' },
      { messageId: 'SM1', status: 'failed', errorCode: 30006 },
      { messageId: 'SM1', status: 'failed', reason: 'gone' },
      { messageId: 'SM1', status: 'failed', permanent: 'yes' },
    ];
    for (const input of bad) {
      await expect(w.mfa.handleDeliveryReport(input as never), JSON.stringify(input)).rejects.toSatisfy((e) => e instanceof MfaError && e.code === 'invalid_argument');
    }
    const off = await world(backend, twilioAt(server.url), [], { deliveryReports: false });
    nextSid();
    await off.mfa.startChallenge(off.userId);
    await expect(off.mfa.handleDeliveryReport({ messageId: 'SM1', status: 'delivered' })).rejects.toSatisfy((e) => e instanceof MfaError && e.code === 'invalid_options');
  });

  it('nothing secret in the events, results or errors of a whole round (codes, the number)', async () => {
    const w = await world(backend, twilioAt(server.url));
    const results: unknown[] = [];
    const sid = nextSid();
    results.push(await w.mfa.startChallenge(w.userId));
    results.push(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'delivered' }));
    w.clock.advance(30_000);
    server.answer(twilio.refused(400, 21614, "'To' number +14155552671 is not a valid mobile number"));
    results.push(await w.mfa.resend(w.userId));
    results.push(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'failed', errorCode: '21610', reason: 'opted_out' }));
    results.push(await w.mfa.handleDeliveryReport({ messageId: 'SM-unknown', status: 'failed' }).catch((e: unknown) => e));
    results.push(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'nope' } as never).catch((e: unknown) => e));
    const codes = codesIn(server.requests.map((r) => r.body));
    expect(codes.length).toBeGreaterThan(0);
    const text = serialize([w.seen, results]);
    for (const code of codes) expect(text).not.toContain(code);
    expect(text).not.toMatch(/4155552671|555 2671|555-2671/);
    expect(w.seen.map((s) => s.name)).toEqual(expect.arrayContaining(['code.sent', 'delivery.reported', 'delivery.failed', 'factor.invalidated']));
  });

  // Redis expires keys on its own clock, not the test's fake one: the TTL it is given is
  // checked in the Redis command-count test; here the stores that read the test's clock.
  const onTestClock = name === 'redis' ? undefined : it;
  onTestClock?.('a record lives deliveryReports.ttlMs (24 h by default): a report after that is not matched', async () => {
    const w = await world(backend, twilioAt(server.url));
    const sid = nextSid();
    await w.mfa.startChallenge(w.userId);
    w.clock.advance(24 * 3_600_000 - 1);
    expect(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'delivered' })).toEqual({ ok: true, matched: true });
    w.clock.advance(1);
    expect(await w.mfa.handleDeliveryReport({ messageId: sid, status: 'failed', reason: 'opted_out' })).toEqual({ ok: true, matched: false });
    expect((await w.mfa.listFactors(w.userId)).factors.find((f) => f.id === 'f_sms')?.status).toBe('active');
  });

  it('a record written before a secret rotation is still found', async () => {
    const w = await world(backend, twilioAt(server.url), [], { secret: ['old-secret-0123456789-abcdefghijklmnop'] });
    const sid = nextSid();
    await w.mfa.startChallenge(w.userId);
    const { createMfa } = await import('mfakit');
    const rotated = createMfa({
      stores: w.stores,
      clock: w.clock,
      secret: ['new-secret-0123456789-abcdefghijklmnop', 'old-secret-0123456789-abcdefghijklmnop'],
      senders: { sms: twilioAt(server.url) },
      deliveryReports: true,
    });
    expect(await rotated.handleDeliveryReport({ messageId: sid, status: 'delivered' })).toEqual({ ok: true, matched: true });
  });
});

describe('delivery reports through memoryStores() as shipped', () => {
  it('records, matches and invalidates; a record mfakit did not write fails closed (store_failed)', async () => {
    const { createMfa } = await import('mfakit');
    const { memoryStores } = await import('mfakit/memory');
    const { fakeClock } = await import('mfakit/testing');
    const clock = fakeClock(Date.now());
    const stores = memoryStores({ clock });
    const mfa = createMfa({ stores, clock, secret: 'test-secret-0123456789-abcdefghijklmnop', senders: { sms: twilioAt(server.url) }, deliveryReports: { ttlMs: 60_000 } });
    await stores.factors.putFactor({ id: 'f1', userId: 'c1', channel: 'sms', status: 'active', phone: '+14155552671', createdAt: 1 });
    const sid = nextSid();
    expect((await mfa.startChallenge('c1')).ok).toBe(true);
    expect(await mfa.handleDeliveryReport({ messageId: sid, status: 'failed', reason: 'invalid_number' })).toEqual({ ok: true, matched: true, invalidated: 'undeliverable' });
    clock.advance(60_000);
    expect(await mfa.handleDeliveryReport({ messageId: sid, status: 'delivered' })).toEqual({ ok: true, matched: false });
    // Plant a record under the key of another id: a value mfakit would not write.
    const other = nextSid();
    await stores.factors.putFactor({ id: 'f2', userId: 'c2', channel: 'sms', status: 'active', phone: '+14155552672', createdAt: 1 });
    expect((await mfa.startChallenge('c2')).ok).toBe(true);
    const { CodeHasher } = await import('../../src/factors/code.js');
    const [hash] = new CodeHasher(['test-secret-0123456789-abcdefghijklmnop']).messageKeys(other);
    const rec = await stores.state.read(`msg:${hash}`);
    expect(rec).not.toBeNull();
    expect(await stores.state.write(`msg:${hash}`, '{"u":"c2","f":"f2","p":"s","d":"x","extra":1}', rec!.version, 60_000)).toBe(true);
    await expect(mfa.handleDeliveryReport({ messageId: other, status: 'delivered' })).rejects.toSatisfy((e) => e instanceof MfaError && e.code === 'store_failed');
    expect(await mfa.handleDeliveryReport({ messageId: sid, status: 'delivered' })).toEqual({ ok: true, matched: false });
  });

  it('deliveryReports options are checked: ttlMs from 1 min to 24 h', async () => {
    const { createMfa } = await import('mfakit');
    const { memoryStores } = await import('mfakit/memory');
    const base = { stores: memoryStores(), secret: 'test-secret-0123456789-abcdefghijklmnop' };
    for (const bad of [{ ttlMs: 59_999 }, { ttlMs: 24 * 3_600_000 + 1 }, { ttl: 60_000 }, 'yes']) {
      expect(() => createMfa({ ...base, deliveryReports: bad as never })).toThrow(/deliveryReports/);
    }
    expect(() => createMfa({ ...base, deliveryReports: { ttlMs: 3_600_000 } })).not.toThrow();
  });
});
