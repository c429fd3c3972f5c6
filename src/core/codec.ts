/**
 * Compact JSON for the state records (short keys keep a user's record well under 512 bytes).
 * Decoding validates every field: a record that does not parse is a store fault, never "no state".
 * @internal
 * @module
 */
import { CHANNELS, type Channel, type Purpose } from './types.js';
import type { SlotCount } from './budgets.js';
import type { CodeRecord, DestinationState, UserState } from './state.js';

interface WireCode { i: string; p: 'e' | 's'; f: string; ch?: Channel; h: string; a: number; x: number; t: number; d?: 1 }
interface WireUser { b?: number; c?: WireCode; F?: number; C?: number; lf?: number; lu?: number; hl?: 1; ls?: number; s?: number[]; ts?: Record<string, number>; va?: number; bk?: WireBackup; dv?: string; de?: number }
interface WireBackup { f: string; h: string[]; u?: number }

const toWirePurpose = (p: Purpose): 'e' | 's' => (p === 'enroll' ? 'e' : 's');

/** The earlier of two times, either of which may be absent. */
const earlier = (b: number | undefined, t: number | undefined): number | undefined =>
  t === undefined ? b : b === undefined ? t : Math.min(b, t);

/**
 * The base of a user's record: the earliest of its times (`Math.min` of them, NaN and all),
 * `undefined` when it keeps none. A loop, not an array of the times: this runs at every commit.
 */
function baseOf(s: UserState): number | undefined {
  let b = earlier(s.code?.issuedAt, s.lastFailureAt);
  b = earlier(b, s.lockedUntil);
  b = earlier(b, s.lastSentAt);
  b = earlier(b, s.verifiedAt);
  for (const t of s.sends) b = earlier(b, t);
  return b;
}

/**
 * Serializes a user's state. Every time is stored relative to a base `b` (the earliest time
 * in the record), which keeps a full record (10 sends, a code, a lock) near 250 bytes.
 */
export function encodeUser(s: UserState): string {
  const earliest = baseOf(s);
  const b = earliest ?? 0;
  const w: WireUser = {};
  if (earliest !== undefined) w.b = b;
  if (s.code) {
    const c = s.code;
    w.c = { i: c.id, p: toWirePurpose(c.purpose), f: c.factorId, h: c.hash, a: c.issuedAt - b, x: c.expiresAt - b, t: c.tries };
    if (c.channel !== 'sms') w.c.ch = c.channel;
    if (c.dead) w.c.d = 1;
  }
  if (s.failures) w.F = s.failures;
  if (s.consecutive) w.C = s.consecutive;
  if (s.lastFailureAt !== undefined) w.lf = s.lastFailureAt - b;
  if (s.lockedUntil !== undefined) w.lu = s.lockedUntil - b;
  if (s.hardLocked) w.hl = 1;
  if (s.lastSentAt !== undefined) w.ls = s.lastSentAt - b;
  if (s.sends.length) w.s = s.sends.map((t) => t - b);
  if (s.verifiedAt !== undefined) w.va = s.verifiedAt - b;
  if (s.steps && Object.keys(s.steps).length > 0) w.ts = { ...s.steps };
  if (s.backup) {
    w.bk = { f: s.backup.factorId, h: [...s.backup.hashes] };
    if (s.backup.used) w.bk.u = s.backup.used;
  }
  if (s.devices) {
    // The expiry is relative to the base like every time (the base is 0 when no other time is kept).
    w.dv = s.devices.generation;
    w.de = s.devices.until - b;
  }
  return JSON.stringify(w);
}

