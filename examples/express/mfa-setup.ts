/**
 * Everything mfakit needs, in one place: stores, the senders (SMS, voice, email), the rules, the admin check,
 * and an audit log fed by mfakit's events. This is the file to copy first.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createMfa, type Clock, type EmailSender, type Mfa, type MfaOptions, type SmsSender, type Stores, type VoiceSender } from 'mfakit';
import { memoryStores } from 'mfakit/memory';
import type { AuditEntry, AuditTrail } from './audit-trail.js';
import { StartupError } from './startup-error.js';
import type { DemoUser, UserDirectory } from './users.js';

/** The product name in every message (text, call, email) and in the backup codes file. ADAPT: yours. */
export const APP_NAME = 'mfakit demo';

/** What {@link setupMfa} needs from the app. */
export interface MfaSetupOptions {
  readonly stores: Stores;
  /** One sender per channel; a channel without one is neither offered nor used. */
  readonly senders: { readonly sms: SmsSender; readonly voice?: VoiceSender | undefined; readonly email?: EmailSender | undefined };
  readonly clock: Clock;
  /** At least 32 characters; a list rotates secrets (the first signs, all verify). */
  readonly secret: string | readonly string[];
  readonly users: UserDirectory;
  /**
   * Record each sent message's id so the provider's status callbacks (`handleDeliveryReport`)
   * find their factor: on when a real provider reports back (default off).
   */
  readonly deliveryReports?: boolean;
  /** Where audit lines go (default: stdout). */
  readonly log?: (line: string) => void;
  /** Where the audit entries of admin actions go (the `/admin/audit` page); none by default. */
  readonly audit?: AuditTrail;
  /** Send budgets other than mfakit's defaults (10 per user, 10 per number, 100 per prefix, 100 per client IP, per hour). */
  readonly sending?: MfaOptions['sending'];
}

/** Creates the app's mfakit instance. */
export function setupMfa(o: MfaSetupOptions): Mfa {
  const mfa = createMfa({
    stores: o.stores,
    senders: {
      sms: o.senders.sms,
      ...(o.senders.voice ? { voice: o.senders.voice } : {}),
      ...(o.senders.email ? { email: o.senders.email } : {}),
    },
    secret: typeof o.secret === 'string' ? o.secret : [...o.secret],
    appName: APP_NAME,
    clock: o.clock,
    // A provider's late "undelivered" (a landline, a dead number) makes the factor invalid,
    // so the next sign-in falls back: one more short-lived store write per send.
    deliveryReports: o.deliveryReports ?? false,
    // ADAPT: this demo lets a user with no factor in and asks them to add one ('optional').
    // mfakit's default, 'required', answers such a user `must_enroll` instead: allow only the
    // enrollment pages until a first factor is confirmed.
    policy: 'optional',
    // ADAPT: the countries you can deliver to (and can afford to: SMS pumping targets
    // expensive destinations). Keep examples/express/views/messages.ts in sync.
    phone: { allowedCountries: ['AU', 'CA', 'JP', 'US'], defaultCountry: 'US' },
    // Admins can never be put on the exception list.
    isAdmin: (userId) => o.users.isAdmin(userId),
    // SMS-pumping defences: the per-IP budget counts the `ip` the routes pass (`req.ip`, see
    // `clientIp` in context.ts). ADAPT: `globalCap` (your spend ceiling), `perPrefix`.
    ...(o.sending ? { sending: o.sending } : {}),
    // Every rule (6 digits, 10 min expiry, 4 tries, 8 failures → 20 min lock, 30 s cooldown)
    // is a default, the same for every channel; override here, e.g. `lockout: { durationMs: 30 * 60_000 }`.
    // Without a preferred factor, sign-in uses the last used one, then sms, voice, email
    // (`channels.priority`): with SMS switched off, codes go by voice or email.
  });
  auditLog(mfa, o.log ?? ((line) => console.log(line)), o.audit, o.clock);
  return mfa;
}

/**
 * ADAPT: send these to your audit log / SIEM. Payloads carry masked numbers and ids,
 * never a code or a full number, so they are safe to log. Admin actions (`channel.changed`,
 * `user.unlocked`, `exception.*`, a `factor.enrolled` or `factor.removed` with `by`) carry who
 * (`by`), when (`at`) and why (`reason`). Each one also goes, as a structured entry, to the
 * app's audit trail (the `/admin/audit` page; see audit-trail.ts for why it is per process).
 */
