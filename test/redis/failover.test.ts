/**
 * Redis going away under mfakit: calls fail closed (reject with MfaError 'store_failed',
 * never ok:true, never an SMS), and once Redis is back the counters are as they were.
 * Uses its own redis-server with AOF (`appendfsync always`), so a SIGKILL loses nothing
 * acknowledged and a restart brings the same data back.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStores, type RedisClientLike } from '../../src/adapters/redis/index.js';
import { MfaError } from 'mfakit';
import { createMfa, type Mfa } from 'mfakit';
import type { Stores } from '../../src/ports/factor-store.js';
import { fakeClock, type FakeClock } from '../../src/testing/clock.js';
import { outboxSender, type OutboxSender } from '../../src/testing/outbox.js';
import { canSpawnRedis, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { eventually } from '../helpers/eventually.js';
import { PHONE, SECRET, wrong } from '../helpers/setup.js';

const spawnable = canSpawnRedis();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Conn {
  readonly client: RedisClientLike;
  close(): Promise<void>;
}

/** Clients set up to fail fast while disconnected, and to reconnect quickly. */
const kits: { name: string; open(url: string): Promise<Conn> }[] = [
  {
    name: 'ioredis',
    async open(url) {
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: (times) => Math.min(times * 50, 300),
      });
      client.on('error', () => undefined);
      await client.connect();
      return {
        client,
        close: async () => {
          await client.quit().catch(() => undefined);
          client.disconnect();
        },
      };
    },
  },
  {
    name: 'node-redis',
    async open(url) {
      const client = createClient({
        url,
        disableOfflineQueue: true,
        socket: { reconnectStrategy: (retries) => Math.min(retries * 50, 300) },
      });
      client.on('error', () => undefined);
      await client.connect();
      return {
        client,
        close: async () => {
          if (client.isOpen) await client.close().catch(() => undefined);
          if (client.isOpen) client.destroy();
        },
      };
    },
  },
];


/** Resolves to the MfaError code a call rejected with; fails the test if it resolved. */
async function failsClosed(call: Promise<unknown>): Promise<string> {
  const started = Date.now();
  const outcome = await call.then(
    (value) => ({ resolved: value }),
    (err: unknown) => ({ rejected: err }),
  );
  if ('resolved' in outcome) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.rejected).toBeInstanceOf(MfaError);
  expect(Date.now() - started).toBeLessThan(3_000); // fails fast, does not hang
  return (outcome.rejected as MfaError).code;
}

