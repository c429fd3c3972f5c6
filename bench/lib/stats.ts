/** Timing helpers: a worker pool, percentiles, a time-boxed loop. */
import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile of a sorted array (ms). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface Latency {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export function latencyOf(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  return { samples: s.length, p50Ms: round(percentile(s, 50), 3), p99Ms: round(percentile(s, 99), 3), maxMs: round(s[s.length - 1] ?? Number.NaN, 3) };
}

/**
 * A full garbage collection now, when the bench runs with `--expose-gc` (as `npm run bench`
 * does): called between systems, so one system's garbage is not collected in the next one's
 * timed window (better-auth's memory adapter leaves the most). A no-op without the flag.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The median (the mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export const round = (n: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/**
 * Runs `fn` over `items` with at most `concurrency` calls in flight. Resolves the wall
 * time in ms and, if `latencies` is given, pushes each call's duration into it.
 */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
  latencies?: number[],
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      const t0 = latencies ? performance.now() : 0;
      await fn(items[i] as T, i);
      if (latencies) latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return performance.now() - started;
}

/** Calls `fn` in batches until `ms` have passed; returns operations per second. */
export function opsPerSec(ms: number, batch: number, fn: () => void): number {
  // warm-up (JIT)
  for (let i = 0; i < batch; i++) fn();
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    elapsed = performance.now() - t0;
  }
  return (ops * 1000) / elapsed;
}
