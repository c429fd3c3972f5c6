/**
 * 2. Memory stores against the bare plain-JS floor (`memory.floorRatio`), measured as a pair:
 * each runs in its own child process (bench/lib/cycle-child.ts: its own heap, so neither pays
 * the other's garbage collection), both prepared and warmed up first, then they take turns in
 * `slices` short timed slices each, in the order A B B A A B … so a load change on a shared
 * machine falls on both sides alike. Each side's cycles/s is its cycles over its slices' time;
 * the ratio of each pair of neighbouring slices is reported too, to show the noise.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FLOOR_RULES, type FloorResult } from './floor.js';
import type { MemoryResult } from './memory.js';
import type { Latency } from '../lib/stats.js';
import { median, round } from '../lib/stats.js';

interface Child {
  readonly users: number;
  ask<T>(message: object): Promise<T>;
}

/** Forks the cycle child for `kind`, and resolves once it is prepared and warmed up. */
function start(kind: 'memory' | 'floor', users: number, fromSrc: boolean): Promise<Child> {
  const path = fileURLToPath(new URL('../lib/cycle-child.ts', import.meta.url));
  const p: ChildProcess = fork(path, [kind, String(users), ...(fromSrc ? ['--src'] : [])], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  let err = '';
  p.stderr?.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
  let waiting: { resolve: (v: unknown) => void; reject: (e: Error) => void } | undefined;
  const failed = (why: string): void => {
    waiting?.reject(new Error(`${kind} cycle child ${why}:\n${err}`));
    waiting = undefined;
  };
  p.on('message', (m) => {
    const w = waiting;
    waiting = undefined;
    w?.resolve(m);
  });
  p.once('exit', (code) => failed(`exited ${code}`));
  p.once('error', (e) => failed(`failed (${e.message})`));
  const next = <T>(): Promise<T> => new Promise<T>((resolve, reject) => (waiting = { resolve: resolve as (v: unknown) => void, reject }));
  return next<{ users: number }>().then(({ users: n }) => ({
    users: n,
    ask<T>(message: object) {
      const answer = next<T>();
      p.send(message);
      return answer;
    },
  }));
}

export interface MemoryVsFloor {
  readonly memory: Omit<MemoryResult, 'cryptoCeilingCyclesPerSec' | 'ratio'>;
  readonly floor: FloorResult;
  /** memory ÷ floor cycles/s of each pair of neighbouring slices, in the order run. */
  readonly sliceRatios: number[];
}

export async function runMemoryVsFloor(opts: { users: number; minMs: number; slices: number; fromSrc: boolean }): Promise<MemoryVsFloor> {
  // Prepared one after the other, so neither's warm-up runs beside the other's.
  const memory = await start('memory', opts.users, opts.fromSrc);
  const floor = await start('floor', opts.users, opts.fromSrc);
  const sliceMs = opts.minMs / opts.slices;
  const m = { cycles: 0, ms: 0, runs: [] as number[] };
  const f = { cycles: 0, ms: 0, runs: [] as number[] };
  const slice = async (child: Child, into: typeof m): Promise<number> => {
    const r = await child.ask<{ cycles: number; ms: number }>({ slice: sliceMs });
    into.cycles += r.cycles;
    into.ms += r.ms;
    const rate = (r.cycles * 1000) / r.ms;
    into.runs.push(round(rate));
    return rate;
  };
  const sliceRatios: number[] = [];
  for (let k = 0; k < opts.slices; k++) {
    // A B, B A, A B, …: each side goes first in half the pairs.
    let mRate: number;
    let fRate: number;
    if (k % 2 === 0) {
      mRate = await slice(memory, m);
      fRate = await slice(floor, f);
    } else {
      fRate = await slice(floor, f);
      mRate = await slice(memory, m);
    }
    sliceRatios.push(round(mRate / fRate, 3));
  }
  const { latency } = await memory.ask<{ latency: { start: Latency; verify: Latency } }>({ finish: true });
  await floor.ask({ finish: true });
  return {
    memory: { users: memory.users, cycles: m.cycles, cyclesPerSec: round((m.cycles * 1000) / m.ms), startLatency: latency.start, verifyLatency: latency.verify, runs: m.runs },
    floor: { users: floor.users, cycles: f.cycles, cyclesPerSec: round((f.cycles * 1000) / f.ms), rules: FLOOR_RULES, runs: f.runs },
    sliceRatios,
  };
}

/** The spread of the slice ratios: lowest, median, highest. */
export const spreadOf = (xs: readonly number[]): { readonly min: number; readonly median: number; readonly max: number } => ({
  min: Math.min(...xs),
  median: round(median(xs), 3),
  max: Math.max(...xs),
});
