import { MfaError } from '../../config/errors.js';
import { tickWrites } from './tick-writes.js';

/**
 * The part of an **ioredis** 5 client (`Redis` or `Cluster`) that mfakit uses.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const client: IoredisLike = new Redis(process.env.REDIS_URL!);
 * ```
 */
export interface IoredisLike {
  /** Sends any command: `client.call('GET', 'key')`. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/**
 * The part of a **node-redis** 5 client (`createClient()`) that mfakit uses.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client: NodeRedisLike = await createClient({ url: process.env.REDIS_URL }).connect();
 * ```
 */
export interface NodeRedisLike {
  /** Sends any command: `client.sendCommand(['GET', 'key'])`. */
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * The part of a **node-redis** 5 cluster client (`createCluster()`) that mfakit uses.
 *
 * @example
 * ```ts
 * import { createCluster } from 'redis';
 * const client: NodeRedisClusterLike = await createCluster({ rootNodes: [{ url }] }).connect();
 * ```
 */
export interface NodeRedisClusterLike {
  /** Sends a command to the node that owns `firstKey`. */
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  /** Present on cluster clients only; used to tell them apart from single-node clients. */
  getSlotRandomNode(slot: number): unknown;
}

/**
 * A Redis client mfakit can use: ioredis 5 (`Redis`, `Cluster`), node-redis 5
 * (`createClient`, `createCluster`), or a bare function that sends one command and
 * resolves its RESP2 reply (strings, integers, arrays, `null`).
 *
 * @example
 * ```ts
 * const viaFunction: RedisClientLike = (command, args) => myClient.send(command, ...args);
 * ```
 */
export type RedisClientLike =
  | IoredisLike
  | NodeRedisLike
  | NodeRedisClusterLike
  | ((command: string, args: string[]) => Promise<unknown>);

/**
 * Sends one command, with the key that routes it on a cluster. Rejects with
 * `MfaError('store_failed')` on any error, the Redis error as `cause`.
 * @internal
 */
export type RedisCall = (command: string, key: string, args: string[]) => Promise<unknown>;

function isFunction(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === 'function';
}

/** Sends one command as the client's own API does; `batchWrites`: an ioredis client's writes of a turn are held together (tick-writes.ts). @internal */
export function rawCall(client: RedisClientLike, batchWrites = true): (command: string, key: string, args: string[]) => Promise<unknown> {
  if (typeof client === 'function') return (command, _key, args) => client(command, args);
  const c = client as unknown as Record<string, unknown>;
  // ioredis also has a `sendCommand`, taking a Command object: check `call` first.
  if (isFunction(c['call'])) {
    const io = client as IoredisLike;
    const hold = batchWrites ? tickWrites(client) : null;
    if (hold === null) return (command, _key, args) => io.call(command, ...args);
    return (command, _key, args) => {
      hold();
      return io.call(command, ...args);
    };
  }
  if (isFunction(c['sendCommand']) && isFunction(c['getSlotRandomNode'])) {
    const cluster = client as NodeRedisClusterLike;
    return (command, key, args) => cluster.sendCommand(key, false, [command, ...args]);
  }
  if (isFunction(c['sendCommand'])) {
    const node = client as NodeRedisLike;
    return (command, _key, args) => node.sendCommand([command, ...args]);
  }
  throw new MfaError(
    'invalid_options',
    'redisStores: unsupported client; pass an ioredis or node-redis 5 client, or a (command, args) => Promise function',
  );
}

/**
 * Whether `client` is a cluster client: ioredis `Cluster` (`isCluster`) or node-redis
 * `createCluster` (`getSlotRandomNode`). A bare function is taken as one node.
 * @internal
 */
export function isClusterClient(client: RedisClientLike): boolean {
  if (typeof client === 'function') return false;
  const c = client as unknown as Record<string, unknown>;
  return c['isCluster'] === true || isFunction(c['getSlotRandomNode']);
}

/** Whether `err` is Redis's NOSCRIPT reply to EVALSHA. @internal */
export function isNoScript(err: unknown): boolean {
  const cause = err instanceof MfaError ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.startsWith('NOSCRIPT');
}

/** ioredis statuses of a client that is still starting: `'wait'` is a `lazyConnect` client not yet connecting. */
const STARTING: ReadonlySet<unknown> = new Set(['wait', 'connecting', 'connect', 'reconnecting', 'close']);

/**
 * Whether `client` is ready (`true`), still starting (`false`: worth waiting for its
 * `ready` event), or neither / unknown (`null`: send at once and let the client answer).
 * ioredis `Redis` and `Cluster` have `status`; a node-redis client has `isOpen` and
 * `isReady` (open but not ready: connecting).
 */
function readiness(c: Record<string, unknown>): boolean | null {
  const status = c['status'];
  if (typeof status === 'string') return status === 'ready' ? true : STARTING.has(status) ? false : null;
  if (typeof c['isReady'] === 'boolean' && typeof c['isOpen'] === 'boolean') {
    return c['isReady'] ? true : c['isOpen'] ? false : null;
  }
  return null;
}

interface Emitter {
  on(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
}

/**
 * For a client that has not been ready yet (created and used at once, as the README
 * does), a function that says whether a command may be sent now (`null`) or returns a
 * promise that resolves once it may: at the client's first `ready` (or `end`). A command
 * is sent at once when the client is ready, was ready before (a reconnect fails fast, as
 * the client is configured to), or is of an unknown shape. `null` for a bare function.
 * An ioredis `lazyConnect` client is told to connect, as its own first command would.
 */
function startupGate(client: RedisClientLike): (() => Promise<void> | null) | null {
  if (typeof client === 'function') return null;
  const c = client as unknown as Record<string, unknown>;
  const observable = typeof c['status'] === 'string' || (typeof c['isReady'] === 'boolean' && typeof c['isOpen'] === 'boolean');
  if (!observable || !isFunction(c['on']) || !isFunction(c['removeListener'])) return null;
  const emitter = client as unknown as Emitter;
  let started = false;
  let pending: Promise<void> | undefined;
  const waitReady = (): Promise<void> =>
    (pending ??= new Promise<void>((resolve) => {
      const done = (): void => {
        emitter.removeListener('ready', onReady);
        emitter.removeListener('end', done);
        pending = undefined;
        resolve();
      };
      const onReady = (): void => {
        started = true;
        done();
      };
      emitter.on('ready', onReady);
      emitter.on('end', done);
    }));
  return () => {
    if (started) return null;
    const ready = readiness(c);
    if (ready !== false) {
      started = ready === true;
      return null;
    }
    if (c['status'] === 'wait' && isFunction(c['connect'])) {
      const connecting = (client as unknown as { connect(): unknown }).connect();
      if (connecting instanceof Promise) connecting.catch(() => undefined); // failures show as the command's error
    }
    return waitReady();
  };
}

/** Runs of 7 or more digits (a phone number, an id) in an error text. */
const LONG_NUMBER = /\+?\d{7,}/g;

/**
 * A plain copy of a Redis client's error that is safe to log: a fresh `Error` with the
 * original's `name` and the first line of its `message` only. Client errors carry the
 * command and its arguments (ioredis: `command.args`, e.g. a phone index key), and some
 * Redis replies echo arguments (`unknown command '…', with args beginning with: …`):
 * those are cut off, and any run of 7 or more digits is masked.
 * @internal
 */
export function plainError(err: unknown): Error {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unknown error';
  const firstLine = text.split('\n')[0] ?? '';
  const message = firstLine.replace(/,? with args beginning with:.*$/i, '').replace(LONG_NUMBER, '…').slice(0, 300);
  const safe = new Error(message);
  if (err instanceof Error && typeof err.name === 'string' && /^\w{1,64}$/.test(err.name) && err.name !== 'Error') {
    safe.name = err.name;
  }
  return safe;
}

/**
 * Wraps a client into a {@link RedisCall} that rejects with `MfaError('store_failed')`
 * on any error and, when `timeoutMs` is set, on a reply slower than that. The `cause` is
 * a {@link plainError}: never the client's error object, which holds the arguments.
 *
 * A client that is still starting (created just before the first call) is waited for:
 * the command is sent at its first `ready`, within the same `timeoutMs`; a command not
 * sent by then is never sent. `batchWrites`: see {@link rawCall}.
 * @internal
 */
export function redisCall(client: RedisClientLike, timeoutMs: number | null, batchWrites = true): RedisCall {
  const send = rawCall(client, batchWrites);
  const gate = startupGate(client);
  /** Sends once the starting client is ready, unless the time ran out first (then never). */
  const sendOnceReady = (waiting: Promise<void>, command: string, key: string, args: string[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      let expired = false;
      let sent = false;
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(() => {
              expired = true;
              reject(new Error(`timed out after ${timeoutMs} ms (${sent ? 'no reply' : 'the client was not ready'})`));
            }, timeoutMs);
      timer?.unref?.();
      const reply = waiting.then(() => {
        if (expired) return undefined; // not sent, ever
        sent = true;
        return send(command, key, args);
      });
      settleClearing(reply, timer, resolve, reject);
    });
  return async (command, key, args) => {
    try {
      const waiting = gate === null ? null : gate();
      if (waiting !== null) return await sendOnceReady(waiting, command, key, args);
      const reply = Promise.resolve(send(command, key, args));
      return await (timeoutMs === null ? reply : withTimeout(reply, timeoutMs));
    } catch (err) {
      const cause = plainError(err);
      throw new MfaError('store_failed', `Redis ${command} failed: ${cause.message}`, { cause });
    }
  };
}

const timedOut = (reject: (err: Error) => void, ms: number): void => reject(new Error(`timed out after ${ms} ms (no reply)`));

/**
 * `reply`, or a rejection after `ms` without one. A late reply or failure is ignored (never
 * unhandled). One timer, no `Promise.race`: this runs for every command.
 */
function withTimeout(reply: Promise<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(timedOut, ms, reject, ms);
    timer.unref?.();
    settleClearing(reply, timer, resolve, reject);
  });
}

/** Settles with `reply` (a settled promise ignores later calls) and clears `timer`. */
function settleClearing(
  reply: Promise<unknown>,
  timer: ReturnType<typeof setTimeout> | undefined,
  resolve: (value: unknown) => void,
  reject: (err: unknown) => void,
): void {
  reply.then(
    (value) => {
      clearTimeout(timer);
      resolve(value);
    },
    (err: unknown) => {
      clearTimeout(timer);
      reject(err);
    },
  );
}

/** Reads a bulk-string reply (`string`, `Buffer` or `null`). @internal */
export function asString(reply: unknown, command: string): string | null {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8');
  throw new MfaError('store_failed', `Redis ${command} returned an unexpected reply`);
}

/** Reads an integer reply. @internal */
export function asInteger(reply: unknown, command: string): number {
  if (typeof reply === 'number' && Number.isSafeInteger(reply)) return reply;
  if (typeof reply === 'string' && /^-?\d+$/.test(reply)) return Number(reply);
  throw new MfaError('store_failed', `Redis ${command} returned an unexpected reply`);
}

/** Reads an array of bulk strings (RESP2 array or RESP3 set). @internal */
export function asStrings(reply: unknown, command: string): (string | null)[] {
  if (reply instanceof Set) reply = [...reply];
  if (!Array.isArray(reply)) throw new MfaError('store_failed', `Redis ${command} returned an unexpected reply`);
  return reply.map((item: unknown) => asString(item, command));
}

/** Reads a map reply (RESP2 flat array, RESP3 `Map` or object) into entries. @internal */
export function asPairs(reply: unknown, command: string): [string, string][] {
  if (reply instanceof Map) reply = [...reply.entries()].flat();
  else if (reply !== null && typeof reply === 'object' && !Array.isArray(reply)) {
    reply = Object.entries(reply).flat();
  }
  const flat = asStrings(reply, command);
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i];
    const value = flat[i + 1];
    if (typeof field !== 'string' || typeof value !== 'string') {
      throw new MfaError('store_failed', `Redis ${command} returned an unexpected reply`);
    }
    pairs.push([field, value]);
  }
  return pairs;
}
