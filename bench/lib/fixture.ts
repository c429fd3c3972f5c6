/** What every section needs: a code-capturing sender, counting wrappers, seeded users. */
import type { Factor, FactorStore, SmsMessage, SmsSender, StateStore, Stores } from '../../src/index.js';
import type { Mfa } from 'mfakit';
import type { FakeClock } from '../../src/testing/clock.js';
import type { Library } from './mfakit.js';

/** A fixed bench secret (≥ 32 characters, like a real one). */
export const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';

/** Moves the fake clock past the cooldown and spreads sends so no budget is hit (10/h → one per 6 min). */
export const ROUND_GAP_MS = 6 * 60_000 + 1;

/** A clock that moves only when told to (same contract as `fakeClock` from mfakit/testing). */
export function benchClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}

/** A sender that keeps only the last code per number (no growing outbox, no I/O). */
export interface CaptureSender extends SmsSender {
  readonly codes: Map<string, string>;
  sent: number;
}

const CODE = /(?<!\d)\d{6}(?!\d)/;

export function captureSender(): CaptureSender {
  const s: CaptureSender = {
    name: 'bench',
    codes: new Map(),
    sent: 0,
    async send(message: SmsMessage) {
      const code = CODE.exec(message.body)?.[0];
      if (code === undefined) throw new Error('bench sender: no code in the message');
      s.codes.set(message.to, code);
      s.sent++;
      return { id: `b${s.sent}` };
    },
  };
  return s;
}

/** A StateStore wrapper counting reads, writes and lost compare-and-set writes (retries). */
export interface CountingState extends StateStore {
  reads: number;
  writes: number;
  failedWrites: number;
}

export function countingState(inner: StateStore): CountingState {
  const s: CountingState = {
    reads: 0,
    writes: 0,
    failedWrites: 0,
    async read(key) {
      s.reads++;
      return inner.read(key);
    },
    async write(key, value, expected, ttl) {
      s.writes++;
      const ok = await inner.write(key, value, expected, ttl);
      if (!ok) s.failedWrites++;
      return ok;
    },
  };
  return s;
}

/**
 * The stores as `redisStores(client)` / `memoryStores()` return them (the production wiring,
 * `combined` fast paths included), with counters: state reads (`read` + `loadUser`), writes
 * (`write` + `commit`) and lost compare-and-sets (a `write` that returned false or a
 * `commit` that answered `ok: false`). Every call is passed through unchanged.
 */
export interface CountingStores extends Stores {
  readonly counts: { reads: number; writes: number; failedWrites: number };
}

export function countingStores(inner: Stores): CountingStores {
  const counts = { reads: 0, writes: 0, failedWrites: 0 };
  const state: StateStore = {
    async read(key) {
      counts.reads++;
      return inner.state.read(key);
    },
    async write(key, value, expected, ttl) {
      counts.writes++;
      const ok = await inner.state.write(key, value, expected, ttl);
      if (!ok) counts.failedWrites++;
      return ok;
    },
  };
  const c = inner.combined;
  const combined: Stores['combined'] = c && {
    multiKey: c.multiKey,
    async loadUser(userId, stateKey) {
      counts.reads++;
      return c.loadUser(userId, stateKey);
    },
    async commit(writes, touch) {
      counts.writes++;
      const r = await c.commit(writes, touch);
      if (!r.ok) counts.failedWrites++;
      return r;
    },
  };
  return { factors: inner.factors, state, ...(combined ? { combined } : {}), counts };
}

/** A wrong code for `code` (same length, all digits). */
export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0');
}

export function phoneOf(i: number): string {
  return `+1415${String(2_000_000 + (i % 7_000_000))}`;
}

export interface User {
  readonly id: string;
  readonly phone: string;
}

/** Writes one active SMS factor per user straight into the factor store (no enrollment cost). */
export async function seedUsers(factors: FactorStore, prefix: string, count: number, now: number, phoneOffset = 0, concurrency = 64): Promise<User[]> {
  const users: User[] = Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, phone: phoneOf(phoneOffset + i) }));
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const u = users[i];
      if (u === undefined) return;
      const factor: Factor = { id: `f_${u.id}`, userId: u.id, channel: 'sms', status: 'active', phone: u.phone, createdAt: now, activatedAt: now };
      await factors.putFactor(factor);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return users;
}

export function makeMfa(lib: Library, stores: Stores, clock: FakeClock, sender: SmsSender): Mfa {
  // The bench's users have consecutive numbers of one range: exactly what the prefix budget
  // (SMS pumping, on by default) refuses past 100 sends an hour. Off here; with it on, a send
  // costs one more compare-and-set (one EVALSHA on Redis).
  return lib.createMfa({ stores, clock, secret: SECRET, appName: 'Bench', senders: { sms: sender }, sending: { perPrefix: false } });
}

/** Fails loudly: a broken library must not produce a throughput number. */
export function expectOk(res: { ok: boolean; error?: string }, what: string): void {
  if (!res.ok) throw new Error(`${what} failed: ${res.error ?? 'unknown'}`);
}

/** One start → verify with the delivered code. */
export async function cycle(mfa: Mfa, sender: CaptureSender, user: User): Promise<void> {
  expectOk(await mfa.startChallenge(user.id), `startChallenge(${user.id})`);
  const code = sender.codes.get(user.phone);
  if (code === undefined) throw new Error(`no code was sent to ${user.id}`);
  expectOk(await mfa.verify(user.id, code), `verify(${user.id})`);
}
