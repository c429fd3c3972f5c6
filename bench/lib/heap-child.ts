/**
 * Child process of the heap section (run with `--expose-gc`): fills one memory store with
 * `users` users, each with an active SMS factor and a live challenge, and prints the heap
 * growth as JSON on stdout, twice: just written (every record held decoded, as a write
 * leaves it) and idle (after the store's sweeps: a record not written since the previous
 * sweep is kept as its encoded string, as a store keeps its users between sign-ins).
 *
 * Both modes run mfakit on the stores of `memoryStores()` through a wrapper that records the
 * writes and passes everything on, the held-records port included: mfakit keeps its records
 * in the store decoded and frozen, as users of `memoryStores()` get them.
 *
 * - `real`: `putFactor` + `startChallenge` per user (a sender that keeps nothing).
 * - `replay` (the cheap path for 1M users): one real `startChallenge` of a template user is
 *   recorded (every state write it makes: held records as their state), then for each user
 *   the factor is put and the same records are committed to the store's held port, each a
 *   fresh decoded copy with the user id, the number's budget key and the challenge id
 *   replaced by that user's own, made immutable as mfakit makes its own. The heap section
 *   checks replay against real at a size both can reach.
 *
 *   node --expose-gc --import tsx bench/lib/heap-child.ts <users> <real|replay> [--src]
 */
import { performance } from 'node:perf_hooks';
import type { Factor, SmsSender, StateStore, Stores } from '../../src/index.js';
import { benchClock, phoneOf, SECRET } from './fixture.js';
import { loadLibrary } from './mfakit.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('heap-child: run with --expose-gc');

const users = Number(process.argv[2]);
const mode = process.argv[3];
const fromSrc = process.argv.includes('--src');
if (!Number.isInteger(users) || users <= 0) throw new Error('heap-child: users must be a positive integer');
if (mode !== 'real' && mode !== 'replay') throw new Error('heap-child: mode is real or replay');

const settle = (): number => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};
/** A flat copy that shares nothing with `s` (no sliced or cons string pointing at the template). */
const fresh = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

// The parent built dist/ (when needed) before starting this process.
const lib = await loadLibrary({ fromSrc, build: false });
const clock = benchClock();
const stores = lib.memoryStores({ clock, maxKeys: users * 3 + 1000 });
let sent = 0;
const sender: SmsSender = {
  name: 'heap',
  async send() {
    sent++;
    return { id: 'h' };
  },
};
/**
 * The held-records port of the memory state store (`Symbol.for('mfakit.heldRecords')`,
 * internal): mfakit commits its records there decoded and frozen, and the store keeps those
 * very objects.
 */
interface HeldWrite {
  readonly key: string;
  readonly codec: unknown;
  readonly state: unknown;
  readonly expectedVersion: number | null;
  readonly ttlMs: number | null;
}
interface HeldRecords {
  read(key: string): unknown;
  commit(writes: readonly HeldWrite[]): (number | null)[] | null;
}
const HELD = Symbol.for('mfakit.heldRecords');
const innerHeld = (stores.state as unknown as Record<symbol, HeldRecords | undefined>)[HELD];
if (innerHeld === undefined) throw new Error('heap-child: the memory state store has no held records');

/** A write the template's start made: a string through `write`, or a held record (its state as JSON). */
type Recorded = { readonly key: string; readonly ttl: number | null } & ({ readonly held: false; readonly value: string | null } | { readonly held: true; readonly json: string | null; readonly codec: unknown });
const recorded: Recorded[] = [];
let recording = false;
// A wrapper that records what mfakit writes and passes everything on, held records included,
// so mfakit keeps its records decoded in the store exactly as on `memoryStores()` itself.
const state = {
  read: (key: string) => stores.state.read(key),
  async write(key: string, value: string | null, expected: number | null, ttl: number | null) {
    if (recording) recorded.push({ key, ttl, held: false, value });
    return stores.state.write(key, value, expected, ttl);
  },
  [HELD]: {
    read: (key: string) => innerHeld.read(key),
    commit(writes: readonly HeldWrite[]) {
      if (recording) for (const w of writes) recorded.push({ key: w.key, ttl: w.ttlMs, held: true, codec: w.codec, json: w.state === undefined ? null : JSON.stringify(w.state) });
      return innerHeld.commit(writes);
    },
  },
};
if ((stores as Stores).combined) throw new Error('heap-child: the memory stores grew a combined store; record it too');
const mfa = lib.createMfa({ stores: { factors: stores.factors, state: state as StateStore }, clock, secret: SECRET, appName: 'Bench', senders: { sms: sender }, sending: { perPrefix: false } }); // consecutive numbers: see makeMfa in fixture.ts