const KNOWN_CHANNELS: ReadonlySet<unknown> = new Set<Channel>(CHANNELS);
const USER_KEYS: ReadonlySet<string> = new Set(['b', 'c', 'F', 'C', 'lf', 'lu', 'hl', 'ls', 's', 'ts', 'va', 'bk', 'dv', 'de']);
/** A device generation as mfakit draws it: 16 to 64 base64url characters (96 to 384 bits). */
const GENERATION = /^[A-Za-z0-9_-]{16,64}$/;
const BACKUP_KEYS: ReadonlySet<string> = new Set(['f', 'h', 'u']);
/** More hashes than mfakit ever generates in one set (and what a used-bit mask can hold). */
const MAX_BACKUP_HASHES = 30;
const CODE_KEYS: ReadonlySet<string> = new Set(['i', 'p', 'f', 'ch', 'h', 'a', 'x', 't', 'd']);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): boolean => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 0);
/** A counter mfakit writes only when it is not zero. */
const isPositiveCount = (v: unknown): boolean => v === undefined || (Number.isSafeInteger(v) && (v as number) > 0);
const onlyKeys = (o: object, allowed: ReadonlySet<string>): boolean => Object.keys(o).every((k) => allowed.has(k));
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;
const optNum = (v: unknown): boolean => v === undefined || isNum(v);

/**
 * Parses a user's state; throws on anything mfakit could not have written: a field it does
 * not write, a negative count, or an empty record (mfakit deletes a record with nothing in
 * it rather than writing `{}`).
 */
export function decodeUser(raw: string): UserState {
  const w = JSON.parse(raw) as WireUser;
  if (typeof w !== 'object' || w === null || Array.isArray(w)) throw new TypeError('state record is not an object');
  if (!onlyKeys(w, USER_KEYS)) throw new TypeError('state record has a field mfakit does not write');
  if (Object.keys(w).every((k) => k === 'b')) throw new TypeError('state record is empty');
  if (!isPositiveCount(w.F) || !isPositiveCount(w.C)) throw new TypeError('state record has a bad count');
  if (w.hl !== undefined && w.hl !== 1) throw new TypeError('state record has a bad lock flag');
  if (!optNum(w.b) || !optNum(w.F) || !optNum(w.C) || !optNum(w.lf) || !optNum(w.lu) || !optNum(w.ls) || !optNum(w.va)) {
    throw new TypeError('state record has a bad number');
  }
  if (w.s !== undefined && !(Array.isArray(w.s) && w.s.every(isNum))) throw new TypeError('state record has bad sends');
  const b = w.b ?? 0;
  let code: CodeRecord | undefined;
  if (w.c !== undefined) {
    const c = w.c;
    if (typeof c !== 'object' || c === null || Array.isArray(c) || !onlyKeys(c, CODE_KEYS) || (c.d !== undefined && c.d !== 1) || !KNOWN_CHANNELS.has(c.ch ?? 'sms') || !isCount(c.t)) {
      throw new TypeError('state record has a bad code');
    }
    if (!isStr(c.i) || !isStr(c.f) || !isStr(c.h) || !isNum(c.a) || !isNum(c.x) || !isNum(c.t) || (c.p !== 'e' && c.p !== 's')) {
      throw new TypeError('state record has a bad code');
    }
    code = {
      id: c.i,
      purpose: c.p === 'e' ? 'enroll' : 'sign_in',
      factorId: c.f,
      channel: c.ch ?? 'sms',
      hash: c.h,
      issuedAt: b + c.a,
      expiresAt: b + c.x,
      tries: c.t,
      ...(c.d === 1 ? { dead: true as const } : {}),
    };
  }
  if (w.ts !== undefined) {
    const ts: unknown = w.ts;
    if (typeof ts !== 'object' || ts === null || Array.isArray(ts) || Object.keys(ts).length === 0) throw new TypeError('state record has bad steps');
    for (const [factorId, step] of Object.entries(ts)) {
      if (!isStr(factorId) || !Number.isSafeInteger(step) || (step as number) < 0) throw new TypeError('state record has bad steps');
    }
  }
  if (w.bk !== undefined) {
    const bk: unknown = w.bk;
    if (typeof bk !== 'object' || bk === null || Array.isArray(bk) || !onlyKeys(bk, BACKUP_KEYS)) throw new TypeError('state record has bad backup codes');
    const { f, h, u } = bk as { f?: unknown; h?: unknown; u?: unknown };
    if (!isStr(f) || !Array.isArray(h) || h.length === 0 || h.length > MAX_BACKUP_HASHES || !h.every(isStr)) throw new TypeError('state record has bad backup codes');
    if (!isPositiveCount(u) || (u as number) >= 2 ** h.length) throw new TypeError('state record has bad backup codes');
  }
  if (w.dv !== undefined || w.de !== undefined) {
    // Both or neither: a generation without an expiry (or the reverse) is not mfakit's.
    if (typeof w.dv !== 'string' || !GENERATION.test(w.dv) || !isNum(w.de)) throw new TypeError('state record has bad trusted devices');
  }
  return {
    failures: w.F ?? 0,
    consecutive: w.C ?? 0,
    sends: w.s ? w.s.map((t) => b + t) : [],
    ...(code ? { code } : {}),
    ...(w.lf !== undefined ? { lastFailureAt: b + w.lf } : {}),
    ...(w.lu !== undefined ? { lockedUntil: b + w.lu } : {}),
    ...(w.hl === 1 ? { hardLocked: true as const } : {}),
    ...(w.ls !== undefined ? { lastSentAt: b + w.ls } : {}),
    ...(w.va !== undefined ? { verifiedAt: b + w.va } : {}),
    ...(w.ts !== undefined ? { steps: { ...w.ts } } : {}),
    ...(w.bk !== undefined ? { backup: { factorId: w.bk.f, hashes: [...w.bk.h], used: w.bk.u ?? 0 } } : {}),
    ...(w.dv !== undefined && w.de !== undefined ? { devices: { generation: w.dv, until: b + w.de } } : {}),
  };
}

