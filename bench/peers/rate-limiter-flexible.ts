/**
 * Peer: the flow a competent team would write with rate-limiter-flexible and ioredis, with
 * mfakit's default rules: a 6-digit `crypto.randomInt` code kept as an HMAC for 10 min,
 * 4 tries per code, lockout after 8 consecutive failures for 20 min, a 30 s cooldown between
 * sends, 10 sends per hour per user and per number. Two orders of verify:
 *
 * - **count first**: the try is taken (`tries.consume`, atomic) before the code is read and
 *   compared, so at most 4 guesses per code are ever compared;
 * - **compare first**: the remaining tries are read, the code compared, and a wrong guess
 *   counted afterwards — the check-then-act that lets concurrent guesses through.
 *
 * Each cycle uses fresh users (Redis TTLs run on real time, so a user's 30 s cooldown would
 * otherwise refuse the next round).
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { phoneOf, SECRET } from '../lib/fixture.js';
import type { PeerRules, PeerSystem } from './types.js';
import { versionOf } from './versions.js';

export type Order = 'countFirst' | 'compareFirst';

const CODE_TTL_MS = 10 * 60_000;
const MAX_TRIES = 4;
const MAX_FAILURES = 8;

export const rlfRules = (order: Order): PeerRules => ({
  codeExpiry: '10 min (Redis PX)',
  triesPerCode: order === 'countFirst' ? '4: the try is consumed (atomic) before the code is read and compared' : '4, read before the comparison and consumed after a wrong one (check, then count)',
  lockout: '8 consecutive failures → blocked 20 min (RateLimiterRedis points 7 + blockDuration; reset on success)',
  cooldown: '30 s between sends per user (RateLimiterRedis points 1, 30 s)',
  sendBudget: '10 per hour per user and 10 per hour per number (two RateLimiterRedis)',
  codeStorage: 'HMAC-SHA-256 of user id and code, compared with timingSafeEqual',
});

class Refused extends Error {}

export async function rateLimiterFlexiblePeer(opts: { url: string; order: Order; tag: string }): Promise<PeerSystem> {
  const io = new Redis(opts.url, { maxRetriesPerRequest: 1 });
  const ns = `mfakit-bench:${process.pid}:rlf:${opts.tag}:`;
  const limiter = (name: string, points: number, duration: number, blockDuration = 0) =>
    new RateLimiterRedis({ storeClient: io, keyPrefix: `${ns}${name}`, points, duration, blockDuration });
  const lock = limiter('lock', MAX_FAILURES - 1, 24 * 3600, 20 * 60);
  const tries = limiter('tries', MAX_TRIES, CODE_TTL_MS / 1000);
  const cooldown = limiter('cd', 1, 30);
  const sendsUser = limiter('su', 10, 3600);
  const sendsNumber = limiter('sn', 10, 3600);
  const otpKey = (user: string) => `${ns}otp:${user}`;
  const mac = (user: string, code: string) => createHmac('sha256', SECRET).update(`${user.length}:${user}|${code}`).digest();
  /** Rate-limiter-flexible rejects with a RateLimiterRes when a limit is hit, with an Error on a fault. */
  const consume = async (l: RateLimiterRedis, key: string, what: string) => {
    try {
      await l.consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw new Refused(what);
      throw e;
    }
  };
  const locked = async (user: string) => {
    const r = await lock.get(user);
    return r !== null && r.consumedPoints > lock.points;
  };

  let compared = 0;
  const codes = new Map<string, string>();

  async function start(user: string, phone: string): Promise<void> {
    if (await locked(user)) throw new Refused('locked');
    await consume(cooldown, user, 'cooldown');
    await Promise.all([consume(sendsUser, user, 'budget'), consume(sendsNumber, phone, 'budget')]);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await Promise.all([io.set(otpKey(user), mac(user, code).toString('base64'), 'PX', CODE_TTL_MS), tries.delete(user)]);
    codes.set(user, code); // "sent"
  }

  const matches = (user: string, stored: string, code: string) => {
    compared++;
    return timingSafeEqual(Buffer.from(stored, 'base64'), mac(user, code));
  };
  const succeed = async (user: string) => {
    await Promise.all([io.del(otpKey(user)), tries.delete(user), lock.delete(user)]);
  };

  async function verify(user: string, code: string): Promise<boolean> {
    if (await locked(user)) throw new Refused('locked');
    if (opts.order === 'countFirst') {
      await consume(tries, user, 'too_many_tries');
      const stored = await io.get(otpKey(user));
      if (stored === null) throw new Refused('expired');
      if (matches(user, stored, code)) {
        await succeed(user);
        return true;
      }
      await lock.consume(user).catch((e: unknown) => {
        if (!(e instanceof RateLimiterRes)) throw e;
      });
      return false;
    }
    const [stored, t] = await Promise.all([io.get(otpKey(user)), tries.get(user)]);
    if (t !== null && t.consumedPoints >= MAX_TRIES) throw new Refused('too_many_tries');
    if (stored === null) throw new Refused('expired');
    if (matches(user, stored, code)) {
      await succeed(user);
      return true;
    }
    await Promise.all([
      tries.consume(user).catch((e: unknown) => {
        if (!(e instanceof RateLimiterRes)) throw e;
      }),
      lock.consume(user).catch((e: unknown) => {
        if (!(e instanceof RateLimiterRes)) throw e;
      }),
    ]);
    return false;
  }

  let gen = 0;
  let round: { id: string; phone: string }[] = [];
  const at = (i: number) => {
    const u = round[i];
    if (!u) throw new Error(`rlf: no user ${i}`);
    return u;
  };
  const name = opts.order === 'countFirst' ? 'rateLimiterFlexibleCountFirst' : 'rateLimiterFlexibleCompareFirst';
  return {
    name,
    label: `rate-limiter-flexible + ioredis, hand-rolled (${opts.order === 'countFirst' ? 'count the try first' : 'compare first'})`,
    versions: { 'rate-limiter-flexible': versionOf('rate-limiter-flexible'), ioredis: versionOf('ioredis') },
    rules: rlfRules(opts.order),
    redis: io,
    async prepareRound(count) {
      gen++;
      round = Array.from({ length: count }, (_, i) => ({ id: `${opts.tag}${gen}-${i}`, phone: phoneOf(gen * 100_000 + i) }));
      return 0;
    },
    async start(i) {
      const u = at(i);
      await start(u.id, u.phone);
    },
    async verify(i) {
      const u = at(i);
      const code = codes.get(u.id);
      if (code === undefined) throw new Error(`rlf: no code sent to ${u.id}`);
      codes.delete(u.id);
      if (!(await verify(u.id, code))) throw new Error(`rlf: the right code was refused for ${u.id}`);
    },
    async wrongCodes(requests) {
      gen++;
      const user = `${opts.tag}wrong${gen}`;
      await start(user, phoneOf(6_900_000 + gen));
      const code = codes.get(user) as string;
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const before = compared;
      const settled = await Promise.allSettled(Array.from({ length: requests }, () => verify(user, wrong)));
      const outcomes: Record<string, number> = {};
      for (const s of settled) {
        const key = s.status === 'fulfilled' ? (s.value ? 'ok' : 'code_mismatch') : s.reason instanceof Refused ? s.reason.message : `error: ${String(s.reason)}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      return { guessesCompared: compared - before, outcomes };
    },
    async close() {
      io.disconnect();
    },
  };
}
