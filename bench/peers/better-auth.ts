/**
 * Peer: better-auth's two-factor plugin, OTP method (`/two-factor/send-otp` and
 * `/two-factor/verify-otp`), called in process through `auth.api` as a server's own
 * handler would. Users sign up and enable two-factor once (not timed); each cycle is
 * preceded by the email + password sign-in that issues the two-factor cookie, timed apart
 * (scrypt, as configured by default): the cycle is the OTP send + verify only.
 *
 * Two wirings: the memory adapter alone, and the memory adapter with the Redis secondary
 * storage (`@better-auth/redis-storage`) on the bench's Redis, where better-auth keeps its
 * verification values (the OTP, its attempt counter, the two-factor cookie's record) and
 * sessions.
 */
import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { twoFactor } from 'better-auth/plugins/two-factor';
import { redisStorage } from '@better-auth/redis-storage';
import { SECRET } from '../lib/fixture.js';
import type { PeerRules, PeerSystem } from './types.js';
import { versionOf } from './versions.js';


const PASSWORD = 'correct horse battery staple 42';

export const BETTER_AUTH_RULES: PeerRules = {
  codeExpiry: '3 min (otpOptions.period default)',
  triesPerCode: '5 (otpOptions.allowedAttempts default); the code record is taken out while a guess is checked, so concurrent guesses are told "expired"',
  lockout: 'accountLockout default: 10 failed verifications → 15 min, for users with a twoFactor row (enabled here with the default enableTwoFactor, TOTP + OTP); an OTP-only enrollment (method "otp") has no row and no lockout',
  cooldown: 'none: every send-otp replaces the code',
  sendBudget: 'none in the plugin; its HTTP rate limit (3 per 10 s per client IP on /two-factor/*) applies to auth.handler requests, not to these auth.api calls, and counts per IP, not per user or number',
  codeStorage: 'plain text (otpOptions.storeOTP default "plain")',
  notes: 'each cycle needs an email + password sign-in first (it issues the two-factor cookie, 10 min); it is timed apart and uses a cheap bench hasher (HMAC-SHA-256) instead of the default scrypt, so it is not a better-auth figure',
};

type Auth = ReturnType<typeof makeAuth>;

function makeAuth(codes: Map<string, string>, io: Redis | null, prefix: string) {
  const db: Record<string, unknown[]> = { user: [], session: [], account: [], verification: [], twoFactor: [] };
  return betterAuth({
    database: memoryAdapter(db),
    secret: SECRET,
    baseURL: 'http://localhost:3000',
    telemetry: { enabled: false },
    logger: { disabled: true },
    // The password step is not part of the measured cycle: a cheap hasher keeps the bench's
    // sign-ins from dominating its run time (better-auth's default is scrypt).
    emailAndPassword: {
      enabled: true,
      password: {
        hash: async (password: string) => createHmac('sha256', SECRET).update(password).digest('hex'),
        verify: async ({ hash, password }: { hash: string; password: string }) => createHmac('sha256', SECRET).update(password).digest('hex') === hash,
      },
    },
    ...(io ? { secondaryStorage: redisStorage({ client: io, keyPrefix: prefix }) } : {}),
    plugins: [
      twoFactor({
        skipVerificationOnEnable: true,
        otpOptions: {
          sendOTP: ({ user, otp }) => {
            codes.set(user.id, otp);
          },
        },
      }),
    ],
  });
}

const cookieHeader = (h: Headers): string =>
  h
    .getSetCookie()
    .map((c) => c.split(';')[0] as string)
    .filter((c) => !c.endsWith('='))
    .join('; ');

interface BaUser {
  readonly id: string;
  readonly email: string;
  /** The two-factor cookie of the current sign-in. */
  cookie: string;
}

export async function betterAuthPeer(opts: { url: string | null; users: number; tag: string }): Promise<PeerSystem> {
  const io = opts.url ? new Redis(opts.url, { maxRetriesPerRequest: 1 }) : null;
  const prefix = `mfakit-bench:${process.pid}:ba:`;
  const codes = new Map<string, string>();
  const auth: Auth = makeAuth(codes, io, prefix);
  const name = io ? 'betterAuthRedis' : 'betterAuthMemory';

  const signUp = async (email: string): Promise<BaUser> => {
    const up = await auth.api.signUpEmail({ body: { email, password: PASSWORD, name: email }, returnHeaders: true });
    const session = cookieHeader(up.headers);
    await auth.api.enableTwoFactor({ body: { password: PASSWORD }, headers: new Headers({ cookie: session }) });
    return { id: up.response.user.id, email, cookie: '' };
  };
  const signIn = async (u: BaUser): Promise<void> => {
    const r = await auth.api.signInEmail({ body: { email: u.email, password: PASSWORD }, returnHeaders: true });
    if (!(r.response as { twoFactorRedirect?: boolean }).twoFactorRedirect) throw new Error(`${name}: sign-in did not ask for the second factor`);
    u.cookie = cookieHeader(r.headers);
  };
  const users: BaUser[] = [];
  for (let i = 0; i < opts.users; i++) users.push(await signUp(`${opts.tag}-${i}@bench.example`));

  const at = (i: number): BaUser => {
    const u = users[i];
    if (!u) throw new Error(`${name}: no user ${i} (prepared ${users.length})`);
    return u;
  };
  const send = async (u: BaUser) => {
    await auth.api.sendTwoFactorOTP({ headers: new Headers({ cookie: u.cookie }) });
  };
  const check = async (u: BaUser, code: string) => auth.api.verifyTwoFactorOTP({ body: { code }, headers: new Headers({ cookie: u.cookie }) });

  return {
    name,
    label: io ? 'better-auth two-factor + Redis secondary storage' : 'better-auth two-factor (memory adapter)',
    versions: { 'better-auth': versionOf('better-auth'), ...(io ? { '@better-auth/redis-storage': versionOf('@better-auth/redis-storage'), ioredis: versionOf('ioredis') } : {}) },
    rules: BETTER_AUTH_RULES,
    redis: io,
    async prepareRound(count) {
      if (count > users.length) throw new Error(`${name}: ${count} users asked, ${users.length} prepared`);
      const t0 = performance.now();
      // The password step, 64 at a time.
      let next = 0;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          for (let i = next++; i < count; i = next++) await signIn(at(i));
        }),
      );
      return performance.now() - t0;
    },
    async start(i) {
      await send(at(i));
    },
    async verify(i) {
      const u = at(i);
      const code = codes.get(u.id);
      if (code === undefined) throw new Error(`${name}: no code sent to ${u.email}`);
      await check(u, code);
    },
    async wrongCodes(requests) {
      const u = await signUp(`${opts.tag}-wrong@bench.example`);
      await signIn(u);
      await send(u);
      const code = codes.get(u.id) as string;
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const settled = await Promise.allSettled(Array.from({ length: requests }, () => check(u, wrong)));
      const outcomes: Record<string, number> = {};
      for (const s of settled) {
        const key = s.status === 'fulfilled' ? 'ok' : ((s.reason as { body?: { code?: string } }).body?.code ?? String(s.reason));
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
      // A guess was compared only when better-auth answered that the code was wrong.
      return { guessesCompared: outcomes['INVALID_CODE'] ?? 0, outcomes };
    },
    async close() {
      io?.disconnect();
    },
  };
}
