/**
 * Memory store footprint: heap bytes per user with `users` users (an active SMS factor and a
 * live challenge each) in one memory store, measured in child processes started with
 * `--expose-gc` (the retained heap after full collections, not garbage).
 *
 * mfakit keeps its records in a memory store decoded and frozen (held) while they are
 * written, and a sweep keeps a record not written since the sweep before as its encoded
 * string. Both are measured: `justWrittenBytesPerUser` (every record held, as right after
 * the writes) and `bytesPerUser` (idle: after two sweeps, as a store keeps the users who are
 * not signing in this minute, nearly all of them at 1M users). At 1M users the store is filled by
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
  /** Idle: after the sweeps. */
  readonly bytesPerUser: number;
  readonly justWrittenBytesPerUser: number;
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
  readonly seedMs: number;
  /** The by-hand sweep that encoded every record. */
  readonly encodeSweepMs: number;
}

export interface HeapResult {
  readonly users: number;
  readonly method: string;
  /** Heap bytes per user once idle (records kept as their strings by the sweeps). */
  readonly bytesPerUser: number;
  /** Heap bytes per user right after the writes (every record held decoded). */
  readonly justWrittenBytesPerUser: number;
  readonly heapAfterMb: number;
  readonly seedMs: number;
  /** How long the by-hand `sweep()` that encoded every user's records took (a sweep inside a write encodes at most 20 000). */
  readonly encodeSweepMs: number;
  /** Replay against real starts at a size both reach: the method's error, as heap bytes. */
  readonly check: { readonly users: number; readonly realBytesPerUser: number; readonly replayBytesPerUser: number; readonly differenceMb: number } | null;
}

async function child(users: number, mode: 'real' | 'replay', fromSrc: boolean): Promise<HeapRun> {
  const args = [String(users), mode, ...(fromSrc ? ['--src'] : [])];
  const r = (await runChild('heap child', 'heap-child.ts', args, ['--expose-gc', '--max-old-space-size=8192'])) as {
    users: number;
    heapBefore: number;
    heapAfter: number;
    bytesPerUser: number;
    justWrittenBytesPerUser: number;
    encodeSweepMs: number;
    seedMs: number;
  };
  return {
    users: r.users,
    mode,
    bytesPerUser: r.bytesPerUser,
    justWrittenBytesPerUser: r.justWrittenBytesPerUser,
    heapBeforeMb: Math.round(r.heapBefore / 2 ** 20),
    heapAfterMb: Math.round(r.heapAfter / 2 ** 20),
    seedMs: r.seedMs,
    encodeSweepMs: r.encodeSweepMs,
  };
}

export async function runHeap(opts: { users: number; checkUsers: number; fromSrc: boolean }): Promise<HeapResult> {
  const real = await child(opts.checkUsers, 'real', opts.fromSrc);
  const replayCheck = await child(opts.checkUsers, 'replay', opts.fromSrc);
  const main = opts.users === opts.checkUsers ? replayCheck : await child(opts.users, 'replay', opts.fromSrc);
  return {
    users: main.users,
    method: 'replay of one real startChallenge’s held records per user (decoded, frozen, as memoryStores() keeps them), after putFactor; then two sweeps (idle: records kept as their strings) (see bench/lib/heap-child.ts)',
    bytesPerUser: main.bytesPerUser,
    justWrittenBytesPerUser: main.justWrittenBytesPerUser,
    heapAfterMb: main.heapAfterMb,
    seedMs: main.seedMs,
    encodeSweepMs: main.encodeSweepMs,
    check: {
      users: opts.checkUsers,
      realBytesPerUser: real.bytesPerUser,
      replayBytesPerUser: replayCheck.bytesPerUser,
      differenceMb: round(((real.bytesPerUser - replayCheck.bytesPerUser) * opts.checkUsers) / 2 ** 20, 1),
    },
  };
}
