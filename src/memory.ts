/**
 * In-memory stores for one process: tests, development, and single-instance servers.
 * Several server processes must share a store instead (see `mfakit/redis`).
 *
 * ```ts
 * import { createMfa } from 'mfakit';
 * import { memoryStores } from 'mfakit/memory';
 *
 * const mfa = createMfa({ stores: memoryStores(), ...options });
 * ```
 *
 * @module
 */
export * from './adapters/memory/index.js';
