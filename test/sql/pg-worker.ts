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
import { kyselyStores } from '../../src/adapters/kysely/index.js';
import { serveRounds } from '../helpers/worker-rounds.js';
import type { Outcome } from '../redis/worker.js';

/** Worker → parent. */
export type FromPgWorker =
  | { readonly type: 'connected'; readonly pid: number }
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly outcomes: Outcome[]; readonly sent: { to: string; code: string | undefined }[] }
  | { readonly type: 'failed'; readonly message: string };

const send = (msg: FromPgWorker): void => {
  process.send?.(msg);
};

async function main(): Promise<void> {
  const [port, secret] = process.argv.slice(2);
  if (!port || !secret) throw new Error('usage: pg-worker.ts <port> <secret>');
  const pool = new pg.Pool({ host: '127.0.0.1', port: Number(port), user: 'postgres', database: 'postgres', max: 10 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();

  const exit = async (code: number): Promise<never> => {
    await db.destroy().catch(() => undefined);
    process.exit(code);
  };
  serveRounds((prefix) => kyselyStores(db, { tablePrefix: prefix }), secret, exit, send);
  send({ type: 'connected', pid: process.pid });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) });
  process.exit(1);
});
