/**
 * One auth-server process for the Postgres cross-process tests, run by the parent with
 * `child_process.fork(..., { execArgv: ['--import', 'tsx'] })`: the Redis workers'
 * protocol (`test/redis/worker.ts`) over `kyselyStores` on its own `pg` pool.
 *
 * argv: `<port> <secret>`. Says `connected`, then per round: `prepare` (a fresh createMfa
 * over kyselyStores with the round's tablePrefix and its own outbox) → `ready`; `go` →
 * runs every call at once → `done`. `exit` closes the pool and exits; so does losing the
 * parent.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createMfa, MfaError, type Mfa } from 'mfakit';
import { kyselyStores } from '../../src/adapters/kysely/index.js';
import { outboxSender, type OutboxSender } from '../../src/testing/outbox.js';
import type { Call, Outcome, ToWorker } from '../redis/worker.js';

/** Worker → parent. */
export type FromPgWorker =
  | { readonly type: 'connected'; readonly pid: number }
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly outcomes: Outcome[]; readonly sent: { to: string; code: string | undefined }[] }
  | { readonly type: 'failed'; readonly message: string };

const send = (msg: FromPgWorker): void => {
  process.send?.(msg);
};

function outcomeOf(res: { ok: boolean; error?: string; attemptsLeft?: number; failuresLeft?: number }): Outcome {
  if (res.ok) return { ok: true };
  return {
    ok: false,
    error: res.error ?? 'unknown',
    ...(res.attemptsLeft !== undefined ? { attemptsLeft: res.attemptsLeft } : {}),
    ...(res.failuresLeft !== undefined ? { failuresLeft: res.failuresLeft } : {}),
  };
}

async function main(): Promise<void> {
  const [port, secret] = process.argv.slice(2);
  if (!port || !secret) throw new Error('usage: pg-worker.ts <port> <secret>');
  const pool = new pg.Pool({ host: '127.0.0.1', port: Number(port), user: 'postgres', database: 'postgres', max: 10 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  let round: { mfa: Mfa; outbox: OutboxSender; userId: string; calls: readonly Call[] } | undefined;

  const exit = async (code: number): Promise<never> => {
    await db.destroy().catch(() => undefined);
    process.exit(code);
  };
  process.on('disconnect', () => void exit(1)); // the parent is gone: never linger

  process.on('message', (msg: ToWorker) => {
    void (async () => {
      try {
        if (msg.type === 'exit') return await exit(0);
        if (msg.type === 'prepare') {
          const outbox = outboxSender();
          const mfa = createMfa({ stores: kyselyStores(db, { tablePrefix: msg.prefix }), senders: { sms: outbox }, secret, appName: 'Acme' });
          round = { mfa, outbox, userId: msg.userId, calls: msg.calls };
          return send({ type: 'ready' });
        }
        if (round === undefined) throw new Error('go before prepare');
        const { mfa, outbox, userId, calls } = round;
        const outcomes = await Promise.all(
          calls.map(async (call): Promise<Outcome> => {
            try {
              if (call.op === 'verify') return outcomeOf(await mfa.verify(userId, call.code));
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
  send({ type: 'connected', pid: process.pid });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) });
  process.exit(1);
});
