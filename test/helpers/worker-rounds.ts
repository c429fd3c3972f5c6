/**
 * The worker's side of the cross-process tests (Redis and PostgreSQL): per round, `prepare`
 * builds a fresh createMfa over the round's stores and its own outbox → `ready`; `go` runs
 * every call at once → `done` with each outcome and every message the outbox accepted;
 * `exit` ends the process.
 */
import { createMfa, MfaError, type Mfa, type Stores } from 'mfakit';
import { outboxSender, type OutboxSender } from '../../src/testing/outbox.js';
import type { Call, Outcome, ToWorker } from '../redis/worker.js';

/** What a worker reports back in a round. */
export type RoundReport =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly outcomes: Outcome[]; readonly sent: { to: string; code: string | undefined }[] }
  | { readonly type: 'failed'; readonly message: string };

/** One call's result as the parent tallies it (never the code or the number). */
export function outcomeOf(res: { ok: boolean; error?: string; attemptsLeft?: number; failuresLeft?: number; scope?: string }): Outcome {
  if (res.ok) return { ok: true };
  return {
    ok: false,
    error: res.error ?? 'unknown',
    ...(res.attemptsLeft !== undefined ? { attemptsLeft: res.attemptsLeft } : {}),
    ...(res.failuresLeft !== undefined ? { failuresLeft: res.failuresLeft } : {}),
    ...(res.scope !== undefined ? { scope: res.scope } : {}),
  };
}

/** Answers the parent's messages: `storesFor(prefix)` gives the round's stores; `exit` closes the client and ends the process. */
export function serveRounds(storesFor: (prefix: string) => Stores, secret: string, exit: (code: number) => Promise<never>, send: (msg: RoundReport) => void): void {
  let round: { mfa: Mfa; outbox: OutboxSender; userId: string; calls: readonly Call[] } | undefined;
  process.on('disconnect', () => void exit(1)); // the parent is gone: never linger
  process.on('message', (msg: ToWorker) => {
    void (async () => {
      try {
        if (msg.type === 'exit') return await exit(0);
        if (msg.type === 'prepare') {
          const outbox = outboxSender();
          const mfa = createMfa({ stores: storesFor(msg.prefix), senders: { sms: outbox }, secret, appName: 'Acme', ...msg.options });
          round = { mfa, outbox, userId: msg.userId, calls: msg.calls };
          return send({ type: 'ready' });
        }
        if (round === undefined) throw new Error('go before prepare');
        const { mfa, outbox, userId, calls } = round;
        const outcomes = await Promise.all(
          calls.map(async (call): Promise<Outcome> => {
            try {
              if (call.op === 'verify') return outcomeOf(await mfa.verify(userId, call.code));
              if (call.op === 'confirmEnrollment') return outcomeOf(await mfa.confirmEnrollment(call.userId, call.code));
              return outcomeOf(await mfa.startChallenge(call.userId ?? userId));
            } catch (err) {
              return { ok: 'threw', error: err instanceof MfaError ? err.code : String(err) };
            }
          }),
        );
        send({ type: 'done', outcomes, sent: outbox.messages.map((m) => ({ to: m.to, code: m.code })) });
      } catch (err) {
        send({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) });
      }
    })();
  });
}