function auditLog(mfa: Mfa, log: (line: string) => void, trail: AuditTrail | undefined, clock: Clock): void {
  const record = (entry: AuditEntry) => trail?.record(entry);
  const note = (e: { by?: string; reason?: string }) => `${e.by !== undefined ? ` by ${e.by}` : ''}${e.reason !== undefined ? `: ${e.reason}` : ''}`;
  mfa.on('code.sent', (e) => log(`[audit] ${e.purpose} code sent by ${e.channel} to ${e.maskedTo} for ${e.userId} via ${e.provider ?? e.sender} (message ${e.messageId})`));
  mfa.on('delivery.failed', (e) => log(`[audit] ${e.channel} delivery to ${e.maskedTo} failed for ${e.userId} (${e.deliveryReason ?? e.reason}${e.provider ? ` via ${e.provider}` : ''})`));
  mfa.on('delivery.reported', (e) => log(`[audit] ${e.channel} message ${e.messageId} for ${e.userId}: ${e.status}${e.errorCode ? ` (error ${e.errorCode})` : ''}`));
  mfa.on('devices.revoked', (e) => log(`[audit] remembered browsers of ${e.userId} forgotten${note(e)}`));
  mfa.on('user.locked', (e) => {
    log(`[audit] ${e.userId} locked until ${e.lockedUntil === null ? 'an admin unlocks' : new Date(e.lockedUntil).toISOString()}`);
    record({ action: 'user.locked', at: clock.now(), userId: e.userId, lockedUntil: e.lockedUntil });
  });
  mfa.on('user.unlocked', (e) => {
    log(`[audit] ${e.userId} unlocked${note(e)}`);
    record({ action: 'user.unlocked', at: e.at, userId: e.userId, ...audited(e) });
  });
  mfa.on('factor.enrolled', (e) => {
    const destination = e.maskedPhone ?? e.maskedEmail;
    log(`[audit] ${e.userId} enrolled ${destination ?? ''} for ${e.channel}${note(e)}`);
    record({ action: 'factor.enrolled', at: e.at, userId: e.userId, channel: e.channel, ...(destination !== undefined ? { destination } : {}), ...audited(e) });
  });
  mfa.on('factor.removed', (e) => {
    log(e.by !== undefined ? `[audit] ${e.by} removed factor ${e.factorId} (${e.channel}) of ${e.userId}: ${e.reason ?? 'no reason given'}` : `[audit] ${e.userId} removed factor ${e.factorId}`);
    const destination = e.maskedPhone ?? e.maskedEmail;
    record({ action: 'factor.removed', at: e.at, userId: e.userId, channel: e.channel, ...(destination !== undefined ? { destination } : {}), ...audited(e) });
  });
  mfa.on('factor.invalidated', (e) => {
    const destination = e.maskedPhone ?? e.maskedEmail;
    log(`[audit] ${destination ?? e.factorId} of ${e.userId} invalidated (${e.reason})`);
    record({ action: 'factor.invalidated', at: clock.now(), userId: e.userId, channel: e.channel, reason: e.reason, ...(destination !== undefined ? { destination } : {}) });
  });
  mfa.on('backup.generated', (e) => record({ action: 'backup.generated', at: clock.now(), userId: e.userId, channel: 'backup' }));
  mfa.on('exception.added', (e) => {
    log(`[audit] ${e.addedBy} exempted ${e.userId} from MFA: ${e.reason}`);
    record({ action: 'exception.added', at: e.at, userId: e.userId, ...audited(e) });
  });
  mfa.on('exception.removed', (e) => {
    // Emitted also when there was no entry: the attempt is audited too.
    log(`[audit] ${e.userId} removed from the exception list${e.removed ? '' : ' (was not on it)'}${note(e)}`);
    record({ action: 'exception.removed', at: e.at, userId: e.userId, ...audited(e), ...(e.removed ? {} : { nothingChanged: true as const }) });
  });
  mfa.on('channel.changed', (e) => {
    log(`[audit] channel ${e.channel} switched ${e.enabled ? 'on' : 'off'}${note(e)}`);
    record({ action: 'channel.changed', at: e.at, channel: e.channel, enabled: e.enabled, ...audited(e) });
  });
}

