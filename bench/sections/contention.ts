/**
 * 4. Contention: `requests` concurrent wrong verifies of one user's one live code, through
 * the stores as users get them (`redisStores(client)` with its `combined` fast paths, or
 * `memoryStores()`). The rules allow exactly `maxTries` (4) of them to be compared and
 * counted; every other one must be refused without a comparison, and nothing may throw.
 * Retries are compare-and-sets that lost (a `write` that returned false or a `commit` that
 * answered `ok: false`): each is a decision taken again on the current record.
 */
import { performance } from 'node:perf_hooks';
import type { Mfa } from 'mfakit';
import { type CaptureSender, type CountingStores, expectOk, type User, wrongCode } from '../lib/fixture.js';
import { round } from '../lib/stats.js';

export interface ContentionResult {
  readonly store: string;
  readonly requests: number;
  /** Instances (each with its own store client) the requests were spread over. */
  readonly instances: number;
  /** Failures recorded in the user's state afterwards (`getStatus().failures`): must be 4. */
  readonly triesCounted: number;
  readonly consecutiveFailures: number;
  /** Responses that say they compared and counted (`code_mismatch`, or the `code_exhausted` that killed the code). */
  readonly countedResponses: number;
  /** Guesses compared against the code: the responses that counted (each one a comparison an attacker learns from). */
  readonly guessesCompared: number;
  readonly outcomes: Record<string, number>;
  /** Compare-and-set writes that lost a race (each one a decision taken again). */
  readonly casRetries: number;
  readonly stateReads: number;
  readonly stateWrites: number;
  /** Requests that threw (e.g. `contention` after maxCasAttempts): must be 0. */
  readonly errors: number;
  readonly firstError?: string;
  readonly wallMs: number;
}

export interface ContentionInstance {
  readonly mfa: Mfa;
  readonly stores: CountingStores;
}

export async function runContention(
  store: string,
  instances: readonly ContentionInstance[],
  sender: CaptureSender,
  user: User,
  requests: number,
): Promise<ContentionResult> {
  const first = instances[0];
  if (!first) throw new Error('contention: no instance');
  expectOk(await first.mfa.startChallenge(user.id), 'contention startChallenge');
  const code = sender.codes.get(user.phone);
  if (code === undefined) throw new Error('contention: no code sent');
  const wrong = wrongCode(code);
  const before = instances.map((i) => ({ ...i.stores.counts }));

  const t0 = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: requests }, (_, k) => (instances[k % instances.length] as ContentionInstance).mfa.verify(user.id, wrong)),
  );
  const wallMs = performance.now() - t0;

  const outcomes: Record<string, number> = {};
  let counted = 0;
  let errors = 0;
  let firstError: string | undefined;
  for (const s of settled) {
    if (s.status === 'rejected') {
      errors++;
      firstError ??= s.reason instanceof Error ? `${s.reason.name}: ${s.reason.message}` : String(s.reason);
      continue;
    }
    const r = s.value as { ok: boolean; error?: string; failuresLeft?: number };
    const key = r.ok ? 'ok' : (r.error ?? 'unknown');
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    if (r.error === 'code_mismatch' || (r.error === 'code_exhausted' && r.failuresLeft !== undefined)) counted++;
  }
  const status = await first.mfa.getStatus(user.id);
  const sum = (f: (c: { reads: number; writes: number; failedWrites: number }, b: { reads: number; writes: number; failedWrites: number }) => number) =>
    instances.reduce((a, i, k) => a + f(i.stores.counts, before[k] ?? { reads: 0, writes: 0, failedWrites: 0 }), 0);
  return {
    store,
    requests,
    instances: instances.length,
    triesCounted: status.failures,
    consecutiveFailures: status.consecutiveFailures,
    countedResponses: counted,
    guessesCompared: counted,
    outcomes,
    casRetries: sum((c, b) => c.failedWrites - b.failedWrites),
    stateReads: sum((c, b) => c.reads - b.reads),
    stateWrites: sum((c, b) => c.writes - b.writes),
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    wallMs: round(wallMs, 1),
  };
}

/** One row of the scaling table: `requests` concurrent wrong codes. */
export interface ScalingRow {
  readonly requests: number;
  readonly casRetries: number;
  /** casRetries / requests. */
  readonly retriesPerRequest: number;
  readonly guessesCompared: number;
  readonly triesCounted: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly wallMs: number;
}

export const toScalingRow = (r: ContentionResult): ScalingRow => ({
  requests: r.requests,
  casRetries: r.casRetries,
  retriesPerRequest: round(r.casRetries / r.requests, 2),
  guessesCompared: r.guessesCompared,
  triesCounted: r.triesCounted,
  errors: r.errors,
  ...(r.firstError !== undefined ? { firstError: r.firstError } : {}),
  wallMs: r.wallMs,
});