describe.skipIf(!spawnable)('failover: Redis killed, connection dropped', () => {
  let server: RedisServer | undefined;
  const own = (): RedisServer => {
    if (server === undefined) throw new Error('server not started');
    return server;
  };

  beforeAll(async () => {
    server = await startRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
  });
  afterAll(async () => {
    await server?.stop();
  });

  for (const kit of kits) {
    describe(kit.name, () => {
      let conn: Conn | undefined;
      let n = 0;
      beforeAll(async () => {
        conn = await kit.open(own().url);
      });
      afterAll(async () => {
        await conn?.close();
      });

      /** A user with a live sign-in code and 2 wrong entries recorded. */
      async function twoFailures(wrap: (s: Stores) => Stores = (s) => s) {
        if (conn === undefined) throw new Error('not connected');
        const clock: FakeClock = fakeClock(Date.now());
        const outbox = outboxSender();
        const stores = wrap(redisStores(conn.client, { keyPrefix: `${kit.name}:`, commandTimeoutMs: 1_000 }));
        const mfa: Mfa = createMfa({ stores, senders: { sms: outbox }, secret: SECRET, appName: 'Acme', clock });
        const events: string[] = [];
        mfa.on('code.sent', () => events.push('code.sent'));
        mfa.on('verification.succeeded', () => events.push('verification.succeeded'));
        const user = `u${++n}`;
        expect((await mfa.enrollSms(user, PHONE)).ok).toBe(true);
        expect((await mfa.confirmEnrollment(user, outbox.last()?.code ?? '')).ok).toBe(true);
        clock.advance(30_000);
        expect((await mfa.startChallenge(user)).ok).toBe(true);
        const code = outbox.last()?.code ?? '';
        expect((await mfa.verify(user, wrong(code))).ok).toBe(false);
        expect((await mfa.verify(user, wrong(code))).ok).toBe(false);
        const before = await mfa.getStatus(user);
        expect([before.failures, before.pending?.attemptsLeft]).toEqual([2, 2]);
        events.length = 0;
        return { mfa, outbox, clock, user, code, before, events };
      }

      const counters = (s: Awaited<ReturnType<Mfa['getStatus']>>) => ({
        locked: s.locked,
        failures: s.failures,
        consecutiveFailures: s.consecutiveFailures,
        attemptsLeft: s.pending?.attemptsLeft,
        sendsLeft: s.sendsLeft,
      });

      it('Redis killed: every call fails closed; restarted: counters as they were, the live code verifies', async () => {
        const { mfa, outbox, clock, user, code, before, events } = await twoFailures();
        const sent = outbox.messages.length;
        await own().kill();
        clock.advance(30_000); // a send would be allowed now, were Redis up
        const codes = [
          await failsClosed(mfa.verify(user, code)),
          await failsClosed(mfa.verify(user, wrong(code))),
          await failsClosed(mfa.startChallenge(user)),
          await failsClosed(mfa.resend(user)),
          await failsClosed(mfa.enrollSms('someone-else', '+14155552672')),
          await failsClosed(mfa.requiresMfa(user)),
          await failsClosed(mfa.getStatus(user)),
          await failsClosed(mfa.unlock(user)),
        ];
        expect(new Set(codes)).toEqual(new Set(['store_failed']));
        expect(outbox.messages.length).toBe(sent);
        expect(events).toEqual([]);

        await own().restart();
        const after = await eventually(() => mfa.getStatus(user));
        expect(counters(after)).toEqual(counters(before));
        expect((await mfa.verify(user, code)).ok).toBe(true);
        expect(events).toEqual(['verification.succeeded']);
      });

      it('Redis killed in the middle of a send, after the state commit: no SMS; counters intact after restart', async () => {
        let armed = false;
        const { mfa, outbox, clock, user, before } = await twoFailures((s) => ({
          factors: s.factors,
          state: {
            read: (key) => s.state.read(key),
            async write(key, value, expected, ttl) {
              const ok = await s.state.write(key, value, expected, ttl);
              if (armed) {
                armed = false;
                await own().kill(); // the user's state is committed; the rest of the send is not
              }
              return ok;
            },
          },
        }));
        const sent = outbox.messages.length;
        clock.advance(30_000);
        armed = true;
        expect(await failsClosed(mfa.startChallenge(user))).toBe('store_failed');
        expect(outbox.messages.length).toBe(sent);

        await own().restart();
        const after = await eventually(() => mfa.getStatus(user));
        // The committed issue stands (cooldown and budget used, a code nobody received is
        // pending), but not one failure was lost or added.
        expect(counters(after)).toEqual({ ...counters(before), attemptsLeft: 4, sendsLeft: before.sendsLeft - 1 });
        clock.advance(30_000);
        expect((await mfa.resend(user)).ok).toBe(true);
        expect((await mfa.verify(user, outbox.last()?.code ?? '')).ok).toBe(true);
      });

      it('connection dropped (CLIENT KILL): nothing is lost, the client reconnects, the live code verifies', async () => {
        const { mfa, user, code, before } = await twoFailures();
        const admin = new Redis(own().url, { maxRetriesPerRequest: 1 });
        try {
          const killed = await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
          expect(Number(killed)).toBeGreaterThanOrEqual(1);
          // While the client reconnects, a call either fails closed or works; it never half-works.
          const during = await mfa.verify(user, wrong(code)).then(
            (r) => (r.ok ? 'ok' : r.error),
            (err: unknown) => (err instanceof MfaError ? err.code : 'other'),
          );
          expect(['store_failed', 'code_mismatch']).toContain(during);
          const after = await eventually(() => mfa.getStatus(user));
          const counted = during === 'code_mismatch' ? 1 : 0;
          expect(counters(after)).toEqual({
            ...counters(before),
            failures: before.failures + counted,
            consecutiveFailures: before.consecutiveFailures + counted,
            attemptsLeft: (before.pending?.attemptsLeft ?? 0) - counted,
          });
          expect((await mfa.verify(user, code)).ok).toBe(true);
        } finally {
          await admin.quit().catch(() => undefined);
        }
      });
    });
  }
});
