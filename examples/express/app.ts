/**
 * `createApp`: assembles the example server from its parts. Everything a test needs to
 * control (clock, stores, sender, users, secrets) can be injected.
 * @module
 */
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { MfaError, systemClock, type Clock, type EmailSender, type Mfa, type MfaOptions, type SmsSender, type Stores, type VoiceSender } from 'mfakit';
import { memoryStores } from 'mfakit/memory';
import type { FakeClock } from 'mfakit/testing';
import { AuditTrail } from './audit-trail.js';
import { type AppContext, pageContext } from './context.js';
import { type CodeChannel, devOutbox, type DevOutbox } from './dev-outbox.js';
import { LoginThrottle, type LoginLimits } from './login-throttle.js';
import type { Delivery } from './delivery-env.js';
import { secretFromEnv, seedDemoFactors, setupMfa } from './mfa-setup.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { challengeRoutes } from './routes/challenge.js';
import { devRoutes } from './routes/dev.js';
import { authenticatorRoutes, forgetTotpSecretElsewhere } from './routes/authenticator.js';
import { backupCodeRoutes, forgetBackupCodesElsewhere } from './routes/backup-codes.js';
import { enrollRoutes } from './routes/enroll.js';
import { homeRoutes } from './routes/home.js';
import { providerWebhookRoutes } from './routes/provider-webhooks.js';
import { settingsRoutes } from './routes/settings.js';
import { stepUpRoutes } from './routes/step-up.js';
import { testClockRoutes } from './routes/test-clock.js';
import { type WebhookAuth, webhookAuth, webhookNotice, webhookRoutes } from './routes/webhooks.js';
import { csrf, cspNonce, nonceOf, securityHeaders } from './security.js';
import { HttpError, sessions } from './session.js';
import { StartupError } from './startup-error.js';
import { DEMO_USERS, type DemoUser, UserDirectory } from './users.js';
import { errorPage } from './views/error.js';

export interface CreateAppOptions {
  /** Production mode: no dev outbox, no demo credentials on the sign-in page, secure cookies. Default: `NODE_ENV === 'production'`. */
  readonly production?: boolean;
  /** The clock mfakit uses. Default: the system clock. */
  readonly clock?: Clock;
  /** A fake clock: used as the clock, and mounts `POST /__test/advance?ms=` (refused in production). */
  readonly testClock?: FakeClock;
  /** mfakit's stores. Default: memory stores. */
  readonly stores?: Stores;
  /**
   * Real delivery read from the environment (`deliveryFromEnv` in delivery-env.ts): the
   * providers' senders, their signed webhooks, and delivery reports. Default: none (the dev
   * outbox, and the token-guarded `/webhooks/sms`). `sender`, `voiceSender` and `emailSender`
   * take precedence over its senders.
   */
  readonly delivery?: Delivery;
  /** The SMS sender. Default: `delivery`'s, else the dev outbox; required in production. */
  readonly sender?: SmsSender;
  /** The voice-call sender. Default: the dev outbox; in production, without one, voice is not offered. */
  readonly voiceSender?: VoiceSender;
  /** The email sender. Default: the dev outbox; in production, without one, email is not offered. */
  readonly emailSender?: EmailSender;
  /** The users. Default: {@link DEMO_USERS}. */
  readonly users?: readonly DemoUser[];
  /** Give users with a `phone` or an `email` an active factor at start-up (default `true`). */
  readonly seedFactors?: boolean;
  /** mfakit's code-hashing secret (default: `MFA_SECRET`, random in development). */
  readonly mfaSecret?: string;
  /** Signs session cookies and CSRF tokens (default: `SESSION_SECRET`, random in development). */
  readonly sessionSecret?: string;
  /** Shared token the SMS webhook requires (default: `SMS_WEBHOOK_TOKEN`). Without one the webhook refuses every request. */
  readonly webhookToken?: string;
  /**
   * Opens the SMS webhook without a token (default: `SMS_WEBHOOK_INSECURE_NO_TOKEN === '1'`).
   * Development only: refused in production, and announced on stderr at start-up.
   */
  readonly webhookInsecureNoToken?: boolean;
  /** Password-guessing limits (default: `DEFAULT_LOGIN_LIMITS` in login-throttle.ts: 10 wrong per account, 100 per IP, per 15 min); tests pass small ones. */
  readonly loginLimits?: Partial<LoginLimits>;
  /** Audit log lines (default: stdout). */
  readonly log?: (line: string) => void;
  /** mfakit's send budgets (default: mfakit's, e.g. 100 sends per client IP per hour); tests pass small ones. */
  readonly sending?: MfaOptions['sending'];
}

export interface CreatedApp {
  readonly app: Express;
  readonly mfa: Mfa;
  readonly clock: Clock;
  readonly users: UserDirectory;
  /** The dev outbox, when the default development sender is in use. */
  readonly outbox: DevOutbox | undefined;
  /** The audit trail of this instance (the `/admin/audit` page), fed by mfakit's events. */
  readonly audit: AuditTrail;
  /**
   * How the STOP webhook authenticates its caller: `signed` (a provider is configured: its
   * signed webhooks, and no `/webhooks/sms`), else `token`, `closed` (no token set) or `insecure-open`.
   */
  readonly webhook: WebhookAuth['kind'] | 'signed';
}

