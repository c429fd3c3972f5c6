/**
 * The bare plain-JS floor: a start+verify cycle with the same work mfakit's cycle cannot
 * avoid — the same 3 HMAC-SHA-256 (code hash at issue, the number's budget key, the
 * comparison at verify), the same randomness (`crypto.randomInt` code, a 16-byte random
 * challenge id) and the same rules (code expiry, tries per code, lockout after consecutive
 * failures, send cooldown, sends per user and per number in a window) — kept in plain
 * `Map`s of plain objects, with no validation, events, results, store interface or JSON. Its
 * code reaches the test through the same capture sender the memory section gives mfakit (a
 * message with a plain template text), so the bench's own sender — a regular expression and
 * a `Map` write per message — weighs on both sides alike.
 * Beside the crypto ceiling it is the second anchor: `memory.floorRatio` = memory cycles/s ÷
 * floor cycles/s (how much the library costs above doing the rules by hand in one process).
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { captureSender, phoneOf, ROUND_GAP_MS, SECRET } from '../lib/fixture.js';

const RULES = {
  codeTtlMs: 10 * 60_000,
  maxTries: 4,
  maxFailures: 8,
  lockMs: 20 * 60_000,
  cooldownMs: 30_000,
  sendsPerUser: 10,
  sendsPerDestination: 10,
  sendWindowMs: 60 * 60_000,
};

interface UserRec {
  id: string | null;
  hash: Buffer | null;
  expiresAt: number;
  tries: number;
  failures: number;
  lockedUntil: number;
  lastSendAt: number;
  sends: number[];
}

export interface FloorResult {
  readonly users: number;
  readonly cycles: number;
  readonly cyclesPerSec: number;
  readonly rules: typeof RULES;
  /** Each slice's cycles/s, in the order run (alternated with the memory stores' slices). */
  readonly runs?: number[];
}

/** The rules the floor applies (reported beside its result). */
export const FLOOR_RULES = RULES;

const key = Buffer.from(SECRET, 'utf8');
const hmac = (input: string): Buffer => createHmac('sha256', key).update(input).digest();

const prune = (sends: number[], now: number): number[] => (sends.length && (sends[0] as number) <= now - RULES.sendWindowMs ? sends.filter((t) => t > now - RULES.sendWindowMs) : sends);

function start(users: Map<string, UserRec>, dests: Map<string, number[]>, userId: string, phone: string, now: number): string | null {
  let u = users.get(userId);
  if (u === undefined) {
    u = { id: null, hash: null, expiresAt: 0, tries: 0, failures: 0, lockedUntil: 0, lastSendAt: -Infinity, sends: [] };
    users.set(userId, u);
  }
  if (u.lockedUntil > now) return null;
  if (now - u.lastSendAt < RULES.cooldownMs) return null;
  u.sends = prune(u.sends, now);
  if (u.sends.length >= RULES.sendsPerUser) return null;
  const destKey = hmac(`dest|${phone}`).toString('base64url');
  const dest = prune(dests.get(destKey) ?? [], now);
  if (dest.length >= RULES.sendsPerDestination) return null;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = `ch_${randomBytes(16).toString('base64url')}`;
  u.id = id;
  u.hash = hmac(`${id.length}:${id}|sign_in|${code}`);
  u.expiresAt = now + RULES.codeTtlMs;
  u.tries = 0;
  u.lastSendAt = now;
  u.sends.push(now);
  dest.push(now);
  dests.set(destKey, dest);
  return code;
}

function verify(users: Map<string, UserRec>, userId: string, code: string, now: number): boolean {
  const u = users.get(userId);
  if (u === undefined || u.id === null || u.hash === null) return false;
  if (u.lockedUntil > now || u.expiresAt <= now || u.tries >= RULES.maxTries) return false;
  const ok = timingSafeEqual(hmac(`${u.id.length}:${u.id}|sign_in|${code}`), u.hash);
  if (ok) {
    u.id = null;
    u.hash = null;
    u.failures = 0;
    return true;
  }
  u.tries++;
  u.failures++;
  if (u.failures >= RULES.maxFailures) u.lockedUntil = now + RULES.lockMs;
  if (u.tries >= RULES.maxTries) u.hash = null;
  return false;
}

/** A prepared floor run: rounds of start → verify per user, sequential, as the memory section runs mfakit. */
export interface FloorRunner {
  readonly users: number;
  /** One round over every user; its wall time in ms (every round is recorded: `_record` is the memory runner's). */
  round(_record?: boolean): Promise<number>;
}

export function floorRunner(count: number): FloorRunner {
  const users = new Map<string, UserRec>();
  const dests = new Map<string, number[]>();
  const ids = Array.from({ length: count }, (_, i) => ({ id: `fl${i}`, phone: phoneOf(i) }));
  let now = Date.UTC(2026, 0, 1);
  const sender = captureSender();
  // `async` like the library's calls, so both pay the same promise machinery per call.
  const startA = async (id: string, phone: string): Promise<boolean> => {
    const code = start(users, dests, id, phone, now);
    if (code === null) return false;
    await sender.send({ to: phone, body: `${code} is your Bench sign-in code. It expires in 10 minutes. Never share it.`, purpose: 'sign_in', locale: 'en' });
    return true;
  };
  const verifyA = async (id: string, code: string) => verify(users, id, code, now);
  return {
    users: ids.length,
    async round() {
      const t0 = performance.now();
      for (const u of ids) {
        if (!(await startA(u.id, u.phone))) throw new Error(`floor: start refused for ${u.id}`);
        const code = sender.codes.get(u.phone);
        if (code === undefined) throw new Error(`floor: no code sent to ${u.id}`);
        if (!(await verifyA(u.id, code))) throw new Error(`floor: verify failed for ${u.id}`);
      }
      now += ROUND_GAP_MS;
      return performance.now() - t0;
    },
  };
}
