/**
 * Loads the library under test. By default the **built package** (`dist/`, what users run;
 * rebuilt with `npm run build` first when it is missing or older than `src/`). `--src` loads
 * `src/` through tsx instead; `MFAKIT_BENCH_SRC=<dir>` loads the `src/` directory of an
 * experimental copy (e.g. `MFAKIT_BENCH_SRC=/tmp/exp/src npm run bench -- --out /tmp/exp.json`).
 *
 * The bench's own probes (`CodeHasher`, `generateCode`, `randomId`, `CAS_SCRIPT`) are not
 * public exports, so they always come from the source tree next to the measured code; they
 * serve the crypto ceiling and the store-limit script, never the measured cycles.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Root from '../../src/index.js';
import type * as Memory from '../../src/adapters/memory/index.js';
import type * as Redis from '../../src/adapters/redis/index.js';
import type * as Kysely from '../../src/kysely.js';
import type * as Codes from '../../src/factors/code.js';
import type * as Cas from '../../src/adapters/redis/cas-script.js';

export interface Library {
  /** What was measured: `dist/` (the built package), `src/` (tsx), or an experimental src directory. */
  readonly src: string;
  /** The package's version (package.json). */
  readonly version: string;
  readonly createMfa: typeof Root.createMfa;
  readonly DEFAULTS: typeof Root.DEFAULTS;
  readonly memoryStores: typeof Memory.memoryStores;
  readonly redisStores: typeof Redis.redisStores;
  readonly kyselyStores: typeof Kysely.kyselyStores;
  readonly migrate: typeof Kysely.migrate;
  readonly CodeHasher: typeof Codes.CodeHasher;
  readonly generateCode: typeof Codes.generateCode;
  readonly randomId: typeof Codes.randomId;
  readonly CAS_SCRIPT: string;
  readonly CAS_SHA: string;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST_ENTRIES = ['index.js', 'memory.js', 'redis.js', 'kysely.js'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether `dist/` is missing or older than any file of `src/` (or tsup's config). */
export function distIsStale(): boolean {
  const dist = join(ROOT, 'dist');
  const entries = DIST_ENTRIES.map((f) => join(dist, f));
  if (!entries.every((f) => existsSync(f))) return true;
  const built = Math.min(...entries.map((f) => statSync(f).mtimeMs));
  return newestMtime(join(ROOT, 'src')) > built || statSync(join(ROOT, 'tsup.config.ts')).mtimeMs > built;
}

/** Runs `npm run build` when `dist/` is missing or stale; throws when the build fails. */
export function ensureBuilt(log: (msg: string) => void): void {
  if (!distIsStale()) return;
  log('dist/ is missing or older than src/: running npm run build…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status}):\n${(r.stderr || r.stdout).slice(-4000)}`);
}

export async function loadLibrary(opts: { fromSrc: boolean; build?: boolean; log?: (msg: string) => void }): Promise<Library> {
  const fromEnv = process.env['MFAKIT_BENCH_SRC'];
  const srcBase = fromEnv ? pathToFileURL(resolve(fromEnv) + '/') : new URL('../../src/', import.meta.url);
  const fromSrc = opts.fromSrc || fromEnv !== undefined;
  if (!fromSrc && opts.build !== false) ensureBuilt(opts.log ?? (() => undefined));
  const distBase = new URL('../../dist/', import.meta.url);
  const load = async <T>(base: URL, path: string): Promise<T> => (await import(new URL(path, base).href)) as T;
  const [root, memory, redis, kysely, codes, cas] = await Promise.all([
    fromSrc ? load<typeof Root>(srcBase, 'index.js') : load<typeof Root>(distBase, 'index.js'),
    fromSrc ? load<typeof Memory>(srcBase, 'adapters/memory/index.js') : load<typeof Memory>(distBase, 'memory.js'),
    fromSrc ? load<typeof Redis>(srcBase, 'adapters/redis/index.js') : load<typeof Redis>(distBase, 'redis.js'),
    fromSrc ? load<typeof Kysely>(srcBase, 'kysely.js') : load<typeof Kysely>(distBase, 'kysely.js'),
    // `codes.js` is where a tree from before the layout of ARCHITECTURE.md kept it.
    load<typeof Codes>(srcBase, 'factors/code.js').catch(() => load<typeof Codes>(srcBase, 'codes.js')),
    load<typeof Cas>(srcBase, 'adapters/redis/cas-script.js'),
  ]);
  return {
    src: fromEnv ? resolve(fromEnv) : fromSrc ? 'src/' : 'dist/',
    version: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    createMfa: root.createMfa,
    DEFAULTS: root.DEFAULTS,
    memoryStores: memory.memoryStores,
    redisStores: redis.redisStores,
    kyselyStores: kysely.kyselyStores,
    migrate: kysely.migrate,
    CodeHasher: codes.CodeHasher,
    generateCode: codes.generateCode,
    randomId: codes.randomId,
    CAS_SCRIPT: cas.CAS_SCRIPT,
    CAS_SHA: cas.CAS_SHA,
  };
}
