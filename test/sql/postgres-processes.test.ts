/**
 * The rules hold across processes on PostgreSQL as they do on Redis: 4 worker processes,
 * each with its own createMfa, `pg` pool and outbox, share one database and one user and
 * are released together. Then a kill of the server mid-burst: nothing answered as done
 * may be missing after the restart.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMfa, MfaError, type Mfa } from 'mfakit';
import { kyselyStores, migrate } from '../../src/adapters/kysely/index.js';
import { outboxSender, type OutboxSender } from '../../src/testing/outbox.js';
import { PHONE, SECRET, wrong } from '../helpers/setup.js';
import { postgresKysely, sqlAvailable, startPostgres, type SqlServer } from '../helpers/sql-servers.js';
import { many, runRound, tally, WorkerHandle } from '../helpers/worker-handle.js';
import type { Call } from '../redis/worker.js';
import type { FromPgWorker } from './pg-worker.js';

const available = sqlAvailable('postgres');
const WORKER = fileURLToPath(new URL('./pg-worker.ts', import.meta.url));
const USER = 'u-cross';

describe.skipIf(!available)('PostgreSQL, several processes and a crash', () => {
  let server: SqlServer | undefined;
  let db: Kysely<unknown> | undefined;
  const own = (): { server: SqlServer; db: Kysely<unknown> } => {
    if (server === undefined || db === undefined) throw new Error('not started');
    return { server, db };
  };
  let n = 0;

  beforeAll(async () => {
    server = await startPostgres();
    db = postgresKysely(server, 20);
  });
  afterAll(async () => {
    await db?.destroy().catch(() => undefined);
    await server?.stop();
  });

  describe('cross-process: 4 workers, one database, one user', () => {
    const workers: WorkerHandle<FromPgWorker>[] = [];

    beforeAll(async () => {
      for (let i = 0; i < 4; i += 1) {
        const child = fork(WORKER, [String(own().server.port), SECRET], {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        workers.push(new WorkerHandle<FromPgWorker>(child));
      }
      const hello = await Promise.all(workers.map((w) => w.next(60_000)));
      expect(hello.map((m) => m.type)).toEqual(['connected', 'connected', 'connected', 'connected']);
    });
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop()));
    });

    /** Fresh tables, the user enrolled and confirmed through the parent's own mfa. */
    async function enrolled(): Promise<{ prefix: string; mfa: Mfa; outbox: OutboxSender }> {
      const prefix = `cross${++n}_`;
      await migrate(own().db, { tablePrefix: prefix });
      const outbox = outboxSender();
      const mfa = createMfa({ stores: kyselyStores(own().db, { tablePrefix: prefix }), senders: { sms: outbox }, secret: SECRET, appName: 'Acme' });
      expect((await mfa.enrollSms(USER, PHONE)).ok).toBe(true);
      expect((await mfa.confirmEnrollment(USER, outbox.last()?.code ?? '')).ok).toBe(true);
      return { prefix, mfa, outbox };
    }

    const round = (prefix: string, calls: readonly Call[]) => runRound(workers, prefix, USER, calls, 60_000);

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

    it('200 wrong verify across the workers → exactly 4 tries counted, the code dead, 4 failures', async () => {
      const { prefix, mfa, outbox } = await enrolled();
      expect((await mfa.startChallenge(USER)).ok).toBe(true);
      const code = outbox.last()?.code ?? '';
      const { outcomes } = await round(prefix, many(200, { op: 'verify', code: wrong(code) }));
      expect(tally(outcomes)).toEqual({ code_mismatch: 3, code_exhausted: 197 });
      const counted = outcomes.filter((o) => o.ok === false && o.failuresLeft !== undefined);
      expect(counted.map((o) => (o.ok === false ? o.failuresLeft : -1)).sort()).toEqual([4, 5, 6, 7]);
      const status = await mfa.getStatus(USER);
      expect([status.failures, status.consecutiveFailures, status.locked]).toEqual([4, 4, false]);
      expect(status.pending).toMatchObject({ state: 'exhausted', attemptsLeft: 0 });
      expect(await mfa.verify(USER, code)).toEqual({ ok: false, error: 'code_exhausted', attemptsLeft: 0 });
    });

    it('100 right-code verify across the workers → exactly 1 success', async () => {
      const { prefix, mfa } = await enrolled();
      const started = await round(prefix, many(4, { op: 'startChallenge' }));
      expect(tally(started.outcomes)).toEqual({ ok: 1, resend_cooldown: 3 });
      const code = started.sent[0]?.code ?? '';
      expect(code).toMatch(/^\d{6}$/);
      const { outcomes } = await round(prefix, many(100, { op: 'verify', code }));
      expect(tally(outcomes)).toEqual({ ok: 1, no_pending_code: 99 });
      const status = await mfa.getStatus(USER);
      expect([status.failures, status.consecutiveFailures, status.pending]).toEqual([0, 0, undefined]);
      expect(status.factors[0]?.lastUsedAt).toBeTypeOf('number');
    });
  });

  it('a kill of the server mid-burst: every call answered as done is there after the restart; the others rejected with store_failed', async () => {
    const prefix = 'crash_';
    await migrate(own().db, { tablePrefix: prefix });
    const writer = postgresKysely(own().server, 30);
    const stores = kyselyStores(writer, { tablePrefix: prefix });
    const outbox = outboxSender();
    const mfa = createMfa({ stores, senders: { sms: outbox }, secret: SECRET, appName: 'Acme' });
    const users = Array.from({ length: 400 }, (_, i) => `crash-${i}`);
    for (const userId of users) {
      await stores.factors.putFactor({ id: `f_${userId}`, userId, channel: 'totp', status: 'active', createdAt: 1 });
    }
    // Each user gets an SMS factor to start a challenge on (a different number each, so no budget is shared).
    const phoneOf = (i: number): string => `+1415555${String(2000 + i).padStart(4, '0')}`;
    for (const [i, userId] of users.entries()) {
      await stores.factors.putFactor({ id: `s_${userId}`, userId, channel: 'sms', status: 'active', phone: phoneOf(i), createdAt: 2 });
      await stores.factors.setPreferred(userId, `s_${userId}`);
    }
    const done: { kind: 'write' | 'commit' | 'start'; key: string; version?: number | null }[] = [];
    const errors: unknown[] = [];
    let killed = false;
    let kill: Promise<void> | undefined;
    let next = 0;
    /** Records a call answered as done; the 300th kills the server (SIGKILL goes out at once, with 24 calls in flight). */
    const answered = (d: (typeof done)[number]): void => {
      done.push(d);
      if (done.length === 300) {
        killed = true;
        kill = own().server.kill();
      }
    };
    const burst = async (): Promise<void> => {
      while (next < users.length * 3) {
        const i = next++;
        const userId = users[Math.floor(i / 3)] ?? '';
        const kind = (['write', 'commit', 'start'] as const)[i % 3] ?? 'write';
        try {
          if (kind === 'write') {
            if (await stores.state.write(`w:${i}`, `v${i}`, null, 600_000)) answered({ kind, key: `w:${i}` });
          } else if (kind === 'commit') {
            const r = await stores.combined.commit(
              [
                { key: `c:${i}:a`, value: `a${i}`, expectedVersion: null, ttlMs: 600_000 },
                { key: `c:${i}:b`, value: `b${i}`, expectedVersion: null, ttlMs: 600_000 },
              ],
              { userId, factorId: `f_${userId}`, at: 1_000 + i },
            );
            if (r.ok) answered({ kind, key: `c:${i}`, version: r.versions[0] ?? null });
          } else if ((await mfa.startChallenge(userId)).ok) {
            answered({ kind, key: userId });
          }
        } catch (err) {
          errors.push(err);
          if (!killed) throw err; // before the kill nothing may fail
        }
      }
    };
    await Promise.all(Array.from({ length: 24 }, () => burst()));
    await kill;
    expect(killed).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    for (const err of errors) {
      expect(err).toBeInstanceOf(MfaError);
      expect((err as MfaError).code).toBe('store_failed');
    }
    await own().server.restart();
    await writer.destroy().catch(() => undefined);

    const after = kyselyStores(own().db, { tablePrefix: prefix });
    const check = createMfa({ stores: after, senders: { sms: outboxSender() }, secret: SECRET, appName: 'Acme' });
    const missing: string[] = [];
    const readAfter = async (key: string) => {
      // The parent's pool still holds connections to the killed server: the first calls may fail.
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await after.state.read(key);
        } catch (err) {
          if (attempt > 20) throw err;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    for (const d of done) {
      if (d.kind === 'write') {
        if ((await readAfter(d.key))?.value === undefined) missing.push(d.key);
      } else if (d.kind === 'commit') {
        const a = await readAfter(`${d.key}:a`);
        const b = await readAfter(`${d.key}:b`);
        if (a?.version !== d.version || b === null) missing.push(d.key);
        const userId = users[Math.floor(Number(d.key.split(':')[1]) / 3)] ?? '';
        const f = await after.factors.getFactor(userId, `f_${userId}`);
        if (f?.lastUsedAt === undefined) missing.push(`${d.key} touch`);
      } else {
        const status = await check.getStatus(d.key);
        if (status.pending === undefined) missing.push(d.key);
      }
    }
    for (const kind of ['write', 'commit', 'start']) expect(done.filter((d) => d.kind === kind).length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
