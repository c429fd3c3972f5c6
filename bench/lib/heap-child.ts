/**
 * Child process of the heap section (run with `--expose-gc`): fills one memory store with
 * `users` users, each with an active SMS factor and a live challenge (started with a
 * sender that keeps nothing), and prints the heap growth as JSON on stdout.
 *
 *   node --expose-gc --import tsx bench/lib/heap-child.ts <users> [--src]
 */
import { performance } from 'node:perf_hooks';
import type { Factor, SmsSender } from '../../src/index.js';
import { benchClock, phoneOf, SECRET } from './fixture.js';
import { loadLibrary } from './mfakit.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('heap-child: run with --expose-gc');

const users = Number(process.argv[2]);
const fromSrc = process.argv.includes('--src');
if (!Number.isInteger(users) || users <= 0) throw new Error('heap-child: users must be a positive integer');

const settle = (): number => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};

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
const mfa = lib.createMfa({ stores, clock, secret: SECRET, appName: 'Bench', senders: { sms: sender } });
// Warm every code path on one user first, so compiled code and lazy module state are in the baseline.
const warm: Factor = { id: 'f_warm', userId: 'warm', channel: 'sms', status: 'active', phone: phoneOf(9_999_999), createdAt: clock.now(), activatedAt: clock.now() };
await stores.factors.putFactor(warm);
await mfa.startChallenge('warm');
const before = settle();
const t0 = performance.now();
const now = clock.now();
const BATCH = 256;
for (let i = 0; i < users; i += BATCH) {
  const jobs: Promise<unknown>[] = [];
  for (let k = i; k < Math.min(users, i + BATCH); k++) {
    const id = `u${k}`;
    jobs.push(
      stores.factors
        .putFactor({ id: `f_${id}`, userId: id, channel: 'sms', status: 'active', phone: phoneOf(k), createdAt: now, activatedAt: now })
        .then(() => mfa.startChallenge(id))
        .then((r) => {
          if (!r.ok) throw new Error(`startChallenge(${id}) failed: ${r.error}`);
        }),
    );
  }
  await Promise.all(jobs);
}
const seedMs = performance.now() - t0;
const after = settle();
if (sent !== users + 1) throw new Error(`heap-child: ${sent} codes sent for ${users + 1} starts`);
process.stdout.write(`${JSON.stringify({ users, heapBefore: before, heapAfter: after, bytesPerUser: Math.round((after - before) / users), seedMs: Math.round(seedMs), src: lib.src })}\n`);
