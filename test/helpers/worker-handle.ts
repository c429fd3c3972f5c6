/**
 * The parent's side of the cross-process tests (Redis and PostgreSQL): one forked worker
 * process with a queue of the messages it sent, and a tally of what the calls resolved to.
 */
import type { ChildProcess } from 'node:child_process';
import type { Outcome, ToWorker } from '../redis/worker.js';

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