/** `by` and `reason` of an admin event, only when present. */
function audited(e: { readonly by?: string | undefined; readonly reason?: string | undefined }): { by?: string; reason?: string } {
  return { ...(e.by !== undefined ? { by: e.by } : {}), ...(e.reason !== undefined ? { reason: e.reason } : {}) };
}

/** The stores in use and how to release them. */
export interface StoreSetup {
  readonly kind: 'memory' | 'redis';
  readonly stores: Stores;
  close(): Promise<void>;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a valid URL)';
  }
}

/**
 * Memory stores by default; with `REDIS_URL`, Redis stores shared by every process.
 * The Redis adapter and ioredis are imported only in Redis mode. When Redis cannot be
 * reached at start-up this throws a `StartupError` that says to check `REDIS_URL`.
 *
 * ADAPT: with several processes, the sessions must be shared too (e.g. `connect-redis`
 * for express-session); this example keeps sessions in memory.
 */
export async function storesFromEnv(env: NodeJS.ProcessEnv, clock: Clock, log: (line: string) => void = (l) => console.error(l)): Promise<StoreSetup> {
  const url = env['REDIS_URL'];
  if (!url) return { kind: 'memory', stores: memoryStores({ clock }), close: async () => {} };
  const [{ Redis }, { redisStores }] = await Promise.all([import('ioredis'), import('mfakit/redis')]);
  // maxRetriesPerRequest: fail fast when Redis is down, so mfakit fails closed instead of hanging.
  // lazyConnect: connect below, so a Redis that is down is reported once, clearly, at start-up.
  const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 5_000 });
  let lastError = '';
  let started = false;
  // One line per outage, not ioredis's "Unhandled error event" with a stack at every retry
  // (before start-up succeeds, the StartupError below says it instead).
  client.on('error', (err: Error) => {
    if (started && err.message !== lastError) log(`[redis] ${err.message} (REDIS_URL=${redactUrl(url)})`);
    lastError = err.message;
  });
  client.on('ready', () => (lastError = ''));
  try {
    await client.connect();
  } catch (err) {
    const reason = lastError || (err instanceof Error ? err.message : String(err));
    client.disconnect(); // stop retrying in the background
    throw new StartupError(`Cannot connect to Redis at ${redactUrl(url)} (${reason}). Check REDIS_URL, start Redis, or unset REDIS_URL to use memory stores.`, { cause: err });
  }
  started = true;
  return {
    kind: 'redis',
    stores: redisStores(client, { keyPrefix: env['REDIS_KEY_PREFIX'] ?? 'mfakit-demo:' }),
    close: async () => {
      await client.quit();
    },
  };
}

/**
 * Gives demo users with a `phone` an active SMS factor and those with an `email` an active
 * email factor, written straight into the factor store (no code is sent, so no cooldown
 * starts). A real app enrolls through `enrollSms` / `enrollEmail` and `confirmEnrollment`.
 */
export async function seedDemoFactors(stores: Stores, users: readonly DemoUser[], now: number): Promise<void> {
  for (const u of users) {
    const seeds = [
      ...(u.phone ? [{ id: `f_demo_${u.username}`, channel: 'sms' as const, phone: u.phone }] : []),
      ...(u.email ? [{ id: `f_demo_${u.username}_email`, channel: 'email' as const, email: u.email }] : []),
    ];
    for (const seed of seeds) {
      if (await stores.factors.getFactor(u.id, seed.id)) continue; // keep what a Redis store already has
      await stores.factors.putFactor({ ...seed, userId: u.id, status: 'active', createdAt: now, activatedAt: now });
    }
  }
}

/** A secret from the environment, or a random one for this run (development only). */
export function secretFromEnv(env: NodeJS.ProcessEnv, name: string, production: boolean): string {
  const value = env[name];
  if (value) return value;
  if (production) throw new StartupError(`${name} must be set in production (32+ random characters)`);
  return randomBytes(32).toString('base64url');
}
