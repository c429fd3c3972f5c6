/**
 * Memory store footprint: heap bytes per user with `users` users (an active SMS factor and a
 * live challenge each) in one memory store, measured in a child process started with
 * `--expose-gc` (so the figure is the retained heap after full collections, not garbage).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface HeapResult {
  readonly users: number;
  readonly bytesPerUser: number;
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
  /** Time to fill the store (putFactor + startChallenge per user, 256 at a time). */
  readonly seedMs: number;
}

export function runHeap(users: number, fromSrc: boolean): Promise<HeapResult> {
  const child = fileURLToPath(new URL('../lib/heap-child.ts', import.meta.url));
  const args = ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', child, String(users), ...(fromSrc ? ['--src'] : [])];
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
        resolve({ users: r.users, bytesPerUser: r.bytesPerUser, heapBeforeMb: Math.round(r.heapBefore / 2 ** 20), heapAfterMb: Math.round(r.heapAfter / 2 ** 20), seedMs: r.seedMs });
      } catch (e) {
        reject(new Error(`heap child: unreadable output ${out.slice(0, 500)} (${String(e)})`));
      }
    });
  });
}
