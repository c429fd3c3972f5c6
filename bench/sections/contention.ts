/**
 * 4. Contention: `requests` concurrent wrong verifies of one user's one live code. The
 * rules allow exactly `maxTries` (4) of them to count; every other one must be refused
 * without counting, and nothing may throw. Retries are compare-and-set writes that lost.
 */
import { performance } from 'node:perf_hooks';
import type { Mfa } from 'mfakit';
import { type CaptureSender, type CountingState, expectOk, type User, wrongCode } from '../lib/fixture.js';
import { round } from '../lib/stats.js';

export interface ContentionResult {
  readonly store: string;
  readonly requests: number;
  /** Instances (each with its own store client) the requests were spread over. */
  readonly instances: number;
  /** Failures recorded in the user's state afterwards (`getStatus().failures`): must be 4. */
  readonly triesCounted: number;
  readonly consecutiveFailures: number;
  /** Responses that say they counted (`code_mismatch`, or the `code_exhausted` that killed the code). */
  readonly countedResponses: number;
  readonly outcomes: Record<string, number>;
  /** Compare-and-set writes that lost a race (each one is a re-read and re-decide). */
  readonly casRetries: number;
  readonly stateReads: number;
  readonly stateWrites: number;
  /** Requests that threw (e.g. `contention` after maxCasAttempts): must be 0. */
  readonly errors: number;
  readonly firstError?: string;
  readonly wallMs: number;
}

export async function runContention(
  store: string,
  instances: readonly { mfa: Mfa; state: CountingState }[],
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
  const before = instances.map((i) => ({ r: i.state.reads, w: i.state.writes, f: i.state.failedWrites }));

  const t0 = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: requests }, (_, k) => (instances[k % instances.length] as (typeof instances)[number]).mfa.verify(user.id, wrong)),
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
  const sum = (f: (i: { state: CountingState }, k: number) => number) => instances.reduce((a, i, k) => a + f(i, k), 0);
  return {
    store,
    requests,
    instances: instances.length,
    triesCounted: status.failures,
    consecutiveFailures: status.consecutiveFailures,
    countedResponses: counted,
    outcomes,
    casRetries: sum((i, k) => i.state.failedWrites - (before[k]?.f ?? 0)),
    stateReads: sum((i, k) => i.state.reads - (before[k]?.r ?? 0)),
    stateWrites: sum((i, k) => i.state.writes - (before[k]?.w ?? 0)),
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    wallMs: round(wallMs, 1),
  };
}