/**
 * A replayed held state made immutable as mfakit makes its own (`settled` in
 * src/store/records.ts): objects frozen in place; a list of numbers alone left unfrozen
 * (V8 keeps it unboxed).
 */
const immutable = (v: unknown): unknown => {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number')) return v;
    for (const x of v) immutable(x);
    return Object.freeze(v);
  }
  for (const x of Object.values(v)) immutable(x);
  return Object.freeze(v);
};
const now = clock.now();
const factorOf = (id: string, phone: string): Factor => ({ id: `f_${id}`, userId: id, channel: 'sms', status: 'active', phone, createdAt: now, activatedAt: now });

// The template (also the warm-up: compiled code and lazy module state go into the baseline).
const TPL = 'zqtpl';
const tplPhone = phoneOf(9_999_999);
await stores.factors.putFactor(factorOf(TPL, tplPhone));
recording = true;
const started = await mfa.startChallenge(TPL);
recording = false;
if (!started.ok) throw new Error(`heap-child: template start failed: ${started.error}`);
const hasher = new lib.CodeHasher([SECRET]);
const tplDest = hasher.destinationKey(tplPhone);
if (!('challengeId' in started)) throw new Error('heap-child: the template start sent no code');
const tplChallenge = started.challengeId;
const before = settle();

const t0 = performance.now();
const BATCH = 256;
if (mode === 'real') {
  for (let i = 0; i < users; i += BATCH) {
    const jobs: Promise<unknown>[] = [];
    for (let k = i; k < Math.min(users, i + BATCH); k++) {
      const id = `u${k}`;
      jobs.push(
        stores.factors
          .putFactor(factorOf(id, phoneOf(k)))
          .then(() => mfa.startChallenge(id))
          .then((r) => {
            if (!r.ok) throw new Error(`startChallenge(${id}) failed: ${r.error}`);
          }),
      );
    }
    await Promise.all(jobs);
  }
} else {
  if (recorded.length === 0) throw new Error('heap-child: the template start wrote nothing through the store interface; replay impossible');
  for (const w of recorded) {
    const known = w.key.includes(TPL) || w.key.includes(tplDest);
    if (!known) throw new Error(`heap-child: the template wrote a key it cannot replay per user: ${w.key}`);
  }
  for (let k = 0; k < users; k++) {
    const id = `u${k}`;
    const phone = phoneOf(k);
    await stores.factors.putFactor(factorOf(id, phone));
    const dest = hasher.destinationKey(phone);
    const challenge = lib.randomId('ch');
    const own = (text: string): string => text.split(TPL).join(id).split(tplChallenge).join(challenge);
    for (const w of recorded) {
      const key = fresh(w.key.split(TPL).join(id).split(tplDest).join(dest));
      if (w.held) {
        // A fresh decoded record per user (JSON.parse: fresh strings, exact-sized objects), held as mfakit holds its own.
        if (w.json === null || innerHeld.commit([{ key, codec: w.codec, state: immutable(JSON.parse(own(w.json))), expectedVersion: null, ttlMs: w.ttl }]) === null) throw new Error(`heap-child: replayed held write refused for ${key}`);
      } else if (!(await stores.state.write(key, w.value === null ? null : fresh(own(w.value)), null, w.ttl))) {
        throw new Error(`heap-child: replayed write refused for ${key}`);
      }
    }
  }
  sent += users;
}
const seedMs = performance.now() - t0;
const written = settle();
if (sent !== users + 1) throw new Error(`heap-child: ${sent} codes sent for ${users + 1} starts`);
// Idle: the first sweep starts the idle period, the second encodes what was not written
// since (every record here); `sweep()` by hand has no per-sweep limit.
const sizeBefore = stores.state.size();
stores.state.sweep();
const t1 = performance.now();
stores.state.sweep();
const sweepMs = performance.now() - t1;
if (stores.state.size() !== sizeBefore) throw new Error('heap-child: a sweep dropped live records');
const idle = settle();
const perUser = (heap: number): number => Math.round((heap - before) / users);
process.stdout.write(
  `${JSON.stringify({ users, mode, heapBefore: before, heapAfter: idle, bytesPerUser: perUser(idle), heapJustWritten: written, justWrittenBytesPerUser: perUser(written), encodeSweepMs: Math.round(sweepMs), seedMs: Math.round(seedMs), keysPerUser: recorded.length, src: lib.src })}\n`,
);
