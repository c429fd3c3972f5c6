import { Redis } from 'ioredis';
import { generateSync } from 'otplib';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createMfa, type Stores } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { redisStores } from '../src/adapters/redis/index.js';
import { fakeClock, outboxSender } from '../src/testing/index.js';
import { warnSkipped } from './helpers/redis-server.js';
import { must, SECRET } from './helpers/setup.js';

const STEP = 30_000;
/** The code an authenticator app shows at `at` (ms), `steps` steps away. */
const codeAt = (secret: string, at: number, steps = 0) => generateSync({ secret, epoch: Math.floor((at + steps * STEP) / 1000) });
const wrongFor = (right: string) => (right === '000000' ? '111111' : '000000');

function setup(stores?: Stores, secret: string | string[] = SECRET, clock = fakeClock()) {
  const mfa = createMfa({ stores: stores ?? memoryStores({ clock }), senders: { sms: outboxSender() }, secret, appName: 'Acme', clock });
  return { mfa, clock };
}

async function enrolledApp(env = setup()) {
  const res = must(await env.mfa.enrollTotp('u1', { label: 'ada@example.com' }));
  const confirmed = await env.mfa.confirmEnrollment('u1', codeAt(res.secret, env.clock.now()), { factorId: res.factorId });
  if (!confirmed.ok) throw new Error(confirmed.error);
  env.clock.advance(3 * STEP); // past the confirmation's step
  return { ...env, factorId: res.factorId, secret: res.secret };
}

