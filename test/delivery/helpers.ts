/**
 * A user with an SMS factor (preferred) and other factors, on memory, SQLite or Redis stores, whose
 * SMS goes through the real Twilio sender to a local HTTP server; every event recorded.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { kyselyStores, migrate } from '../../src/adapters/kysely/index.js';
import { createMfa, type Mfa, type MfaEventMap, type MfaEventName, type MfaOptions, type SmsSender, type StateStore, type Stores } from 'mfakit';
import { memoryStores } from 'mfakit/memory';
import { redisStores } from 'mfakit/redis';
import { twilioSmsSender } from 'mfakit/senders';
import { fakeClock, type FakeClock } from '../../src/testing/clock.js';
import { EVENT_NAMES } from '../helpers/leak-spy.js';
import { emailRecorder, type Recorder, voiceRecorder } from '../helpers/senders.js';
import { SECRET } from '../helpers/setup.js';
import type { EmailMessage, VoiceMessage } from 'mfakit';

export const SMS_NUMBER = '+14155552671';
export const VOICE_NUMBER = '+14155550100';
export const ACCOUNT = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX';

/** Twilio's documented answers. */
export const twilio = {
  queued: (sid: string) => ({ status: 201, body: { sid, status: 'queued' } }),
  refused: (status: number, code: number, message: string) => ({ status, body: { code, message, status, more_info: `https://www.twilio.com/docs/errors/${code}` } }),
};

/** One recorded event. */
export type Seen = { [K in MfaEventName]: { name: K; payload: MfaEventMap[K] } }[MfaEventName];

/** A place to keep state: memory, or a Redis server (keys under a prefix of this run). */
export interface Backend {
  readonly name: string;
  stores(clock: FakeClock): Stores | Promise<Stores>;
  /** Every state key and value written under this backend's prefix (Redis), or through the wrapper (memory). */
  written(): Promise<string[]>;
  close(): Promise<void>;
}

export function memoryBackend(): Backend {
  const writes: string[] = [];
  return {
    name: 'memory',
    stores(clock) {
      const stores = memoryStores({ clock });
      const state: StateStore = {
        read: (key) => stores.state.read(key),
        write: (key, value, expected, ttl) => {
          writes.push(key, value ?? '');
          return stores.state.write(key, value, expected, ttl);
        },
      };
      // No combined fast path: every state write goes through the wrapper.
      return { factors: stores.factors, state };
    },
    written: async () => [...writes],
    close: async () => undefined,
  };
}

export function redisBackend(url: string): Backend {
  const io = new Redis(url, { maxRetriesPerRequest: 1 });
  const run = `mfakit-delivery:${process.pid}:${randomBytes(4).toString('hex')}:`;
  let worlds = 0;
  // Each world gets its own prefix, so the numbers' send budgets of one test do not reach the next.
  let prefix = run;
  return {
    name: 'redis',
    stores() {
      prefix = `${run}${++worlds}:`;
      return redisStores(io, { keyPrefix: prefix });
    },
    async written() {
      const keys = await io.keys(`${prefix}*`);
      const out: string[] = [];
      for (const key of keys) {
        out.push(key);
        const type = await io.type(key);
        if (type === 'string') out.push((await io.get(key)) ?? '');
        else if (type === 'hash') out.push(...Object.entries(await io.hgetall(key)).flat());
        else if (type === 'set') out.push(...(await io.smembers(key)));
      }
      return out;
    },
    async close() {
      const keys = await io.keys(`${run}*`);
      if (keys.length > 0) await io.del(...keys);
      await io.quit().catch(() => undefined);
    },
  };
}

/** SQLite in memory through the Kysely store (a fresh database per world). */
export function sqliteBackend(): Backend {
  let db: Kysely<unknown> | undefined;
  const all: Kysely<unknown>[] = [];
  return {
    name: 'sqlite',
    async stores(clock) {
      db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
      all.push(db);
      await migrate(db);
      return kyselyStores(db, { clock });
    },
    async written() {
      if (!db) return [];
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
      const out: string[] = [];
      for (const { name } of tables.rows) {
        const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
        out.push(...rows.rows.map((r) => Object.values(r).map(String).join('\n')));
      }
      return out;
    },
    async close() {
      for (const d of all) await d.destroy();
    },
  };
}

let users = 0;

export interface World {
  readonly mfa: Mfa;
  readonly clock: FakeClock;
  readonly stores: Stores;
  readonly userId: string;
  readonly voice: Recorder<VoiceMessage>;
  readonly email: Recorder<EmailMessage>;
  readonly seen: Seen[];
  /** The payloads of one event, in order. */
  events<K extends MfaEventName>(name: K): MfaEventMap[K][];
}

/** A user with an active SMS factor `f_sms` (preferred) and the `others` (`f_voice`, `f_email`). */
export async function world(
  backend: Backend,
  sms: SmsSender,
  others: readonly ('voice' | 'email')[] = ['voice', 'email'],
  options: Partial<MfaOptions> = {},
): Promise<World> {
  const clock = fakeClock(Date.now());
  const stores = await backend.stores(clock);
  const voice = voiceRecorder();
  const email = emailRecorder();
  const mfa = createMfa({ stores, clock, secret: SECRET, appName: 'Acme', senders: { sms, voice, email }, deliveryReports: true, ...options });
  const seen: Seen[] = [];
  for (const name of EVENT_NAMES) mfa.on(name, (payload) => seen.push({ name, payload } as Seen));
  const userId = `u${++users}`;
  const at = clock.now();
  await stores.factors.putFactor({ id: 'f_sms', userId, channel: 'sms', status: 'active', phone: SMS_NUMBER, createdAt: at, activatedAt: at });
  if (others.includes('voice')) await stores.factors.putFactor({ id: 'f_voice', userId, channel: 'voice', status: 'active', phone: VOICE_NUMBER, createdAt: at, activatedAt: at });
  if (others.includes('email')) await stores.factors.putFactor({ id: 'f_email', userId, channel: 'email', status: 'active', email: 'ada@example.com', createdAt: at, activatedAt: at });
  await stores.factors.setPreferred(userId, 'f_sms');
  return {
    mfa,
    clock,
    stores,
    userId,
    voice,
    email,
    seen,
    events: <K extends MfaEventName>(name: K) => seen.filter((s) => s.name === name).map((s) => s.payload as MfaEventMap[K]),
  };
}

/** The real Twilio sender, pointed at a local server. */
export const twilioAt = (url: string): SmsSender => twilioSmsSender({ accountSid: ACCOUNT, authToken: 'token', from: '+15557122661', baseUrl: url });

/** The codes in the bodies a server received. */
export const codesIn = (bodies: readonly string[]): string[] => bodies.flatMap((b) => /\b(\d{6})\b/.exec(decodeURIComponent(b.replace(/\+/g, ' ')))?.[1] ?? []);
