/**
 * Child process of the heap section (run with `--expose-gc`): fills one memory store with
 * `users` users, each with an active SMS factor and a live challenge, and prints the heap
 * growth as JSON on stdout.
 *
 * - `real`: `putFactor` + `startChallenge` per user (a sender that keeps nothing).
 * - `replay` (the cheap path for 1M users): one real `startChallenge` of a template user is
 *   recorded at the store interface (every state write it makes), then for each user the
 *   factor is put and the same writes are made through the same `StateStore.write`, with the
 *   user id, the number's budget key, the challenge id and the code hash replaced by that
 *   user's own (fresh strings, not slices of the template's). The heap section checks replay
 *   against real at a size both can reach.
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
const recorded: { key: string; value: string | null; ttl: number | null }[] = [];
let recording = false;
const state: StateStore = {
  read: (key) => stores.state.read(key),
  async write(key, value, expected, ttl) {
    if (recording) recorded.push({ key, value, ttl });
    return stores.state.write(key, value, expected, ttl);
  },
};
// The store's own fast paths, if it has them, recorded the same way.
const inner = (stores as Stores).combined;
const combined: Stores['combined'] = inner && {
  multiKey: inner.multiKey,
  loadUser: (userId, stateKey) => inner.loadUser(userId, stateKey),
  async commit(writes, touch) {
    if (recording) for (const w of writes) recorded.push({ key: w.key, value: w.value, ttl: w.ttlMs });
    return inner.commit(writes, touch);
  },
};
const mfa = lib.createMfa({ stores: { factors: stores.factors, state, ...(combined ? { combined } : {}) }, clock, secret: SECRET, appName: 'Bench', senders: { sms: sender }, sending: { perPrefix: false } }); // consecutive numbers: see makeMfa in fixture.ts
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
    for (const w of recorded) {
      const key = fresh(w.key.split(TPL).join(id).split(tplDest).join(dest));
      const value = w.value === null ? null : fresh(w.value.split(TPL).join(id).split(tplChallenge).join(challenge));
      if (!(await stores.state.write(key, value, null, w.ttl))) throw new Error(`heap-child: replayed write refused for ${key}`);
    }
  }
  sent += users;
}
const seedMs = performance.now() - t0;
const after = settle();
if (sent !== users + 1) throw new Error(`heap-child: ${sent} codes sent for ${users + 1} starts`);
process.stdout.write(
  `${JSON.stringify({ users, mode, heapBefore: before, heapAfter: after, bytesPerUser: Math.round((after - before) / users), seedMs: Math.round(seedMs), keysPerUser: recorded.length, src: lib.src })}\n`,
);
