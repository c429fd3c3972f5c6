/**
 * results.json is written by merging: a run of some sections (`--only`) replaces what those
 * sections measure and keeps every other section's previous values, and `machine.measured`
 * says which run (date, library, load) measured each section.
 */
import { existsSync, readFileSync } from 'node:fs';

export type Json = Record<string, unknown>;

/** The keys of results.json each section owns (`a.b` = field b of object a). */
export const OWNED: Record<string, readonly string[]> = {
  crypto: ['crypto'],
  memory: ['memory', 'latency.memory'],
  heap: ['memory.bytesPerUserAt1M', 'memory.bytesPerUserAt1MJustWritten', 'memory.heap'],
  redis: ['redis', 'latency.redis'],
  contention: ['contention'],
  postgres: ['postgres', 'latency.postgres'],
  peers: ['peers', 'peersRun'],
};

export function readPrevious(file: string): Json | null {
  if (!existsSync(file)) return null;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

const get = (o: Json, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Json)[k] : undefined), o);

function set(o: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = o;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (next === null || typeof next !== 'object') cur[k] = {};
    cur = cur[k] as Json;
  }
  cur[keys[keys.length - 1] as string] = value;
}

/**
 * The previous results with the fields of the `ran` sections taken from `current`. A
 * section's fields nested in another's (heap in memory) are kept across a run of the outer.
 */
export function mergeResults(previous: Json | null, current: Json, ran: readonly string[]): Json {
  const out: Json = previous ? (JSON.parse(JSON.stringify(previous)) as Json) : {};
  const order = Object.keys(OWNED).filter((s) => ran.includes(s));
  // Outer fields first, then the nested ones (so heap's fields survive memory's replacement).
  const paths = order.flatMap((s) => OWNED[s] ?? []).sort((a, b) => a.split('.').length - b.split('.').length);
  for (const path of paths) {
    const keep = Object.values(OWNED)
      .flat()
      .filter((p) => p.startsWith(`${path}.`) && !paths.includes(p))
      .map((p) => [p, get(out, p)] as const);
    set(out, path, get(current, path) ?? null);
    for (const [p, v] of keep) if (v !== undefined && get(out, path) !== null) set(out, p, v);
  }
  return out;
}
