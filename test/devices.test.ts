/**
 * Trusted devices ("remember this browser", issue 12) and the admin lock, end to end through
 * `createMfa`, on the memory store and on a real Redis (started by the global setup).
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createMfa, type MfaEventMap, type MfaEventName, type MfaOptions, type Stores } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { redisStores } from '../src/adapters/redis/index.js';
import { type DeviceClaim, DeviceSigner } from '../src/factors/device-token.js';
import { fakeClock, type FakeClock, outboxSender, type OutboxSender } from '../src/testing/index.js';
import { warnSkipped } from './helpers/redis-server.js';
import { must, PHONE, SECRET, wrong } from './helpers/setup.js';

const DAY = 24 * 60 * 60_000;
const OLD_SECRET = 'old-secret-0123456789-abcdefghijklmnopq';
const NEW_SECRET = 'new-secret-9876543210-qrstuvwxyzabcdefgh';
const TOKEN = /^1\.[1-9][0-9]*\.[A-Za-z0-9_-]{22}$/;

/** A store to run on, and a dump of everything it holds (or was handed) as text. */
interface Backend {
  readonly stores: Stores;
  dump(): Promise<string>;
}

/** Memory: every call into the stores is recorded with its arguments (every value ever written). */
function memoryBackend(clock: FakeClock): Backend {
  const log: string[] = [];
  const record = <T extends object>(inner: T): T =>
    new Proxy(inner, {
      get(target, key, receiver) {
        const v: unknown = Reflect.get(target, key, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          log.push(`${String(key)} ${JSON.stringify(args)}`);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const inner = memoryStores({ clock });
  return { stores: { factors: record(inner.factors), state: record(inner.state) }, dump: async () => log.join('\n') };
}

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the trusted-device tests on Redis');
const io = url === null ? undefined : new Redis(url, { maxRetriesPerRequest: 1 });
const prefixBase = `mfakit-devices:${process.pid}:`;
let prefixes = 0;
afterAll(async () => {
  if (!io) return;
  const keys = await io.keys(`${prefixBase}*`);
  if (keys.length > 0) await io.del(...keys);
  await io.quit();
});

/** Redis: every key under a fresh prefix, with its whole value, whatever its type. */
function redisBackend(): Backend {
  if (!io) throw new Error('no Redis');
  const redis = io;
  const prefix = `${prefixBase}${++prefixes}:`;
  return {
    stores: redisStores(redis, { keyPrefix: prefix }),
    async dump() {
      const out: string[] = [];
      for (const key of await redis.keys(`${prefix}*`)) {
        const type = await redis.type(key);
        const value =
          type === 'string' ? await redis.get(key)
          : type === 'hash' ? await redis.hgetall(key)
          : type === 'set' ? await redis.smembers(key)
          : type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES')
          : type === 'list' ? await redis.lrange(key, 0, -1)
          : `<${type}>`;
        out.push(`${key} ${JSON.stringify(value)}`);
      }
      return out.join('\n');
    },
  };
}

const backends: [string, (clock: FakeClock) => Backend][] = [['memory', memoryBackend]];
if (io) backends.push(['Redis', () => redisBackend()]);

describe.each(backends)('trusted devices on %s', (_name, backendOf) => {
  /** A user `u1` with a confirmed SMS factor; `events` records every event of the instance. */
  async function enrolled(overrides: Partial<MfaOptions> = {}) {
    const clock = fakeClock();
    const backend = backendOf(clock);
    const outbox = outboxSender();
    const instance = (extra: Partial<MfaOptions> = {}) =>
      createMfa({ stores: backend.stores, senders: { sms: outbox }, secret: SECRET, clock, ...overrides, ...extra });
    const mfa = instance();
    const events: { name: MfaEventName; payload: MfaEventMap[MfaEventName] }[] = [];
    const names: MfaEventName[] = ['user.locked', 'user.unlocked', 'devices.revoked', 'verification.succeeded', 'factor.enrolled', 'factor.removed', 'factor.invalidated', 'backup.generated'];
    for (const name of names) mfa.on(name, (payload) => events.push({ name, payload }));
    must(await mfa.enrollSms('u1', PHONE));
    const confirmed = must(await mfa.confirmEnrollment('u1', outbox.last()?.code ?? ''));
    clock.advance(30_000);
    return { mfa, clock, outbox, backend, instance, events, factorId: confirmed.factorId };
  }
  type Env = Awaited<ReturnType<typeof enrolled>>;

  /** A sign-in with a sent code, trusting the device: the token. */
  async function trustedSignIn(env: Env, userId = 'u1', mfa = env.mfa, outbox: OutboxSender = env.outbox): Promise<string> {
    must(await mfa.startChallenge(userId));
    const res = must(await mfa.verify(userId, outbox.last()?.code ?? '', { trustDevice: true }));
    env.clock.advance(30_000);
    expect(res.deviceToken).toMatch(TOKEN);
    expect(res.deviceTrustedUntil).toBe(Number(res.deviceToken?.split('.')[1]));
    return res.deviceToken ?? '';
  }

  const REQUIRED = { ok: true, required: true };
  const skips = async (env: Env, token: string, userId = 'u1', mfa = env.mfa) => {
    const res = await mfa.requiresMfa(userId, { deviceToken: token });
    return !res.required && res.reason === 'trusted_device';
  };

  it('a valid token skips MFA until it expires (30 days by default); without it MFA is required', async () => {
    const env = await enrolled();
    must(await env.mfa.startChallenge('u1'));
    const at = env.clock.now();
    const res = must(await env.mfa.verify('u1', env.outbox.last()?.code ?? '', { trustDevice: true }));
    expect(res).toMatchObject({ factorId: env.factorId, channel: 'sms', purpose: 'sign_in', deviceTrustedUntil: at + 30 * DAY });
    const token = res.deviceToken ?? '';
    expect(token).toMatch(TOKEN);
    expect(await env.mfa.requiresMfa('u1', { deviceToken: token })).toEqual({ ok: true, required: false, reason: 'trusted_device', trustedUntil: at + 30 * DAY });
    expect(await env.mfa.requiresMfa('u1')).toEqual(REQUIRED);
    expect(await env.mfa.requiresMfa('u1', { method: 'password', deviceToken: token })).toMatchObject({ required: false, reason: 'trusted_device' });
    // Another instance on the same store trusts it too.
    expect(await skips(env, token, 'u1', env.instance())).toBe(true);
    env.clock.set(at + 30 * DAY - 1);
    expect(await skips(env, token)).toBe(true);
    env.clock.set(at + 30 * DAY);
    expect(await env.mfa.requiresMfa('u1', { deviceToken: token })).toEqual(REQUIRED);
  });

  it('trustedDevices.ttlMs sets the life; out-of-range values are refused', async () => {
    const env = await enrolled({ trustedDevices: { ttlMs: 60_000 } });
    const token = await trustedSignIn(env); // 30 s have passed since
    expect(await skips(env, token)).toBe(true);
    env.clock.advance(30_000);
    expect(await skips(env, token)).toBe(false);
    const bad = (trustedDevices: unknown) => () => createMfa({ stores: memoryStores(), secret: SECRET, trustedDevices } as MfaOptions);
    for (const value of [{ ttlMs: 59_999 }, { ttlMs: 401 * DAY }, { ttlMs: 1.5e6 + 0.5 }, { ttl: 60_000 }, 'long']) {
      expect(bad(value)).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    }
  });

  it('a second device keeps the first trusted; each token has its own expiry', async () => {
    const env = await enrolled();
    const first = await trustedSignIn(env);
    env.clock.advance(DAY);
    const second = await trustedSignIn(env);
    expect(second).not.toBe(first);
    expect(await skips(env, first)).toBe(true);
    env.clock.advance(30 * DAY - DAY - 30_000);
    expect(await skips(env, first)).toBe(false);
    expect(await skips(env, second)).toBe(true);
  });

  it('a forged token is not trusted: one character changed anywhere, another secret, garbage', async () => {
    const env = await enrolled();
    const token = await trustedSignIn(env);
    const changed = new Set<string>();
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const c = token[i] === 'A' ? 'B' : token[i] === '1' && i === 0 ? '2' : token[i] === '9' ? '8' : /[0-9]/.test(token[i] ?? '') ? '9' : 'A';
      changed.add(token.slice(0, i) + c + token.slice(i + 1));
    }
    for (const forged of changed) expect(await skips(env, forged), forged).toBe(false);
    // A token signed under a secret that is not in the list (another deployment, a guess).
    const other = env.instance({ secret: NEW_SECRET });
    must(await other.startChallenge('u1'));
    const foreign = must(await other.verify('u1', env.outbox.last()?.code ?? '', { trustDevice: true })).deviceToken ?? '';
    env.clock.advance(30_000);
    expect(await skips(env, foreign)).toBe(false);
    for (const junk of ['', 'x', 'null', `1.${Date.now()}.`, token.split('.').slice(0, 2).join('.')]) {
      expect(await env.mfa.requiresMfa('u1', { deviceToken: junk })).toEqual(REQUIRED);
    }
  });

  it("another user's token is not trusted", async () => {
    const env = await enrolled();
    must(await env.mfa.enrollSms('u2', '+14155550123'));
    must(await env.mfa.confirmEnrollment('u2', env.outbox.last()?.code ?? ''));
    env.clock.advance(30_000);
    const mine = await trustedSignIn(env, 'u2');
    expect(await skips(env, mine, 'u2')).toBe(true);
    expect(await skips(env, mine, 'u1')).toBe(false);
  });

  it('revokeTrustedDevices ends every token; the event says who, when and why; the next trusting verify works again', async () => {
    const env = await enrolled();
    const a = await trustedSignIn(env);
    const b = await trustedSignIn(env);
    expect(await env.mfa.revokeTrustedDevices('u1', { by: 'support-7', reason: 'lost laptop' })).toEqual({ ok: true, revoked: true });
    expect(await skips(env, a)).toBe(false);
    expect(await skips(env, b)).toBe(false);
    expect(env.events.filter((e) => e.name === 'devices.revoked').map((e) => e.payload)).toEqual([{ userId: 'u1', by: 'support-7', at: env.clock.now(), reason: 'lost laptop' }]);
    expect(await env.mfa.revokeTrustedDevices('u1')).toEqual({ ok: true, revoked: false });
    const c = await trustedSignIn(env);
    expect(await skips(env, c)).toBe(true);
    expect(await skips(env, a)).toBe(false); // a new generation: the old tokens stay dead
    await expect(env.mfa.revokeTrustedDevices('u1', { by: '' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('a factor change ends the trust: adding one, removing one, a STOP reply; starting an enrollment does not', async () => {
    const env = await enrolled();
    let token = await trustedSignIn(env);
    must(await env.mfa.enrollSms('u1', '+14155550123'));
    expect(await skips(env, token)).toBe(true); // pending: nothing confirmed yet
    must(await env.mfa.confirmEnrollment('u1', env.outbox.last()?.code ?? ''));
    expect(await skips(env, token)).toBe(false);

    env.clock.advance(30_000);
    token = await trustedSignIn(env);
    const second = (await env.mfa.listFactors('u1')).factors.find((f) => f.id !== env.factorId)?.id ?? '';
    must(await env.mfa.removeFactor('u1', second));
    expect(await skips(env, token)).toBe(false);

    token = await trustedSignIn(env);
    expect(await env.mfa.handleOptOut(PHONE)).toEqual({ ok: true, invalidated: 1 });
    expect(await skips(env, token)).toBe(false);
  });

  it('a factor changed directly in the host’s database ends the trust too', async () => {
    const env = await enrolled();
    const token = await trustedSignIn(env);
    const factor = await env.backend.stores.factors.getFactor('u1', env.factorId);
    if (!factor) throw new Error('no factor');
    await env.backend.stores.factors.putFactor({ ...factor, phone: '+14155550123' });
    expect(await skips(env, token)).toBe(false);
  });

  it('new backup codes end the trust (the same factor, a new set)', async () => {
    const env = await enrolled();
    must(await env.mfa.generateBackupCodes('u1'));
    const token = await trustedSignIn(env);
    expect(await skips(env, token)).toBe(true);
    must(await env.mfa.generateBackupCodes('u1'));
    expect(await skips(env, token)).toBe(false);
  });

  it('a backup code may trust the device too', async () => {
    const env = await enrolled();
    const codes = must(await env.mfa.generateBackupCodes('u1')).codes;
    const res = must(await env.mfa.verify('u1', codes[0] ?? '', { trustDevice: true }));
    expect(res).toMatchObject({ channel: 'backup', backupCodesLeft: 9 });
    expect(await skips(env, res.deviceToken ?? '')).toBe(true);
  });

  it('a lock from wrong entries ends the trust, even after the lock is over', async () => {
    const env = await enrolled();
    const token = await trustedSignIn(env);
    for (let i = 0; i < 8; i++) {
      // A code has 4 tries: a new one after every 4 wrong entries.
      if (i % 4 === 0) must(await env.mfa.startChallenge('u1'));
      await env.mfa.verify('u1', wrong(env.outbox.last()?.code ?? ''));
      if (i < 7) expect(await skips(env, token)).toBe(true);
      env.clock.advance(30_000);
    }
    expect(env.events.some((e) => e.name === 'user.locked')).toBe(true);
    expect(await skips(env, token)).toBe(false);
    env.clock.advance(20 * 60_000);
    expect(await skips(env, token)).toBe(false);
  });

  it('an admin unlock ends the trust', async () => {
    const env = await enrolled();
    const token = await trustedSignIn(env);
    must(await env.mfa.unlock('u1'));
    expect(await skips(env, token)).toBe(false);
  });

  it('mfa.lock: locked until an admin unlocks, the live code dead, the trust ended, audited', async () => {
    const env = await enrolled();
    const token = await trustedSignIn(env);
    must(await env.mfa.startChallenge('u1'));
    const code = env.outbox.last()?.code ?? '';
    expect(await env.mfa.lock('u1', { by: 'admin-1', reason: 'account reported stolen' })).toEqual({ ok: true, wasLocked: false });
    expect(env.events.filter((e) => e.name === 'user.locked').map((e) => e.payload)).toEqual([
      { userId: 'u1', lockedUntil: null, consecutiveFailures: 0, by: 'admin-1', at: env.clock.now(), reason: 'account reported stolen' },
    ]);
    expect(await env.mfa.verify('u1', code)).toEqual({ ok: false, error: 'locked_out', lockedUntil: null });
    expect(await env.mfa.startChallenge('u1')).toEqual({ ok: false, error: 'locked_out', lockedUntil: null });
    expect(await skips(env, token)).toBe(false);
    expect((await env.mfa.getStatus('u1')).lockedUntil).toBeNull();
    expect(await env.mfa.lock('u1', { by: 'admin-2', reason: 'again' })).toEqual({ ok: true, wasLocked: true });
    expect(await env.mfa.unlock('u1')).toEqual({ ok: true, wasLocked: true });
    expect(await env.mfa.verify('u1', code)).toMatchObject({ ok: false, error: 'code_exhausted' });
    expect(await skips(env, token)).toBe(false);
    env.clock.advance(30_000);
    await trustedSignIn(env);
    // No time ends it.
    must(await env.mfa.lock('u1', { by: 'admin-1', reason: 'again' }));
    env.clock.advance(365 * DAY);
    expect((await env.mfa.getStatus('u1')).locked).toBe(true);
    await expect(env.mfa.lock('u1', { by: 'admin-1' } as never)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(env.mfa.lock('u1', undefined as never)).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('secret rotation: a token signed under the old secret works while it is in the list, not after', async () => {
    const env = await enrolled({ secret: OLD_SECRET });
    const token = await trustedSignIn(env);
    expect(await skips(env, token, 'u1', env.instance({ secret: [NEW_SECRET, OLD_SECRET] }))).toBe(true);
    expect(await skips(env, token, 'u1', env.instance({ secret: NEW_SECRET }))).toBe(false);
  });

  it('a failed verify, or one not asked to trust, answers no token and changes no trust', async () => {
    const env = await enrolled();
    must(await env.mfa.startChallenge('u1'));
    const code = env.outbox.last()?.code ?? '';
    const refused = await env.mfa.verify('u1', wrong(code), { trustDevice: true });
    expect(refused).toMatchObject({ ok: false, error: 'code_mismatch' });
    expect(refused).not.toHaveProperty('deviceToken');
    const plain = must(await env.mfa.verify('u1', code, { trustDevice: false }));
    expect(plain).toEqual({ ok: true, factorId: env.factorId, channel: 'sms', purpose: 'sign_in' });
    expect(await env.backend.dump()).not.toMatch(/"dv|\\"dv/);
  });

  it('the store never holds a token, and no event carries one', async () => {
    const env = await enrolled();
    const seen: string[] = [];
    const all: MfaEventName[] = ['code.sent', 'verification.succeeded', 'verification.failed', 'user.locked', 'user.unlocked', 'devices.revoked'];
    for (const name of all) env.mfa.on(name, (e) => seen.push(JSON.stringify(e)));
    const tokens = [await trustedSignIn(env), await trustedSignIn(env)];
    for (const t of tokens) expect(await skips(env, t)).toBe(true);
    await env.mfa.revokeTrustedDevices('u1', { by: 'admin-1', reason: 'test' });
    await env.mfa.lock('u1', { by: 'admin-1', reason: 'test' });
    await env.mfa.unlock('u1');
    const dump = await env.backend.dump();
    expect(dump.length).toBeGreaterThan(0);
    for (const t of tokens) {
      const mac = t.split('.')[2] ?? '';
      expect(dump).not.toContain(mac);
      expect(seen.join('\n')).not.toContain(mac);
    }
  });

  it('bad arguments throw invalid_argument and name no token', async () => {
    const env = await enrolled();
    const long = `1.${'9'.repeat(300)}`;
    for (const deviceToken of [42, null, {}, ['1.2.3'], long]) {
      const err = await env.mfa.requiresMfa('u1', { deviceToken } as never).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'invalid_argument' });
      expect(String((err as Error).message)).not.toContain('999999');
    }
    for (const trustDevice of ['yes', 1, null]) {
      await expect(env.mfa.verify('u1', '123456', { trustDevice } as never)).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    expect(await env.mfa.requiresMfa('u1', { deviceToken: 'x'.repeat(256) })).toEqual(REQUIRED);
  });

  it('a token does not change answers that need no challenge: exceptions, policy skips, must enroll', async () => {
    const env = await enrolled({ isAdmin: () => false, policy: (_u, { method }) => (method === 'sso' ? 'skip' : 'required') });
    const token = await trustedSignIn(env);
    expect(await env.mfa.requiresMfa('u1', { method: 'sso', deviceToken: token })).toEqual({ ok: true, required: false, reason: 'policy' });
    expect(await env.mfa.requiresMfa('nobody', { deviceToken: token })).toEqual({ ok: true, required: true, reason: 'must_enroll' });
    must(await env.mfa.exceptions.add('u1', { by: 'admin-1', reason: 'kiosk' }));
    expect(await env.mfa.requiresMfa('u1', { deviceToken: token })).toMatchObject({ required: false, reason: 'exception' });
  });
});

describe('the device token MAC (DeviceSigner)', () => {
  const claim: DeviceClaim = { userId: 'u1', generation: 'g'.repeat(22), expiresAt: Date.UTC(2026, 1, 1), fingerprint: '33:3:f_16:active3:sms12:+14155552671' };
  const signer = new DeviceSigner([SECRET]);
  const mac = signer.sign(claim);

  it('is 128 bits, base64url, and bound to every field of the claim', () => {
    expect(mac).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(signer.verify(claim, mac)).toBe(true);
    for (const other of [
      { ...claim, userId: 'u2' },
      { ...claim, generation: 'h'.repeat(22) },
      { ...claim, expiresAt: claim.expiresAt + 1 },
      { ...claim, fingerprint: '' },
      // Length prefixes: moving a character from one field to the next is another claim.
      { ...claim, userId: 'u1g', generation: 'g'.repeat(21) },
    ]) expect(signer.verify(other, mac)).toBe(false);
  });

  it('signs with the first secret, verifies with any; only the canonical 22-character form', () => {
    const rotated = new DeviceSigner([NEW_SECRET, SECRET]);
    expect(rotated.verify(claim, mac)).toBe(true);
    expect(rotated.sign(claim)).not.toBe(mac);
    expect(new DeviceSigner([NEW_SECRET]).verify(claim, mac)).toBe(false);
    // The last character carries 2 bits past the 128: another character that decodes to the same bytes is refused.
    const last = mac.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    expect(signer.verify(claim, mac.slice(0, -1) + twin)).toBe(false);
    expect(signer.verify(claim, `${mac}A`)).toBe(false);
    expect(signer.verify(claim, mac.slice(1))).toBe(false);
  });
});