export async function createApp(options: CreateAppOptions = {}): Promise<CreatedApp> {
  const env = process.env;
  const production = options.production ?? env['NODE_ENV'] === 'production';
  if (production && options.testClock) throw new StartupError('The test clock is never available in production.');
  const signedHooks = options.delivery?.webhooks;
  const hook = webhookAuth({
    token: options.webhookToken ?? env['SMS_WEBHOOK_TOKEN'],
    insecureNoToken: options.webhookInsecureNoToken ?? env['SMS_WEBHOOK_INSECURE_NO_TOKEN'] === '1',
    production,
  });
  // Loud on purpose, wherever the app is created (server.ts announces a closed webhook too).
  if (hook.kind === 'insecure-open' && !signedHooks) console.warn(webhookNotice(hook));
  const clock: Clock = options.testClock ?? options.clock ?? systemClock;
  const demo = options.users ?? DEMO_USERS;
  const users = await UserDirectory.create(demo);
  const stores = options.stores ?? memoryStores({ clock });

  const real = {
    sms: options.sender ?? options.delivery?.sms,
    voice: options.voiceSender ?? options.delivery?.voice,
    email: options.emailSender ?? options.delivery?.email,
  };
  // In development, a channel without a real sender goes to the dev outbox.
  const anyMissing = !real.sms || !real.voice || !real.email;
  const outbox = anyMissing && !production ? devOutbox(clock) : undefined;
  const sms = real.sms ?? outbox?.senders.sms;
  if (!sms) {
    throw new StartupError('No SMS sender: in production, set SMS_PROVIDER (twilio, vonage or sns) and its variables (see examples/express/README.md, "Send real messages").');
  }
  const senders = { sms, voice: real.voice ?? outbox?.senders.voice, email: real.email ?? outbox?.senders.email };
  const channels = new Set<CodeChannel>((['sms', 'voice', 'email'] as const).filter((ch) => senders[ch] !== undefined));
  const audit = new AuditTrail();
  const mfa = setupMfa({
    stores,
    senders,
    clock,
    users,
    secret: options.mfaSecret ?? secretFromEnv(env, 'MFA_SECRET', production),
    deliveryReports: options.delivery?.deliveryReports ?? false,
    log: options.log ?? ((line) => console.log(line)),
    audit,
    ...(options.sending ? { sending: options.sending } : {}),
  });
  if (options.seedFactors ?? true) await seedDemoFactors(stores, demo, clock.now());

  const sessionSecret = options.sessionSecret ?? secretFromEnv(env, 'SESSION_SECRET', production);
  const { protect, tokenFor } = csrf({ secret: sessionSecret, production });
  const log = options.log ?? ((line: string) => console.log(line));
  const ctx: AppContext = { mfa, users, clock, production, outbox, channels, demoUsers: production ? undefined : demo, tokenFor, log, audit };

  const app = express();
  app.disable('x-powered-by');
  // ADAPT: behind a reverse proxy that terminates TLS: app.set('trust proxy', 1) (the number
  // of proxies in front, or their addresses). It also makes `req.ip` the client's address,
  // which mfakit's per-IP send budget counts (`ip` in the routes): set it wrong and the budget
  // counts the proxy (every user shares one), or trusts a forged X-Forwarded-For.
  app.use(cspNonce, securityHeaders(production));
  app.use('/assets', express.static(fileURLToPath(new URL('./assets', import.meta.url)), { maxAge: production ? '1d' : 0 }));
  if (options.testClock) app.use(testClockRoutes(options.testClock));
  if (signedHooks) {
    // Called by the providers: no session, no CSRF token; each request must carry the
    // provider's signature. Before the app's body parser: they parse their own bodies.
    app.use(providerWebhookRoutes(ctx, signedHooks));
  }
  app.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));
  // Development without a provider: the STOP route guarded by a shared token (or closed).
  if (!signedHooks) app.use(webhookRoutes(ctx, hook));

  app.use(cookieParser(), sessions({ secret: sessionSecret, production }), protect, forgetTotpSecretElsewhere, forgetBackupCodesElsewhere);
  app.use(authRoutes(ctx, new LoginThrottle(options.loginLimits)), challengeRoutes(ctx), homeRoutes(ctx), stepUpRoutes(ctx), settingsRoutes(ctx), enrollRoutes(ctx), authenticatorRoutes(ctx), backupCodeRoutes(ctx), adminRoutes(ctx));
  if (outbox) app.use(devRoutes(ctx, outbox));

  app.use((_req, _res, next) => next(new HttpError(404, 'There is nothing at this address.')));
  app.use(errorHandler(ctx));
  return { app, mfa, clock, users, outbox, audit, webhook: signedHooks ? 'signed' : hook.kind };
}

/** Renders errors as pages; internal details go to the log, never to the browser. */
function errorHandler(ctx: AppContext): ErrorRequestHandler {
  return async (err: unknown, req, res, _next) => {
    let status = 500;
    let message = 'Something went wrong on our side. Try again in a moment.';
    const e = err as { status?: unknown; code?: unknown };
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
    } else if (e.code === 'EBADCSRFTOKEN') {
      status = 403;
      message = 'This form has expired or did not come from this site. Go back, reload the page and try again.';
    } else if (err instanceof MfaError && err.code === 'invalid_argument') {
      status = 400;
      message = 'The request was not valid.';
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      status = e.status; // body-parser: too large, malformed
      message = 'The request was not valid.';
    } else {
      console.error('[app] unexpected error', err);
    }
    if (res.headersSent) return;
    res.status(status);
    try {
      if (!req.session) throw new Error('no session');
      res.send(errorPage(await pageContext(ctx, req, res), status, message));
    } catch {
      // Before the session middleware (or if it failed): a page without forms.
      res.send(errorPage({ csrf: '', nonce: nonceOf(res), user: undefined, flash: undefined, showOutbox: false, banner: undefined, now: ctx.clock.now() }, status, message));
    }
  };
}
