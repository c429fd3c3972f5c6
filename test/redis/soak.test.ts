/**
 * Soak on Redis: 10^4 random operations over many users (two mfakit instances, one on
 * ioredis and one on node-redis, sharing the keys), then a SCAN of the prefix:
 * - every short-lived key has a TTL (only an admin-only hard lock may lack one), and none
 *   above the longest rule window (the 24 h failure memory);
 * - no value and no key name holds a plaintext code;
 * and, with short rule windows, only durable keys remain once they pass.
 *
 * Nothing here depends on how fast the machine is. The random run is bounded by an
 * operation count, and its lanes interleave in whatever order Redis answers, so what it
 * happens to reach varies from run to run: it is checked only for invariants (nothing
 * thrown, every operation answered, a wrong code never accepted, one SMS per successful
 * send). The states worth checking (a lock, a dead code, an unlock, a resend) are reached by
 * a scripted tour on the fake clock, so the key checks always see them. The short-window
 * test decides on a fake clock too, and waits for the keys to expire by polling.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSync } from 'otplib';
import { redisStores } from '../../src/adapters/redis/index.js';
import { createMfa, type Mfa } from 'mfakit';
import { DEFAULTS } from 'mfakit';
import type { SmsSender } from '../../src/ports/sender.js';
import { fakeClock } from '../../src/testing/clock.js';
import { eventually } from '../helpers/eventually.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { seeded } from '../helpers/store-wrappers.js';
import { SECRET } from '../helpers/setup.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the soak tests');


/** A sender that keeps every code sent and the last code per number. */
function recordingSender(): SmsSender & { codes: Set<string>; lastTo: Map<string, string>; count: number } {
  const codes = new Set<string>();
  const lastTo = new Map<string, string>();
  const sender = {
    name: 'recording',
    codes,
    lastTo,
    count: 0,
    async send(message: { to: string; body: string }) {
      const code = /(?<!\d)\d{6}(?!\d)/.exec(message.body)?.[0];
      if (code === undefined) throw new Error(`no code in ${message.body}`);
      codes.add(code);
      lastTo.set(message.to, code);
      sender.count += 1;
      return { id: `m${sender.count}` };
    },
  };
  return sender;
}

type Kind = 'state' | 'durable';
/** Which of the documented key kinds a key is (see src/adapters/redis/index.ts). */
function kindOf(key: string, prefix: string): Kind | 'unknown' {
  const rest = key.slice(prefix.length);
  if (/^\{(user|dest|pfx|ip|cap):[^}]+\}$/.test(rest)) return 'state';
  if (/^\{user:[^}]+\}:factors$/.test(rest) || /^phone:\{\+\d+\}$/.test(rest) || rest === 'exceptions') {
    return 'durable';
  }
  return 'unknown';
}

