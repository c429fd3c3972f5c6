/**
 * 50 parallel challenges for one user, one wrong guess each, on Redis: the lock at 8
 * failures holds under contention (never a 9th failure recorded), then every call is
 * refused. Cooldown 0 and large send budgets, so every challenge issues a new code and
 * only the lockout rule limits the guesses.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores, type RedisClientLike } from '../../src/adapters/redis/index.js';
import { createMfa, type Mfa } from 'mfakit';
import { outboxSender, type OutboxSender } from '../../src/testing/outbox.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { PHONE, SECRET } from '../helpers/setup.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the parallel lockout tests');

const USER = 'u-lock';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A six-digit guess that is none of the codes sent so far, so it is surely wrong. */
function surelyWrong(outbox: OutboxSender, seed: number): string {
  const sent = new Set(outbox.messages.map((m) => m.code));
  for (let g = seed; ; g = (g + 7_919) % 1_000_000) {
    const guess = String(g).padStart(6, '0');
    if (!sent.has(guess)) return guess;
  }
}

const kinds: { name: string; open(u: string): Promise<{ client: RedisClientLike; close(): Promise<void> }> }[] = [
  {
    name: 'ioredis',
    async open(u) {
      const client = new Redis(u, { maxRetriesPerRequest: 1 });
      return { client, close: async () => void (await client.quit().catch(() => undefined)) };
    },
  },
  {
    name: 'node-redis',
    async open(u) {
      const client = await createClient({ url: u }).connect();
      return { client, close: async () => void (await client.close().catch(() => undefined)) };
    },
  },
];

for (const kind of kinds) {
  describe.skipIf(url === null)(`parallel lockout on Redis (${kind.name})`, () => {
    let conn: Awaited<ReturnType<typeof kind.open>> | undefined;
    const prefix = `mfakit-lockpar:${process.pid}:${kind.name}:`;

    beforeAll(async () => {
      conn = await kind.open(url ?? '');
    });
    afterAll(async () => {
      const cleaner = new Redis(url ?? '', { maxRetriesPerRequest: 1 });
      const keys = await cleaner.keys(`${prefix}*`);
      if (keys.length > 0) await cleaner.del(...keys);
      await cleaner.quit();
      await conn?.close();
    });

    it('50 parallel challenges with one wrong guess each → at most 8 failures recorded, then locked', async () => {
      if (!conn) throw new Error('not connected');
      const outbox = outboxSender();
      const mfa: Mfa = createMfa({
        stores: redisStores(conn.client, { keyPrefix: prefix }),
        senders: { sms: outbox },
        secret: SECRET,
        appName: 'Acme',
        sending: { cooldownMs: 0, perUser: 1_000, perDestination: 1_000 },
      });
      let locks = 0;
      mfa.on('user.locked', () => locks++);
      expect((await mfa.enrollSms(USER, PHONE)).ok).toBe(true);
      expect((await mfa.confirmEnrollment(USER, outbox.last()?.code ?? '')).ok).toBe(true);

      const flows = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          await sleep(i % 10); // spread the flows a little so challenges and guesses interleave
          const challenge = await mfa.startChallenge(USER);
          const guess = await mfa.verify(USER, surelyWrong(outbox, 123_457 * (i + 1)));
          return { challenge, guess };
        }),
      );
      let status = await mfa.getStatus(USER);
      // consecutiveFailures counts every wrong entry recorded since the enrollment succeeded.
      const recorded = status.consecutiveFailures;
      console.log(`[${kind.name}] 50 parallel guesses: ${recorded} recorded, locked: ${status.locked}`);
      expect(recorded).toBeLessThanOrEqual(8);
      expect(flows.every((f) => !f.guess.ok)).toBe(true);
      // With cooldown 0 and budgets of 1 000, the only reason to refuse a challenge is the lock.
      for (const f of flows) expect(f.challenge.ok ? 'ok' : f.challenge.error).toMatch(/^(ok|locked_out)$/);
      if (status.locked) expect(recorded).toBe(8);

      // Whatever the interleaving left, further wrong entries lock the user at exactly 8.
      for (let i = 0; !status.locked && i < 8; i += 1) {
        expect((await mfa.startChallenge(USER)).ok).toBe(true);
        await mfa.verify(USER, surelyWrong(outbox, 42 + i));
        status = await mfa.getStatus(USER);
      }
      expect(status.locked).toBe(true);
      expect(status.consecutiveFailures).toBe(8);
      expect(locks).toBe(1);

      // Locked: every later call is refused, sends included, and nothing more is recorded.
      const sentBefore = outbox.messages.length;
      const later = await Promise.all([
        ...Array.from({ length: 10 }, () => mfa.verify(USER, '123456')),
        ...Array.from({ length: 10 }, () => mfa.startChallenge(USER)),
        ...Array.from({ length: 10 }, () => mfa.resend(USER)),
      ]);
      expect(later.map((r) => (r.ok ? 'ok' : r.error))).toEqual(Array(30).fill('locked_out'));
      for (const r of later) expect('retryAfterMs' in r ? r.retryAfterMs : 0).toBeGreaterThan(0);
      expect(outbox.messages.length).toBe(sentBefore);
      expect((await mfa.getStatus(USER)).consecutiveFailures).toBe(8);
    });
  });
}
