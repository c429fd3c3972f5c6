/**
 * Loads the library under test. By default `../../src`; set `MFAKIT_BENCH_SRC` to the
 * `src/` directory of an experimental copy to measure a change side by side without
 * touching the working tree (e.g. `MFAKIT_BENCH_SRC=/tmp/exp/src npm run bench -- --out /tmp/exp.json`).
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type * as Root from '../../src/index.js';
import type * as Memory from '../../src/adapters/memory/index.js';
import type * as Redis from '../../src/adapters/redis/index.js';
import type * as Codes from '../../src/factors/code.js';
import type * as Cas from '../../src/adapters/redis/cas-script.js';

export interface Library {
  /** Where the library was loaded from. */
  readonly src: string;
  readonly createMfa: typeof Root.createMfa;
  readonly memoryStores: typeof Memory.memoryStores;
  readonly redisStores: typeof Redis.redisStores;
  readonly CodeHasher: typeof Codes.CodeHasher;
  readonly generateCode: typeof Codes.generateCode;
  readonly randomId: typeof Codes.randomId;
  readonly CAS_SCRIPT: string;
  readonly CAS_SHA: string;
}

export async function loadLibrary(): Promise<Library> {
  const fromEnv = process.env['MFAKIT_BENCH_SRC'];
  const base = fromEnv ? pathToFileURL(resolve(fromEnv) + '/') : new URL('../../src/', import.meta.url);
  const load = async <T>(path: string): Promise<T> => (await import(new URL(path, base).href)) as T;
  const [root, memory, redis, codes, cas] = await Promise.all([
    load<typeof Root>('index.js'),
    load<typeof Memory>('adapters/memory/index.js'),
    load<typeof Redis>('adapters/redis/index.js'),
    // `codes.js` is where a tree from before the layout of ARCHITECTURE.md kept it.
    load<typeof Codes>('factors/code.js').catch(() => load<typeof Codes>('codes.js')),
    load<typeof Cas>('adapters/redis/cas-script.js'),
  ]);
  return {
    src: fromEnv ? resolve(fromEnv) : 'src/',
    createMfa: root.createMfa,
    memoryStores: memory.memoryStores,
    redisStores: redis.redisStores,
    CodeHasher: codes.CodeHasher,
    generateCode: codes.generateCode,
    randomId: codes.randomId,
    CAS_SCRIPT: cas.CAS_SCRIPT,
    CAS_SHA: cas.CAS_SHA,
  };
}
