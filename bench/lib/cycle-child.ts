/**
 * Child process of the memory section: holds one prepared run (mfakit on the memory stores,
 * or the bare plain-JS floor) and runs timed slices of it when the parent asks, so the two
 * alternate on the machine without sharing a heap (one's garbage is never the other's
 * collection). Driven over IPC by bench/sections/memory-vs-floor.ts:
 *
 * - started as `cycle-child.ts <memory|floor> <users> [--src]`, it prepares and warms up
 *   (at least 2 full rounds and 1 s, unrecorded), then sends `{ ready: true }`;
 * - `{ slice: ms }`: rounds until at least `ms` have passed (one round at least); answers
 *   `{ cycles, ms }`;
 * - `{ finish: true }`: answers the latency of the recorded rounds (memory) and exits.
 */
import { floorRunner } from '../sections/floor.js';
import { memoryRunner } from '../sections/memory.js';
import { loadLibrary } from './mfakit.js';

const kind = process.argv[2];
const users = Number(process.argv[3]);
const fromSrc = process.argv.includes('--src');
if (kind !== 'memory' && kind !== 'floor') throw new Error('cycle-child: kind is memory or floor');
if (!Number.isInteger(users) || users <= 0) throw new Error('cycle-child: users must be a positive integer');
const send = process.send?.bind(process);
if (send === undefined) throw new Error('cycle-child: start it with an IPC channel (fork)');

const mem = kind === 'memory' ? await memoryRunner(await loadLibrary({ fromSrc, build: false }), users) : undefined;
const runner = mem ?? floorRunner(users);
// Warm-up, unrecorded: at least 2 rounds and 1 s. The first round is every user's first sign-in
// (new records); the second is the first on existing records, and it still ran at half speed
// on mfakit's side while V8 optimised that path (e.g. 470 ms, then about 220 ms per round).
for (let rounds = 0, ms = 0; rounds < 2 || ms < 1_000; rounds++) ms += await runner.round(false);
send({ ready: true, users: runner.users });

process.on('message', (m: { slice?: number; finish?: boolean }) => {
  void (async () => {
    if (typeof m.slice === 'number') {
      let ms = 0;
      let cycles = 0;
      while (ms < m.slice || cycles === 0) {
        ms += await runner.round(true);
        cycles += runner.users;
      }
      send({ cycles, ms });
    } else if (m.finish) {
      send({ latency: mem ? mem.latency() : null }, () => process.exit(0));
    }
  })().catch((err: unknown) => {
    process.stderr.write(`cycle-child ${kind}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
});
