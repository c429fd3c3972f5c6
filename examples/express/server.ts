/**
 * Starts the example: `tsx examples/express/server.ts` (or `npm start`).
 *
 * Environment:
 * - `PORT` (default 3000), `HOST` (default 127.0.0.1; `0.0.0.0` to listen on every interface)
 * - `NODE_ENV=production`: no dev outbox, secure cookies, secrets required
 * - `MFA_SECRET`, `SESSION_SECRET`: 32+ random characters (random per run in development)
 * - `REDIS_URL`: use Redis stores (`mfakit/redis`) instead of memory
 * - `SMS_PROVIDER` (`console` by default: the dev outbox; `twilio`, `vonage`, `sns`), `SMS_FAILOVER`,
 *   the providers' variables, `PUBLIC_URL`, `SMTP_URL` + `MAIL_FROM`: see delivery-env.ts and the README
 * - `SMS_WEBHOOK_TOKEN` (no provider only): token the STOP webhook requires (`/webhooks/sms?token=...`);
 *   without it the webhook refuses every request, unless `SMS_WEBHOOK_INSECURE_NO_TOKEN=1` (development only)
 * - `MFAKIT_TEST_CLOCK=1`: fake clock + `POST /__test/advance?ms=` (tests only; refused in production)
 *
 * A start-up problem the operator can fix (Redis unreachable, a secret missing) ends the
 * process with one line on stderr and exit code 1, not a stack trace.
 * @module
 */
import type { AddressInfo } from 'node:net';
import { MfaError, systemClock } from 'mfakit';
import { fakeClock } from 'mfakit/testing';
import { createApp, type CreatedApp } from './app.js';
import { deliveryFromEnv } from './delivery-env.js';
import { redactUrl, storesFromEnv, type StoreSetup } from './mfa-setup.js';
import { StartupError } from './startup-error.js';
import { TWILIO_INBOUND_PATH, TWILIO_STATUS_PATH, VONAGE_INBOUND_PATH, VONAGE_STATUS_PATH, type ProviderWebhooks } from './routes/provider-webhooks.js';
import { webhookNotice } from './routes/webhooks.js';
import { DEMO_USERS } from './users.js';

const env = process.env;
const production = env['NODE_ENV'] === 'production';

/** The one line to print for a start-up failure, or `undefined` for a bug (printed with its stack). */
function startupHint(err: unknown): string | undefined {
  if (err instanceof StartupError) return err.message;
  const redis = env['REDIS_URL'];
  if (err instanceof MfaError && err.code === 'store_failed' && redis) {
    return `The Redis store failed during start-up (${err.message}). Check REDIS_URL (${redactUrl(redis)}) and that Redis is up.`;
  }
  return undefined;
}

let storeSetup: StoreSetup | undefined;
let created: CreatedApp;
let deliverySummary = '';
let signedHooks: ProviderWebhooks | undefined;
const testClock = env['MFAKIT_TEST_CLOCK'] === '1' ? fakeClock(Date.now()) : undefined;
try {
  if (testClock && production) throw new StartupError('MFAKIT_TEST_CLOCK is refused when NODE_ENV=production.');
  const clock = testClock ?? systemClock;
  const delivery = await deliveryFromEnv(env); // before the stores: a bad variable opens no connection
  deliverySummary = delivery.summary;
  signedHooks = delivery.webhooks;
  storeSetup = await storesFromEnv(env, clock);
  created = await createApp({ production, clock, ...(testClock ? { testClock } : {}), stores: storeSetup.stores, delivery });
} catch (err) {
  const hint = startupHint(err);
  if (!hint) throw err;
  console.error(`mfakit example: cannot start: ${hint}`);
  await storeSetup?.close().catch(() => {});
  process.exit(1);
}
const stores = storeSetup;

const port = Number(env['PORT'] ?? 3000);
const host = env['HOST'] ?? '127.0.0.1';
const server = created.app.listen(port, host, () => {
  const { port: actual } = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${actual}`;
  console.log(`mfakit example listening on ${url} (${stores.kind} stores${production ? ', production mode' : ''}${testClock ? ', TEST CLOCK' : ''})`);
  console.log(`Delivery: ${deliverySummary}`);
  if (signedHooks) console.log(webhookLines(signedHooks));
  if (created.webhook === 'closed') console.log(webhookNotice({ kind: 'closed' }));
  if (!production) {
    console.log('Demo users (username / password):');
    for (const u of DEMO_USERS) {
      const factors = [u.phone && 'SMS', u.email && 'email'].filter(Boolean).join(' and ');
      console.log(`  ${u.username.padEnd(6)} / ${u.password.padEnd(16)} ${u.role}, ${factors ? `${factors} enrolled` : 'no number yet'}`);
    }
    if (!created.outbox) console.log('Every channel has a real sender: no dev outbox.');
    else if (signedHooks) console.log(`Messages on channels without a real sender appear at ${url}/dev/outbox`);
    else console.log(`Text messages, voice calls and emails appear at ${url}/dev/outbox`);
  }
});
server.on('error', (err) => {
  console.error(err.message);
  process.exit(1);
});

/** The webhook URLs to paste into the providers' consoles. */
function webhookLines(hooks: ProviderWebhooks): string {
  const lines = ['Signed webhooks (requests without a valid signature get 403):'];
  if (hooks.twilio) {
    lines.push(`  Twilio, the number's "A message comes in": ${hooks.publicUrl}${TWILIO_INBOUND_PATH}`);
    lines.push(`  Twilio status callbacks (sent with each message): ${hooks.publicUrl}${TWILIO_STATUS_PATH}`);
  }
  if (hooks.vonage) {
    lines.push(`  Vonage inbound SMS: ${hooks.publicUrl}${VONAGE_INBOUND_PATH}`);
    lines.push(`  Vonage delivery receipts (sent with each message): ${hooks.publicUrl}${VONAGE_STATUS_PATH}`);
  }
  return lines.join('\n');
}

const shutdown = () => {
  server.close(() => void stores.close().finally(() => process.exit(0)));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