/** Serializes a destination's send history. */
export function encodeDestination(d: DestinationState): string {
  return JSON.stringify({ s: d.sends });
}

/** Parses a destination's send history; throws on anything malformed (an empty history is deleted, never written). */
export function decodeDestination(raw: string): DestinationState {
  const w = JSON.parse(raw) as { s?: unknown } | null;
  if (typeof w !== 'object' || w === null || !onlyKeys(w, new Set(['s'])) || !Array.isArray(w.s) || w.s.length === 0 || !w.s.every(isNum)) {
    throw new TypeError('destination record is malformed');
  }
  return { sends: w.s };
}

/** Serializes one shard of the global cap (a count; a zero count is deleted, never written). */
export function encodeSlotCount(c: SlotCount): string {
  return JSON.stringify({ n: c.n });
}

/** Parses one shard of the global cap; throws on anything malformed. */
export function decodeSlotCount(raw: string): SlotCount {
  const w = JSON.parse(raw) as { n?: unknown } | null;
  if (typeof w !== 'object' || w === null || !onlyKeys(w, new Set(['n'])) || !Number.isSafeInteger(w.n) || (w.n as number) < 1) {
    throw new TypeError('global cap record is malformed');
  }
  return { n: w.n as number };
}

/** Whose message a provider's message id is (see `mfa.handleDeliveryReport`). */
export interface MessageRecord {
  readonly userId: string;
  readonly factorId: string;
  readonly channel: Channel;
  readonly purpose: Purpose;
  /** The keyed name of the number or address it went to (never the number). */
  readonly destination: string;
}

/** Serializes a message record. */
export function encodeMessage(m: MessageRecord): string {
  return JSON.stringify({ u: m.userId, f: m.factorId, c: m.channel, p: toWirePurpose(m.purpose), d: m.destination });
}

const MESSAGE_KEYS: ReadonlySet<string> = new Set(['u', 'f', 'c', 'p', 'd']);

/** Parses a message record; throws on anything mfakit could not have written. */
export function decodeMessage(raw: string): MessageRecord {
  const w = JSON.parse(raw) as Record<string, unknown> | null;
  if (typeof w !== 'object' || w === null || Array.isArray(w) || !onlyKeys(w, MESSAGE_KEYS)) throw new TypeError('message record is malformed');
  const { u, f, c, p, d } = w;
  if (!isStr(u) || !isStr(f) || !isStr(d) || !KNOWN_CHANNELS.has(c) || (p !== 'e' && p !== 's')) throw new TypeError('message record is malformed');
  return { userId: u, factorId: f, channel: c as Channel, purpose: p === 'e' ? 'enroll' : 'sign_in', destination: d };
}
