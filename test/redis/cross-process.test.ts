/**
 * The rules hold across processes: 4 worker processes (2 on ioredis, 2 on node-redis),
 * each with its own createMfa, Redis client and outbox, share one Redis and one user and
 * are released together.
 */
import { Redis } from 'ioredis';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores } from '../../src/adapters/redis/index.js';
import { createMfa, type Mfa } from 'mfakit';
import { outboxSender, type OutboxSender } from '../../src/testing/outbox.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { must, PHONE, SECRET, wrong } from '../helpers/setup.js';
import { many, runRound, tally, WorkerHandle } from '../helpers/worker-handle.js';
import type { Call, FromWorker } from './worker.js';
import { startRedisWorkers, WORKER_KINDS } from './workers.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the cross-process tests');

const USER = 'u-cross';

describe.skipIf(url === null)('cross-process: 4 workers, one Redis, one user', () => {
  const workers: WorkerHandle<FromWorker>[] = [];
  let admin: Redis | undefined;
  let n = 0;

  beforeAll(async () => {
    admin = new Redis(url ?? '', { maxRetriesPerRequest: 1 });
    const hello = await startRedisWorkers(url ?? '', workers);
    expect(hello.map((m) => (m.type === 'connected' ? m.kind : m.type))).toEqual(WORKER_KINDS);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    if (admin) {
      const keys = await admin.keys(`mfakit-cross:${process.pid}:*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit().catch(() => undefined);
      admin.disconnect();
    }
  });

  /** A fresh prefix, the user enrolled and confirmed through the parent's own mfa. */
  async function enrolled(): Promise<{ prefix: string; mfa: Mfa; outbox: OutboxSender }> {
    const prefix = `mfakit-cross:${process.pid}:${++n}:`;
    if (admin === undefined) throw new Error('not connected');
    const outbox = outboxSender();
    const mfa = createMfa({ stores: redisStores(admin, { keyPrefix: prefix }), senders: { sms: outbox }, secret: SECRET, appName: 'Acme' });
    expect((await mfa.enrollSms(USER, PHONE)).ok).toBe(true);
    expect((await mfa.confirmEnrollment(USER, outbox.last()?.code ?? '')).ok).toBe(true);
    return { prefix, mfa, outbox };
  }

  const round = (prefix: string, calls: readonly Call[]) => runRound(workers, prefix, USER, calls);

  it('100 startChallenge across the workers → exactly 1 SMS', async () => {
    const { prefix, mfa } = await enrolled();
    const { outcomes, sent } = await round(prefix, many(100, { op: 'startChallenge' }));
    expect(tally(outcomes)).toEqual({ ok: 1, resend_cooldown: 99 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe(PHONE);
    const status = await mfa.getStatus(USER);
    expect(status.sendsLeft).toBe(8); // the enrollment and this one
    expect(status.pending?.attemptsLeft).toBe(4);
  });

  it('40 users of one number start at once across the workers → exactly 10 SMS (the per-number budget)', async () => {
    // Each worker remembers the number's budget record and starts from that copy; the
    // commit must catch every stale copy, whichever worker wrote last.
    const prefix = `mfakit-cross:${process.pid}:${++n}:`;
    if (admin === undefined) throw new Error('not connected');
    const { factors } = redisStores(admin, { keyPrefix: prefix });
    const users = Array.from({ length: 40 }, (_, i) => `shared-${i}`);
    for (const userId of users) {
      await factors.putFactor({ id: `f_${userId}`, userId, channel: 'sms', status: 'active', phone: PHONE, createdAt: 1 });
    }
    const { outcomes, sent } = await round(prefix, users.map((userId) => ({ op: 'startChallenge', userId })));
    expect(tally(outcomes)).toEqual({ ok: 10, send_limit_reached: 30 });
    expect(sent).toHaveLength(10);
    // The refused users were not charged: their own state records were never written.
    const written = await admin.keys(`${prefix}{user:*}`);
    expect(written.filter((k) => !k.endsWith(':factors'))).toHaveLength(10);
  });

  it('200 wrong verify across the workers → exactly 4 tries counted, the code dead, 4 failures', async () => {
    const { prefix, mfa, outbox } = await enrolled();
    expect((await mfa.startChallenge(USER)).ok).toBe(true);
    const code = outbox.last()?.code ?? '';
    const { outcomes } = await round(prefix, many(200, { op: 'verify', code: wrong(code) }));
    expect(tally(outcomes)).toEqual({ code_mismatch: 3, code_exhausted: 197 });
    // Counted entries carry failuresLeft; the others hit the dead code and change nothing.
    const counted = outcomes.filter((o) => o.ok === false && o.failuresLeft !== undefined);
    expect(counted.map((o) => (o.ok === false ? o.failuresLeft : -1)).sort()).toEqual([4, 5, 6, 7]);
    const status = await mfa.getStatus(USER);
    expect(status.failures).toBe(4);
    expect(status.consecutiveFailures).toBe(4);
    expect(status.locked).toBe(false);
    expect(status.pending).toMatchObject({ state: 'exhausted', attemptsLeft: 0 });
    expect(await mfa.verify(USER, code)).toEqual({ ok: false, error: 'code_exhausted', attemptsLeft: 0 });
  });

  it('100 right-code verify across the workers → exactly 1 success', async () => {
    const { prefix, mfa } = await enrolled();
    // The code is sent by one of the workers; the parent reads it from that worker's report.
    const started = await round(prefix, many(4, { op: 'startChallenge' }));
    expect(tally(started.outcomes)).toEqual({ ok: 1, resend_cooldown: 3 });
    expect(started.sent).toHaveLength(1);
    const code = started.sent[0]?.code ?? '';
    expect(code).toMatch(/^\d{6}$/);
    const { outcomes } = await round(prefix, many(100, { op: 'verify', code }));
    expect(tally(outcomes)).toEqual({ ok: 1, no_pending_code: 99 });
    const status = await mfa.getStatus(USER);
    expect([status.failures, status.consecutiveFailures, status.pending]).toEqual([0, 0, undefined]);
    expect(status.factors[0]?.lastUsedAt).toBeTypeOf('number');
  });

  it('mixed: 100 wrong and 4 right entries of one code released together → at most 4 tries, at most 1 success', async () => {
    const { prefix, mfa, outbox } = await enrolled();
    expect((await mfa.startChallenge(USER)).ok).toBe(true);
    const code = outbox.last()?.code ?? '';
    const calls: Call[] = [...many(100, { op: 'verify', code: wrong(code) }), ...many(4, { op: 'verify', code })];
    const { outcomes } = await round(prefix, calls);
    const t = tally(outcomes);
    expect(t['ok'] ?? 0).toBeLessThanOrEqual(1);
    expect(Object.keys(t).every((k) => ['ok', 'code_mismatch', 'code_exhausted', 'no_pending_code'].includes(k))).toBe(true);
    const counted = outcomes.filter((o) => o.ok === false && o.failuresLeft !== undefined).length;
    expect(counted).toBeLessThanOrEqual(4);
    const status = await mfa.getStatus(USER);
    // Either the code was used (counts reset) or it died after exactly 4 counted tries.
    if (t['ok'] === 1) expect(status.failures).toBe(0);
    else expect([status.failures, counted]).toEqual([4, 4]);
  });

  it('an authenticator code: 100 verifies of one code across the workers → exactly 1 success, the 99 replays count nothing', async () => {
    const prefix = `mfakit-cross:${process.pid}:${++n}:`;
    if (admin === undefined) throw new Error('not connected');
    const mfa = createMfa({ stores: redisStores(admin, { keyPrefix: prefix }), senders: { sms: outboxSender() }, secret: SECRET, appName: 'Acme' });
    const app = must(await mfa.enrollTotp(USER));
    // Confirm with the previous step's code, so the current step's code is still unused;
    // it stays valid (±1 step) for at least 30 s, far longer than the round.
    const epoch = Math.floor(Date.now() / 1000);
    expect((await mfa.confirmEnrollment(USER, generateSync({ secret: app.secret, epoch: epoch - 30 }), { factorId: app.factorId })).ok).toBe(true);
    const code = generateSync({ secret: app.secret, epoch });
    const { outcomes } = await round(prefix, many(100, { op: 'verify', code }));
    expect(tally(outcomes)).toEqual({ ok: 1, code_mismatch: 99 });
    const status = await mfa.getStatus(USER);
    expect([status.failures, status.consecutiveFailures]).toEqual([0, 0]);
  });

  it('a backup code: 100 verifies of one code across the workers → exactly 1 success; another code still works once', async () => {
    const prefix = `mfakit-cross:${process.pid}:${++n}:`;
    if (admin === undefined) throw new Error('not connected');
    const mfa = createMfa({ stores: redisStores(admin, { keyPrefix: prefix }), senders: { sms: outboxSender() }, secret: SECRET, appName: 'Acme' });
    const { codes } = must(await mfa.generateBackupCodes(USER));
    const first = await round(prefix, many(100, { op: 'verify', code: codes[0] ?? '' }));
    expect(tally(first.outcomes)).toEqual({ ok: 1, code_mismatch: 99 });
    const second = await round(prefix, many(8, { op: 'verify', code: codes[1] ?? '' }));
    expect(tally(second.outcomes)).toEqual({ ok: 1, code_mismatch: 7 });
    const status = await mfa.getStatus(USER);
    expect(status.failures).toBe(0);
    expect(status.factors.find((f) => f.channel === 'backup')?.backupCodesLeft).toBe(8);
  });

  it('SMS switched off by the parent: every worker obeys at its next call (no SMS sent); switched on again, exactly 1 SMS', async () => {
    const { prefix, mfa } = await enrolled();
    must(await mfa.setChannelEnabled('sms', false, { by: 'ops-1', reason: 'carrier outage' }));
    const off = await round(prefix, many(40, { op: 'startChallenge' }));
    expect(tally(off.outcomes)).toEqual({ channel_disabled: 40 });
    expect(off.sent).toHaveLength(0);
    must(await mfa.setChannelEnabled('sms', true, { by: 'ops-1' }));
    const on = await round(prefix, many(40, { op: 'startChallenge' }));
    expect(tally(on.outcomes)).toEqual({ ok: 1, resend_cooldown: 39 });
    expect(on.sent).toHaveLength(1);
  });
});
