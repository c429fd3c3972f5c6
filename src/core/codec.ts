/**
 * Compact JSON for the state records (short keys keep a user's record well under 512 bytes).
 * Decoding validates every field: a record that does not parse is a store fault, never "no state".
 * @internal
 * @module
 */
import type { Purpose } from '../types.js';
import type { CodeRecord, DestinationState, UserState } from './state.js';

interface WireCode { i: string; p: 'e' | 's'; f: string; h: string; a: number; x: number; t: number; d?: 1 }
interface WireUser { c?: WireCode; F?: number; C?: number; lf?: number; lu?: number; hl?: 1; ls?: number; s?: number[] }

const toWirePurpose = (p: Purpose): 'e' | 's' => (p === 'enroll' ? 'e' : 's');

/** Serializes a user's state. */
export function encodeUser(s: UserState): string {
  const w: WireUser = {};
  if (s.code) {
    const c = s.code;
    w.c = { i: c.id, p: toWirePurpose(c.purpose), f: c.factorId, h: c.hash, a: c.issuedAt, x: c.expiresAt, t: c.tries };
    if (c.dead) w.c.d = 1;
  }
  if (s.failures) w.F = s.failures;
  if (s.consecutive) w.C = s.consecutive;
  if (s.lastFailureAt !== undefined) w.lf = s.lastFailureAt;
  if (s.lockedUntil !== undefined) w.lu = s.lockedUntil;
  if (s.hardLocked) w.hl = 1;
  if (s.lastSentAt !== undefined) w.ls = s.lastSentAt;
  if (s.sends.length) w.s = [...s.sends];
  return JSON.stringify(w);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;
const optNum = (v: unknown): boolean => v === undefined || isNum(v);

/** Parses a user's state; throws on anything malformed. */
export function decodeUser(raw: string): UserState {
  const w = JSON.parse(raw) as WireUser;
  if (typeof w !== 'object' || w === null || Array.isArray(w)) throw new TypeError('state record is not an object');
  if (w.hl !== undefined && w.hl !== 1) throw new TypeError('state record has a bad lock flag');
  if (!optNum(w.F) || !optNum(w.C) || !optNum(w.lf) || !optNum(w.lu) || !optNum(w.ls)) {
    throw new TypeError('state record has a bad number');
  }
  if (w.s !== undefined && !(Array.isArray(w.s) && w.s.every(isNum))) throw new TypeError('state record has bad sends');
  let code: CodeRecord | undefined;
  if (w.c !== undefined) {
    const c = w.c;
    if (typeof c !== 'object' || c === null || Array.isArray(c) || (c.d !== undefined && c.d !== 1)) {
      throw new TypeError('state record has a bad code');
    }
    if (!isStr(c.i) || !isStr(c.f) || !isStr(c.h) || !isNum(c.a) || !isNum(c.x) || !isNum(c.t) || (c.p !== 'e' && c.p !== 's')) {
      throw new TypeError('state record has a bad code');
    }
    code = {
      id: c.i,
      purpose: c.p === 'e' ? 'enroll' : 'sign_in',
      factorId: c.f,
      hash: c.h,
      issuedAt: c.a,
      expiresAt: c.x,
      tries: c.t,
      ...(c.d === 1 ? { dead: true as const } : {}),
    };
  }
  return {
    failures: w.F ?? 0,
    consecutive: w.C ?? 0,
    sends: w.s ?? [],
    ...(code ? { code } : {}),
    ...(w.lf !== undefined ? { lastFailureAt: w.lf } : {}),
    ...(w.lu !== undefined ? { lockedUntil: w.lu } : {}),
    ...(w.hl === 1 ? { hardLocked: true as const } : {}),
    ...(w.ls !== undefined ? { lastSentAt: w.ls } : {}),
  };
}

/** Serializes a destination's send history. */
export function encodeDestination(d: DestinationState): string {
  return JSON.stringify({ s: d.sends });
}

/** Parses a destination's send history; throws on anything malformed. */
export function decodeDestination(raw: string): DestinationState {
  const w = JSON.parse(raw) as { s?: unknown } | null;
  if (typeof w !== 'object' || w === null || !Array.isArray(w.s) || !w.s.every(isNum)) throw new TypeError('destination record is malformed');
  return { sends: w.s };
}
