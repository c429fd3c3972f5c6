/**
 * Starts the example: `tsx examples/express/server.ts` (or `npm start`).
 *
 * Environment:
 * - `PORT` (default 3000), `HOST` (default 127.0.0.1; `0.0.0.0` to listen on every interface)
 * - `NODE_ENV=production`: no dev outbox, secure cookies, secrets required
 * - `MFA_SECRET`, `SESSION_SECRET`: 32+ random characters (random per run in development)
 * - `REDIS_URL`: use Redis stores (`mfakit/redis`) instead of memory
 * - `SMS_WEBHOOK_TOKEN`: token the STOP webhook requires (`/webhooks/sms?token=...`)
 * - `MFAKIT_TEST_CLOCK=1`: fake clock + `POST /__test/advance?ms=` (tests only; refused in production)
 * @module
 */
import type { AddressInfo } from 'node:net';
import { systemClock } from 'mfakit';
import { fakeClock } from 'mfakit/testing';
import { createApp } from './app.js';
import { storesFromEnv } from './mfa-setup.js';
import { DEMO_USERS } from './users.js';

const env = process.env;
const production = env['NODE_ENV'] === 'production';
const testClock = env['MFAKIT_TEST_CLOCK'] === '1' ? fakeClock(Date.now()) : undefined;
if (testClock && production) {
  console.error('MFAKIT_TEST_CLOCK is refused when NODE_ENV=production.');
  process.exit(1);
}
const clock = testClock ?? systemClock;
const storeSetup = await storesFromEnv(env, clock);
const { app } = await createApp({ production, clock, ...(testClock ? { testClock } : {}), stores: storeSetup.stores });

const port = Number(env['PORT'] ?? 3000);
const host = env['HOST'] ?? '127.0.0.1';
const server = app.listen(port, host, () => {
  const { port: actual } = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${actual}`;
  console.log(`mfakit example listening on ${url} (${storeSetup.kind} stores${production ? ', production mode' : ''}${testClock ? ', TEST CLOCK' : ''})`);
  if (!production) {
    console.log('Demo users (username / password):');
    for (const u of DEMO_USERS) console.log(`  ${u.username.padEnd(6)} / ${u.password.padEnd(16)} ${u.role}${u.phone ? ', SMS enrolled' : ', no number yet'}`);
    console.log(`Text messages appear at ${url}/dev/outbox`);
  }
});
server.on('error', (err) => {
  console.error(err.message);
  process.exit(1);
});

const shutdown = () => {
  server.close(() => void storeSetup.close().finally(() => process.exit(0)));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
