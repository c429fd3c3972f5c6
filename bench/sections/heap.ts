/**
 * Memory store footprint: heap bytes per user with `users` users (an active SMS factor and a
 * live challenge each) in one memory store, measured in child processes started with
 * `--expose-gc` (the retained heap after full collections, not garbage).
 *
 * At 1M users the store is filled by replaying, per user, the writes one real
 * `startChallenge` made (bench/lib/heap-child.ts), which takes seconds where a million real
 * starts take minutes. The same run checks replay against real starts at `checkUsers` users:
 * the difference is the process-wide bounded caches a real start fills (masked numbers, the
 * last-seen per-number records; ≤ 10 000 entries each), which do not grow with users.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

function child(users: number, mode: 'real' | 'replay', fromSrc: boolean): Promise<HeapRun> {
  const script = fileURLToPath(new URL('../lib/heap-child.ts', import.meta.url));
  const args = ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', script, String(users), mode, ...(fromSrc ? ['--src'] : [])];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    p.stderr.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
    p.once('error', reject);
    p.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`heap child exited ${code}:\n${err}`));
      try {
        const r = JSON.parse(out.trim().split('\n').pop() ?? '') as { users: number; heapBefore: number; heapAfter: number; bytesPerUser: number; seedMs: number };
        resolve({ users: r.users, mode, bytesPerUser: r.bytesPerUser, heapBeforeMb: Math.round(r.heapBefore / 2 ** 20), heapAfterMb: Math.round(r.heapAfter / 2 ** 20), seedMs: r.seedMs });
      } catch (e) {
        reject(new Error(`heap child: unreadable output ${out.slice(0, 500)} (${String(e)})`));
      }
    });
  });
}

export async function runHeap(opts: { users: number; checkUsers: number; fromSrc: boolean }): Promise<HeapResult> {
  const real = await child(opts.checkUsers, 'real', opts.fromSrc);
  const replayCheck = await child(opts.checkUsers, 'replay', opts.fromSrc);
  const main = opts.users === opts.checkUsers ? replayCheck : await child(opts.users, 'replay', opts.fromSrc);
  return {
    users: main.users,
    method: 'replay of one real startChallenge’s state writes per user, after putFactor (see bench/lib/heap-child.ts)',
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
