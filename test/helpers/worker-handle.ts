/**
 * The parent's side of the cross-process tests (Redis and PostgreSQL): one forked worker
 * process with a queue of the messages it sent, and a tally of what the calls resolved to.
 */
import type { ChildProcess } from 'node:child_process';
import type { Call, Outcome, RoundOptions, ToWorker } from '../redis/worker.js';
import type { RoundReport } from './worker-rounds.js';

/** One worker process and a queue of the messages it sent (`M`: what it sends). */
export class WorkerHandle<M extends { readonly type: string }> {
  readonly #inbox: M[] = [];
  readonly #waiters: ((m: M) => void)[] = [];
  readonly #exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: M) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter(m);
      else this.#inbox.push(m);
    });
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** The next message; a `failed` one or a dead worker rejects. */
  async next(timeoutMs = 30_000): Promise<M> {
    const queued = this.#inbox.shift();
    const msg =
      queued ??
      (await new Promise<M>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker ${this.child.pid}: no message in ${timeoutMs} ms`)), timeoutMs);
        this.#waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
        this.#exited.then(() => reject(new Error(`worker ${this.child.pid} exited`)), () => undefined);
      }));
    if (msg.type === 'failed') throw new Error(`worker ${this.child.pid} failed: ${(msg as { message?: string }).message ?? ''}`);
    return msg;
  }

  post(msg: ToWorker): void {
    this.child.send(msg);
  }

  /** Asks it to exit; kills it if it has not within 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.post({ type: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

/** How many calls resolved to each outcome (`ok`, an error code, or `threw:<code>`). */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.ok === true ? 'ok' : o.ok === 'threw' ? `threw:${o.error}` : o.error;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** What one round across the workers resolved to. */
export interface RoundResult {
  readonly outcomes: Outcome[];
  /** Messages sent, with the index of the worker that sent each. */
  readonly sent: { worker: number; to: string; code: string | undefined }[];
}

/**
 * Prepares every worker with its share of `calls` for `userId`, waits until all are ready,
 * releases them together and gathers what they did (`doneTimeoutMs`: how long the calls may take;
 * `options`: the round's createMfa options beyond the defaults).
 */
export async function runRound<M extends { readonly type: string }>(
  workers: readonly WorkerHandle<M>[],
  prefix: string,
  userId: string,
  calls: readonly Call[],
  doneTimeoutMs?: number,
  options?: RoundOptions,
): Promise<RoundResult> {
  const shares = workers.map((_, i) => calls.filter((_, j) => j % workers.length === i));
  workers.forEach((w, i) => w.post({ type: 'prepare', prefix, userId, calls: shares[i] ?? [], ...(options ? { options } : {}) }));
  for (const w of workers) {
    const ready = await w.next();
    if (ready.type !== 'ready') throw new Error(`expected ready, got ${ready.type}`);
  }
  for (const w of workers) w.post({ type: 'go' });
  const done = await Promise.all(workers.map((w) => w.next(doneTimeoutMs)));
  const outcomes: Outcome[] = [];
  const sent: RoundResult['sent'] = [];
  done.forEach((msg, worker) => {
    const m = msg as { readonly type: string } | RoundReport;
    if (m.type !== 'done' || !('outcomes' in m)) throw new Error(`unexpected ${m.type}`);
    outcomes.push(...m.outcomes);
    sent.push(...m.sent.map((s) => ({ worker, ...s })));
  });
  return { outcomes, sent };
}

/** `count` copies of one call. */
export const many = (count: number, call: Call): Call[] => Array.from({ length: count }, () => call);