async function scan(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

/** Every key with its type, PTTL and contents (GET / HGETALL / SMEMBERS). */
async function dump(client: Redis, prefix: string) {
  const out: { key: string; type: string; pttl: number; text: string }[] = [];
  for (const key of await scan(client, prefix)) {
    const type = await client.type(key);
    const pttl = await client.pttl(key);
    let text: string;
    if (type === 'string') text = (await client.get(key)) ?? '';
    else if (type === 'hash') text = JSON.stringify(await client.hgetall(key));
    else if (type === 'set') text = JSON.stringify(await client.smembers(key));
    else text = `<${type}>`;
    out.push({ key, type, pttl, text });
  }
  return out;
}

const phoneOf = (i: number): string => `+1415555${String(2600 + i).padStart(4, '0')}`;

describe.skipIf(url === null)('soak on Redis', () => {
  let io: Redis | undefined;
  let nr: ReturnType<typeof createClient> | undefined;
  const base = `mfakit-soak:${process.pid}:`;
  const ioc = (): Redis => {
    if (io === undefined) throw new Error('not connected');
    return io;
  };

  beforeAll(async () => {
    io = new Redis(url ?? '', { maxRetriesPerRequest: 1 });
    nr = createClient({ url: url ?? '' });
    await nr.connect();
  });
  afterAll(async () => {
    if (io) {
      const keys = await scan(io, base);
      for (let i = 0; i < keys.length; i += 500) await io.del(...keys.slice(i, i + 500));
      await io.quit().catch(() => undefined);
    }
    if (nr?.isOpen) await nr.close();
  });

  it('10^4 random operations: every state key has a bounded TTL, no plaintext code anywhere', async () => {
    if (nr === undefined) throw new Error('not connected');
    const prefix = `${base}main:`;
    const clock = fakeClock(Date.now());
    const sender = recordingSender();
    const make = (client: Parameters<typeof redisStores>[0]): Mfa =>
      createMfa({ stores: redisStores(client, { keyPrefix: prefix }), senders: { sms: sender }, secret: SECRET, appName: 'Acme', clock, isAdmin: () => false });
    const instances = [make(ioc()), make(nr)];
    const rnd = seeded(20_260_101);
    const USERS = 24;
    // Users 20..23 share 2 numbers, so the per-number budget and opt-out across users are exercised.
    const phone = (u: number): string => phoneOf(u < 20 ? u : 20 + (u % 2));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const counts: Record<string, number> = {};
    const thrown: unknown[] = [];
    // Authenticator users apart (their sign-in sends no SMS): every TOTP secret handed out.
    const totpSecrets = new Map<string, string>();
    const appCode = (secret: string) => generateSync({ secret, epoch: Math.floor(clock.now() / 1000) });
    // Backup-code users apart: every code handed out, the latest set per user, and each code's successes.
    const backupCodes = new Set<string>();
    const backupSets = new Map<string, string[]>();
    const backupWins = new Map<string, number>();

    const step = async (): Promise<void> => {
      const r = rnd();
      clock.advance(r < 0.8 ? Math.floor(rnd() * 1_000) : r < 0.99 ? Math.floor(rnd() * 20_000) : Math.floor(rnd() * 30 * 60_000));
      const mfa = pick(instances);
      const u = Math.floor(rnd() * USERS);
      const user = `user-${u}`;
      const right = sender.lastTo.get(phone(u)) ?? '123456';
      const wrong = right === '000000' ? '999999' : '000000';
      const ops: [number, string, () => Promise<{ ok: boolean; error?: string }>][] = [
        [3, 'enroll', () => mfa.enrollSms(user, phone(u))],
        [6, 'confirm', () => mfa.confirmEnrollment(user, right)],
        [1, 'confirm-wrong', () => mfa.confirmEnrollment(user, wrong)],
        [16, 'start', () => mfa.startChallenge(user)],
        [6, 'resend', () => mfa.resend(user)],
        [24, 'verify-wrong', () => mfa.verify(user, wrong)],
        [14, 'verify-right', () => mfa.verify(user, right)],
        [1, 'malformed', () => mfa.verify(user, '12ab')],
        [2, 'unlock', () => mfa.unlock(user)],
        [0.4, 'opt-out', () => mfa.handleOptOut(phone(u))],
        [0.4, 'remove', async () => {
          const f = (await mfa.listFactors(user)).factors[0];
          return f ? mfa.removeFactor(user, f.id) : { ok: false, error: 'none' };
        }],
        [0.5, 'exception', () => (rnd() < 0.5 ? mfa.exceptions.add(user, { by: 'admin', reason: 'soak' }) : mfa.exceptions.remove(user))],
        [8, 'status', () => mfa.getStatus(user)],
        [1, 'totp-enroll', async () => {
          const t = `app-${u % 4}`;
          const r = await mfa.enrollTotp(t);
          if (!r.ok) return r; // step_up_required: no recent verify
          totpSecrets.set(t, r.secret);
          return mfa.confirmEnrollment(t, appCode(r.secret), { factorId: r.factorId });
        }],
        [3, 'totp-right', async () => {
          const secret = totpSecrets.get(`app-${u % 4}`);
          return secret ? mfa.verify(`app-${u % 4}`, appCode(secret)) : { ok: false, error: 'none' };
        }],
        [2, 'totp-wrong', async () => {
          const secret = totpSecrets.get(`app-${u % 4}`);
          const right = secret ? appCode(secret) : '';
          return secret ? mfa.verify(`app-${u % 4}`, right === '000000' ? '111111' : '000000') : { ok: false, error: 'none' };
        }],
        [0.5, 'backup-generate', async () => {
          const r = await mfa.generateBackupCodes(`bk-${u % 4}`);
          if (!r.ok) return r; // step_up_required: no recent verify
          for (const c of r.codes) backupCodes.add(c);
          backupSets.set(`bk-${u % 4}`, r.codes);
          return r;
        }],
        [3, 'backup-right', async () => {
          // Any code of the latest set, used or not: a used one must be refused.
          const code = pick(backupSets.get(`bk-${u % 4}`) ?? ['']);
          const res = await mfa.verify(`bk-${u % 4}`, code || 'zzzzz-zzzzz');
          if (res.ok) backupWins.set(code, (backupWins.get(code) ?? 0) + 1);
          return res;
        }],
        [1, 'backup-wrong', () => mfa.verify(`bk-${u % 4}`, 'zzzzz-zzzzz')],
      ];
      let x = rnd() * ops.reduce((s, [w]) => s + w, 0);
      const op = ops.find(([w]) => (x -= w) < 0) ?? ops[0];
      if (op === undefined) return;
      try {
        const res = await op[2]();
        const k = `${op[1]}:${res.ok ? 'ok' : res.error}`;
        counts[k] = (counts[k] ?? 0) + 1;
      } catch (err) {
        thrown.push(err);
      }
    };

    const LANES = 10;
    const OPS = 10_000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        for (let i = 0; i < OPS / LANES; i += 1) await step();
      }),
    );
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`soak: ${total} operations in ${Date.now() - started} ms, ${sender.count} SMS; outcomes:`, counts);
    // Invariants of any interleaving (what the run happened to reach is not asserted).
    expect(thrown).toEqual([]);
    expect(total).toBe(OPS);
    expect(counts['verify-wrong:ok'] ?? 0).toBe(0);
    expect(counts['confirm-wrong:ok'] ?? 0).toBe(0);
    expect(counts['totp-wrong:ok'] ?? 0).toBe(0);
    expect(counts['totp-enroll:ok'] ?? 0).toBeGreaterThan(0);
    expect(counts['totp-right:ok'] ?? 0).toBeGreaterThan(0);
    expect(counts['backup-right:ok'] ?? 0).toBeGreaterThan(0);
    expect(counts['backup-wrong:ok'] ?? 0).toBe(0);
    expect([...backupWins.values()].filter((n) => n > 1)).toEqual([]); // each code completed at most one sign-in
    expect(sender.count).toBe((counts['enroll:ok'] ?? 0) + (counts['start:ok'] ?? 0) + (counts['resend:ok'] ?? 0));

    // A scripted tour on the same stores and clock reaches every interesting state, so the
    // key checks below always cover a dead code, a lock, an unlock and a resend.
    const tour = instances[0];
    if (tour === undefined) throw new Error('no instance');
    const tourPhone = phoneOf(50);
    const code = (): string => sender.lastTo.get(tourPhone) ?? '';
    const wrongCode = (): string => (code() === '000000' ? '111111' : '000000');
    const sentBefore = sender.count;
    for (const user of ['tour-unlocked', 'tour-locked']) {
      expect(await tour.enrollSms(user, tourPhone)).toMatchObject({ ok: true });
      expect(await tour.confirmEnrollment(user, code())).toMatchObject({ ok: true });
      expect(await tour.startChallenge(user)).toMatchObject({ ok: true });
      expect(await tour.resend(user)).toMatchObject({ ok: false, error: 'resend_cooldown' });
      clock.advance(30_000);
      expect(await tour.resend(user)).toMatchObject({ ok: true });
      expect(await tour.verify(user, code())).toMatchObject({ ok: true });
      // 2 codes × 4 wrong entries: the first code dies, then the 8th entry locks.
      for (let c = 0; c < 2; c += 1) {
        clock.advance(30_000);
        expect(await tour.startChallenge(user)).toMatchObject({ ok: true });
        for (let i = 0; i < 3; i += 1) expect(await tour.verify(user, wrongCode())).toMatchObject({ error: 'code_mismatch' });
        const last = await tour.verify(user, wrongCode());
        expect(last).toMatchObject({ ok: false, error: c === 0 ? 'code_exhausted' : expect.stringMatching(/^(code_exhausted|locked_out)$/) });
      }
      expect(await tour.verify(user, wrongCode())).toMatchObject({ error: 'locked_out' });
      expect(await tour.getStatus(user)).toMatchObject({ locked: true });
    }
    expect(await tour.unlock('tour-unlocked')).toMatchObject({ ok: true });
    expect(await tour.getStatus('tour-unlocked')).toMatchObject({ locked: false, failures: 0 });
    expect(sender.count - sentBefore).toBe(2 * 5);

    const keys = await dump(ioc(), prefix);
    const state = keys.filter((k) => kindOf(k.key, prefix) === 'state');
    expect(keys.filter((k) => kindOf(k.key, prefix) === 'unknown').map((k) => k.key)).toEqual([]);
    // The tour's records are live (hours of TTL left): a lock, an unlocked user's sends, the number's budget.
    expect(state.map((k) => k.key.slice(prefix.length))).toEqual(expect.arrayContaining(['{user:tour-locked}', '{user:tour-unlocked}']));
    expect(state.filter((k) => k.key.startsWith(`${prefix}{dest:`)).length).toBeGreaterThan(0);
    expect(state.find((k) => k.key === `${prefix}{user:tour-locked}`)?.text).toMatch(/"lu":/);
    for (const k of state) {
      expect(k.type).toBe('string');
      if (k.pttl === -1) {
        // Only an admin-only (hard) lock or a set of backup codes may live without a TTL.
        expect({ key: k.key, forever: k.text.includes('"hl":1') || k.text.includes('"bk":') }).toEqual({ key: k.key, forever: true });
      } else {
        expect(k.pttl, k.key).toBeGreaterThan(0);
        expect(k.pttl, k.key).toBeLessThanOrEqual(DEFAULTS.failureMemoryMs);
      }
    }
    for (const k of keys.filter((k) => kindOf(k.key, prefix) === 'durable')) expect(k.pttl, k.key).toBe(-1);

    // No code in any key name or value, as a standalone run of 6 digits. JSON numbers are
    // left out: they are times relative to the record's base and counters (the codec refuses
    // any field it does not write), and with thousands of codes sent a 6-digit time offset
    // equal to one of them is likely; a code could only hide in a string.
    const withoutNumbers = (text: string) => text.replace(/(?<=[:[,])-?\d+(?=[,\]}])/g, '#');
    const everything = keys.map((k) => `${k.key}\n${withoutNumbers(k.text)}`).join('\n');
    const leaked = [...sender.codes].filter((c) => new RegExp(`(?<!\\d)${c}(?!\\d)`).test(everything));
    expect(leaked).toEqual([]);
    // No authenticator secret either: the factors hold them sealed.
    expect([...totpSecrets.values()].filter((secret) => everything.includes(secret))).toEqual([]);
    expect(everything).toMatch(/totpSecret\\*":\\*"a1\./); // the sealed form is there (the dump may escape quotes)
    // No backup code either, as shown or as typed without the dash: only keyed hashes are kept.
    expect(backupCodes.size).toBeGreaterThan(0);
    expect([...backupCodes].filter((c) => everything.includes(c) || everything.includes(c.replace('-', '')))).toEqual([]);
  }, 300_000); // only a guard against a hang: a loaded machine may take minutes

  it('with short windows, only durable keys remain once the windows pass', async () => {
    const prefix = `${base}tiny:`;
    const sender = recordingSender();
    // Decisions use a fake clock (a slow machine cannot turn a wrong entry into an expired
    // code); Redis expires the keys in real time, after the TTLs mfakit gave them.
    const clock = fakeClock(Date.now());
    const WINDOW = 3_000;
    const mfa = createMfa({
      stores: redisStores(ioc(), { keyPrefix: prefix }),
      senders: { sms: sender },
      secret: SECRET,
      appName: 'Acme',
      clock,
      isAdmin: () => false,
      code: { ttlMs: 2_000 },
      stepUp: { windowMs: WINDOW },
      sending: { cooldownMs: 100, windowMs: WINDOW },
      lockout: { durationMs: 2_000, failureMemoryMs: WINDOW },
    });
    const code = (u: number): string => sender.lastTo.get(phoneOf(u)) ?? '';
    const wrong = (u: number): string => (code(u) === '000000' ? '111111' : '000000');
    for (let u = 0; u < 6; u += 1) {
      const user = `tiny-${u}`;
      expect((await mfa.enrollSms(user, phoneOf(u))).ok).toBe(true);
      expect((await mfa.confirmEnrollment(user, code(u))).ok).toBe(true);
      expect((await mfa.startChallenge(user)).ok).toBe(true);
      if (u === 0) {
        // Locked: 2 codes × 4 wrong entries.
        for (let i = 0; i < 4; i += 1) await mfa.verify(user, wrong(u));
        clock.advance(110);
        expect((await mfa.startChallenge(user)).ok).toBe(true);
        for (let i = 0; i < 4; i += 1) await mfa.verify(user, wrong(u));
        expect((await mfa.getStatus(user)).locked).toBe(true);
      } else if (u === 1) {
        await mfa.verify(user, wrong(u)); // one failure remembered
      } else if (u === 2) {
        await mfa.exceptions.add(user, { by: 'admin', reason: 'kiosk' });
      } else if (u === 3) {
        await mfa.handleOptOut(phoneOf(u));
      } else if (u === 4) {
        await mfa.setPreferred(user, (await mfa.listFactors(user)).factors[0]?.id ?? null);
      } // u === 5: a live code, nothing else
    }
    // A key may expire between SCAN and PTTL (type 'none'): only live keys are checked.
    const before = (await dump(ioc(), prefix)).filter((k) => k.type !== 'none' && k.pttl !== -2);
    const stateBefore = before.filter((k) => kindOf(k.key, prefix) === 'state');
    expect(stateBefore.length).toBeGreaterThan(0);
    for (const k of stateBefore) {
      expect(k.pttl, k.key).toBeGreaterThan(0);
      expect(k.pttl, k.key).toBeLessThanOrEqual(WINDOW);
    }

    // Poll until the windows have passed in Redis (each TTL is at most WINDOW ms).
    const after = await eventually(async () => {
      const keys = await dump(ioc(), prefix);
      const left = keys.filter((k) => kindOf(k.key, prefix) !== 'durable').map((k) => k.key);
      if (left.length > 0) throw new Error(`short-lived keys left: ${left.join(', ')}`);
      return keys;
    }, 30_000);
    const rest = after.map((k) => k.key.slice(prefix.length));
    expect(rest).toContain('exceptions');
    expect(await ioc().call('HGET', `${prefix}{user:tiny-4}:factors`, ':preferred')).toMatch(/^f_/);
    expect(rest.filter((k) => k.endsWith(':factors'))).toHaveLength(6);
    expect(rest.filter((k) => k.startsWith('phone:'))).toHaveLength(6);
    // And the users are usable again: the lock and the counts are gone with the keys
    // (the fake clock has not moved: only the expiry in Redis ended the lock).
    const status = await mfa.getStatus('tiny-0');
    expect([status.locked, status.failures, status.consecutiveFailures]).toEqual([false, 0, 0]);
  }, 120_000);
});
