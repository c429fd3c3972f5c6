/**
 * Memory store footprint: heap bytes per user with `users` users (an active SMS factor and a
 * live challenge each) in one memory store, measured in child processes started with
 * `--expose-gc` (the retained heap after full collections, not garbage).
 *
 * mfakit keeps its records in a memory store decoded and frozen (held), as users of
 * `memoryStores()` get them; that is what is measured. At 1M users the store is filled by
 * replaying, per user, the records one real `startChallenge` committed (bench/lib/heap-child.ts),
 * which takes about a minute where a million real starts take several. The same run checks
 * replay against real starts at `checkUsers` users: the difference is the process-wide bounded
 * caches a real start fills (masked numbers, keyed number names, ≤ 10 000 entries each), which
 * do not grow with users.
 */
import { runChild } from '../lib/child.js';
import { round } from '../lib/stats.js';

export interface HeapRun {
  readonly users: number;
  readonly mode: 'real' | 'replay';
  readonly bytesPerUser: number;
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
  readonly seedMs: number;
}

export interface HeapResult {
  readonly users: number;
  readonly method: string;
  readonly bytesPerUser: number;
  readonly heapAfterMb: number;
  readonly seedMs: number;
  /** Replay against real starts at a size both reach: the method's error, as heap bytes. */
  readonly check: { readonly users: number; readonly realBytesPerUser: number; readonly replayBytesPerUser: number; readonly differenceMb: number } | null;
}

async function child(users: number, mode: 'real' | 'replay', fromSrc: boolean): Promise<HeapRun> {
  const args = [String(users), mode, ...(fromSrc ? ['--src'] : [])];
  const r = (await runChild('heap child', 'heap-child.ts', args, ['--expose-gc', '--max-old-space-size=8192'])) as { users: number; heapBefore: number; heapAfter: number; bytesPerUser: number; seedMs: number };
  return { users: r.users, mode, bytesPerUser: r.bytesPerUser, heapBeforeMb: Math.round(r.heapBefore / 2 ** 20), heapAfterMb: Math.round(r.heapAfter / 2 ** 20), seedMs: r.seedMs };
}

export async function runHeap(opts: { users: number; checkUsers: number; fromSrc: boolean }): Promise<HeapResult> {
  const real = await child(opts.checkUsers, 'real', opts.fromSrc);
  const replayCheck = await child(opts.checkUsers, 'replay', opts.fromSrc);
  const main = opts.users === opts.checkUsers ? replayCheck : await child(opts.users, 'replay', opts.fromSrc);
  return {
    users: main.users,
    method: 'replay of one real startChallenge’s held records per user (decoded, frozen, as memoryStores() keeps them), after putFactor (see bench/lib/heap-child.ts)',
    bytesPerUser: main.bytesPerUser,
    heapAfterMb: main.heapAfterMb,
    seedMs: main.seedMs,
    check: {
      users: opts.checkUsers,
      realBytesPerUser: real.bytesPerUser,
      replayBytesPerUser: replayCheck.bytesPerUser,
      differenceMb: round(((real.bytesPerUser - replayCheck.bytesPerUser) * opts.checkUsers) / 2 ** 20, 1),
    },
  };
}
