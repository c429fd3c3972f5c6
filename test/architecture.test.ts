/**
 * The layout of ARCHITECTURE.md, checked from the imports of `src/`: the core is pure and
 * self-contained, nothing imports in a cycle, the root holds only the entry files, and every
 * layer imports only the layers below it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Each source file (relative to src/) with the specifiers it imports or re-exports. */
const graph = new Map<string, { local: string[]; packages: string[] }>();
for (const file of filesUnder(src)) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const local: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of importedFiles) {
    if (fileName.startsWith('.')) local.push(relative(src, resolve(dirname(file), fileName)).replace(/\.js$/, '.ts'));
    else packages.push(fileName);
  }
  graph.set(relative(src, file), { local, packages });
}
const layerOf = (file: string): string => (file.includes('/') ? (file.split('/')[0] ?? '') : '(root)');

describe('architecture (ARCHITECTURE.md)', () => {
  it('reads every file of src/', () => {
    expect(graph.size).toBeGreaterThan(40);
    expect(graph.get('core/codes.ts')?.local).toContain('core/lockout.ts');
  });

  it('core/ imports nothing outside core/: no package, no other layer, no node: module', () => {
    const outside = [...graph].flatMap(([file, { local, packages }]) =>
      layerOf(file) !== 'core' ? [] : [...packages, ...local.filter((l) => layerOf(l) !== 'core')].map((to) => `${file} -> ${to}`),
    );
    expect(outside).toEqual([]);
  });

  it('the src/ root holds only the entry files', () => {
    const root = [...graph.keys()].filter((f) => layerOf(f) === '(root)').sort();
    expect(root).toEqual(['index.ts', 'kysely.ts', 'memory.ts', 'redis.ts', 'senders.ts', 'testing.ts']);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file)?.local ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('each layer imports only the layers below it', () => {
    // Lower layers first; a layer may import itself and anything listed before it.
    const order = ['core', 'ports', 'config', 'store', 'factors', 'flows', 'adapters', 'senders', 'testing', '(root)'];
    const allowed: Record<string, readonly string[]> = {
      adapters: ['core', 'ports', 'config', 'adapters'],
      senders: ['core', 'ports', 'config', 'senders'],
    };
    const upward = [...graph].flatMap(([file, { local }]) => {
      const from = layerOf(file);
      const ok = allowed[from] ?? order.slice(0, order.indexOf(from) + 1);
      return local.filter((to) => !ok.includes(layerOf(to))).map((to) => `${file} -> ${to}`);
    });
    expect(upward).toEqual([]);
  });

  it('an adapter imports only downward: its stores use the scripts, key layout and records, never each other', () => {
    const sideways = [...graph].flatMap(([file, { local }]) =>
      /^adapters\/[^/]+\/\w[\w-]*-store\.ts$/.test(file)
        ? local.filter((to) => /-store\.ts$/.test(to) && dirname(to) === dirname(file)).map((to) => `${file} -> ${to}`)
        : [],
    );
    expect(sideways).toEqual([]);
  });
});