describe('TOTP factor (authenticator app)', () => {
  it('enrolls: a base32 secret and an otpauth URI with the app name as issuer; active only once a code is confirmed', async () => {
    const env = setup();
    const res = must(await env.mfa.enrollTotp('u1', { label: 'ada@example.com' }));
    expect(res.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(res.uri).toMatch(new RegExp(`^otpauth://totp/Acme:ada%40example\\.com\\?.*secret=${res.secret}`));
    expect(res.uri).toContain('issuer=Acme');
    expect((await env.mfa.listFactors('u1')).factors).toMatchObject([{ id: res.factorId, channel: 'totp', status: 'pending' }]);
    expect(await env.mfa.requiresMfa('u1')).toMatchObject({ required: true, reason: 'must_enroll' });
    expect(await env.mfa.confirmEnrollment('u1', wrongFor(codeAt(res.secret, env.clock.now())), { factorId: res.factorId })).toMatchObject({ error: 'code_mismatch' });
    expect(await env.mfa.confirmEnrollment('u1', codeAt(res.secret, env.clock.now()))).toMatchObject({ ok: true, channel: 'totp', purpose: 'enroll' });
    expect((await env.mfa.listFactors('u1')).factors).toMatchObject([{ channel: 'totp', status: 'active' }]);
  });

  it('stores the secret only sealed: a dump of the factor store holds no secret, and a rotated secret still opens it', async () => {
    const clock = fakeClock();
    const stores = memoryStores({ clock });
    const env = await enrolledApp(setup(stores, SECRET, clock));
    const dump = JSON.stringify(await stores.factors.listFactors('u1'));
    expect(dump).not.toContain(env.secret);
    expect(dump).toMatch(/"totpSecret":"a1\./);
    const rotated = setup(stores, ['rotated-secret-9f86d081884c7d659a2feaa0c55ad015', SECRET], clock);
    expect(await rotated.mfa.verify('u1', codeAt(env.secret, clock.now()))).toMatchObject({ ok: true, channel: 'totp' });
    clock.advance(3 * STEP);
    const stranger = setup(stores, 'another-secret-entirely-0123456789abcdefXYZ', clock);
    await expect(stranger.mfa.verify('u1', codeAt(env.secret, clock.now()), { factorId: env.factorId })).rejects.toMatchObject({ code: 'store_failed' });
  });

  it('sign-in sends nothing; the code of the current step, and of ±1 step, is accepted; ±2 steps are refused', async () => {
    const env = await enrolledApp();
    expect(await env.mfa.startChallenge('u1')).toEqual({ ok: true, sent: false, factorId: env.factorId, channel: 'totp', purpose: 'sign_in' });
    expect(await env.mfa.verify('u1', codeAt(env.secret, env.clock.now(), -2))).toMatchObject({ error: 'code_mismatch' });
    expect(await env.mfa.verify('u1', codeAt(env.secret, env.clock.now(), 2))).toMatchObject({ error: 'code_mismatch' });
    expect(await env.mfa.verify('u1', codeAt(env.secret, env.clock.now(), -1))).toMatchObject({ ok: true, channel: 'totp', factorId: env.factorId });
    env.clock.advance(3 * STEP);
    expect(await env.mfa.verify('u1', codeAt(env.secret, env.clock.now(), 1), { factorId: env.factorId })).toMatchObject({ ok: true });
    env.clock.advance(3 * STEP);
    expect(await env.mfa.verify('u1', codeAt(env.secret, env.clock.now()))).toMatchObject({ ok: true });
  });

  it('a code (time step) used once is refused after (a replay counts nothing: it tells a guesser nothing)', async () => {
    const env = await enrolledApp();
    const code = codeAt(env.secret, env.clock.now());
    expect(await env.mfa.verify('u1', code)).toMatchObject({ ok: true });
    env.clock.advance(STEP); // still within ±1 step of the code's step
    expect(await env.mfa.verify('u1', code)).toMatchObject({ ok: false, error: 'code_mismatch', failuresLeft: 8 });
    expect((await env.mfa.getStatus('u1')).failures).toBe(0);
  });

  it('20 concurrent verifies of one right code: exactly one signs in', async () => {
    const env = await enrolledApp();
    const code = codeAt(env.secret, env.clock.now());
    const results = await Promise.all(Array.from({ length: 20 }, () => env.mfa.verify('u1', code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'code_mismatch')).toHaveLength(19);
  });

  it('wrong entries count toward the shared lockout: the 8th locks, and then even the right code is refused', async () => {
    const env = await enrolledApp();
    const right = codeAt(env.secret, env.clock.now());
    for (let i = 1; i < 8; i++) expect(await env.mfa.verify('u1', wrongFor(right))).toMatchObject({ error: 'code_mismatch', failuresLeft: 8 - i });
    expect(await env.mfa.verify('u1', wrongFor(right))).toMatchObject({ error: 'locked_out', retryAfterMs: 20 * 60_000 });
    expect(await env.mfa.verify('u1', right)).toMatchObject({ error: 'locked_out' });
    expect(await env.mfa.verify('u1', 'abc')).toMatchObject({ error: 'locked_out' });
  });

  it('events: a sign-in from the app says verification.succeeded only (no "no pending code" on the way)', async () => {
    const env = await enrolledApp();
    const events: string[] = [];
    env.mfa.on('verification.failed', (e) => events.push(`failed:${e.error}`));
    env.mfa.on('verification.succeeded', (e) => events.push(`ok:${e.channel}`));
    await env.mfa.verify('u1', codeAt(env.secret, env.clock.now()));
    await env.mfa.verify('u2', '123456'); // a user with nothing at all
    expect(events).toEqual(['ok:totp', 'failed:no_pending_code']);
  });

  it('a malformed entry counts nothing', async () => {
    const env = await enrolledApp();
    expect(await env.mfa.verify('u1', '12345')).toEqual({ ok: false, error: 'malformed_code' });
    expect((await env.mfa.getStatus('u1')).failures).toBe(0);
  });
});

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the TOTP replay test');

describe.skipIf(url === null)('TOTP on Redis', () => {
  const prefix = `mfakit-totp:${process.pid}:`;
  const io = url === null ? undefined : new Redis(url, { maxRetriesPerRequest: 1 });
  afterAll(async () => {
    if (!io) return;
    const keys = await io.keys(`${prefix}*`);
    if (keys.length > 0) await io.del(...keys);
    await io.quit();
  });

  it('a code used on one instance is refused on another sharing the Redis; 20 concurrent verifies across both: one success', async () => {
    if (!io) throw new Error('no Redis');
    const clock = fakeClock();
    const a = setup(redisStores(io, { keyPrefix: prefix }), SECRET, clock);
    const b = setup(redisStores(io, { keyPrefix: prefix }), SECRET, clock);
    const env = await enrolledApp(a);
    const first = codeAt(env.secret, clock.now());
    expect(await a.mfa.verify('u1', first)).toMatchObject({ ok: true });
    expect(await b.mfa.verify('u1', first)).toMatchObject({ error: 'code_mismatch' });
    clock.advance(3 * STEP);
    const code = codeAt(env.secret, clock.now());
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).mfa.verify('u1', code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });
});
