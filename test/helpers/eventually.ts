import { setTimeout as sleep } from 'node:timers/promises';

/** Retries `fn` every 50 ms until it resolves, or rethrows its last error after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}
