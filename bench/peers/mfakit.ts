/**
 * mfakit in the side-by-side section, wired as users wire it: `memoryStores()`, or
 * `redisStores(ioredisClient)` on the same Redis as the peers. A fake clock moves 6 min
 * between rounds, so the 30 s cooldown and the 10/h budgets never refuse a user's next cycle.
 */
import { Redis } from 'ioredis';
import { benchClock, captureSender, expectOk, makeMfa, ROUND_GAP_MS, seedUsers, type User, wrongCode } from '../lib/fixture.js';
import type { Library } from '../lib/mfakit.js';
import type { PeerRules, PeerSystem } from './types.js';
import { versionOf } from './versions.js';

const min = (ms: number) => `${ms / 60_000} min`;

export const mfakitRules = (DEFAULTS: Library['DEFAULTS']): PeerRules => ({
  codeExpiry: `${min(DEFAULTS.codeTtlMs)} (default)`,
  triesPerCode: `${DEFAULTS.maxTries} (default), counted by compare-and-set before the answer`,
  lockout: `${DEFAULTS.maxFailures} consecutive failures → locked ${min(DEFAULTS.lockMs)} (default)`,
  cooldown: `${DEFAULTS.cooldownMs / 1000} s between sends (default)`,
  sendBudget: `${DEFAULTS.sendsPerUser} per hour per user and ${DEFAULTS.sendsPerDestination} per hour per number (default)`,
  codeStorage: 'HMAC-SHA-256 with the challenge id',
});

export async function mfakitPeer(lib: Library, opts: { url: string | null; users: number }): Promise<PeerSystem> {
  const io = opts.url ? new Redis(opts.url, { maxRetriesPerRequest: 1 }) : null;
  const clock = benchClock();
  const sender = captureSender();
  const stores = io ? lib.redisStores(io, { keyPrefix: `mfakit-bench:${process.pid}:peers:` }) : lib.memoryStores({ clock, maxKeys: opts.users * 4 + 1000 });
  const mfa = makeMfa(lib, stores, clock, sender);
  const users = await seedUsers(stores.factors, 'pm', opts.users, clock.now());
  const at = (i: number): User => {
    const u = users[i];
    if (!u) throw new Error(`mfakit peer: no user ${i}`);
    return u;
  };
  let wrongUsers = 0;
  return {
    name: io ? 'mfakitRedis' : 'mfakitMemory',
    label: io ? 'mfakit, redisStores(ioredis)' : 'mfakit, memoryStores()',
    versions: { mfakit: `${lib.version} (${lib.src})`, ...(io ? { ioredis: versionOf('ioredis') } : {}) },
    rules: mfakitRules(lib.DEFAULTS),
    redis: io,
    async prepareRound(count) {
      if (count > users.length) throw new Error(`mfakit peer: ${count} users asked, ${users.length} seeded`);
      clock.advance(ROUND_GAP_MS);
      return 0;
    },
    async start(i) {
      expectOk(await mfa.startChallenge(at(i).id), 'startChallenge');
    },
    async verify(i) {
      const u = at(i);
      const code = sender.codes.get(u.phone);
      if (code === undefined) throw new Error(`mfakit peer: no code sent to ${u.id}`);
      expectOk(await mfa.verify(u.id, code), 'verify');
    },
    async wrongCodes(requests) {
      const [u] = await seedUsers(stores.factors, `pmw${wrongUsers++}-`, 1, clock.now(), 6_000_000 + wrongUsers);
      const user = u as User;
      expectOk(await mfa.startChallenge(user.id), 'startChallenge');
      const wrong = wrongCode(sender.codes.get(user.phone) as string);
      const settled = await Promise.allSettled(Array.from({ length: requests }, () => mfa.verify(user.id, wrong)));
      const outcomes: Record<string, number> = {};
      let compared = 0;
      for (const s of settled) {
        if (s.status === 'rejected') {
          outcomes['thrown'] = (outcomes['thrown'] ?? 0) + 1;
          continue;
        }
        const r = s.value as { ok: boolean; error?: string; failuresLeft?: number };
        const key = r.ok ? 'ok' : (r.error ?? 'unknown');
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        if (r.error === 'code_mismatch' || (r.error === 'code_exhausted' && r.failuresLeft !== undefined)) compared++;
      }
      return { guessesCompared: compared, outcomes };
    },
    async close() {
      io?.disconnect();
    },
  };
}
