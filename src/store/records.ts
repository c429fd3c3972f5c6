/**
 * The kinds of state record mfakit keeps (a user's security state, a number's send
 * history): their keys, serialization and TTL, and how a record read back is checked.
 * @internal
 * @module
 */
import { MfaError } from '../config/errors.js';
import { decodeDestination, decodeMessage, decodeUser, encodeDestination, encodeMessage, encodeUser, type MessageRecord } from '../core/codec.js';
import type { Policy } from '../core/policy.js';
import { decodeSettings, DEFAULT_SETTINGS, encodeSettings, type SettingsState } from '../core/settings.js';
import { type DestinationState, destinationTtl, EMPTY_STATE, ttlOf, type UserState } from '../core/state.js';
import type { StateWrite } from '../ports/combined-store.js';
import type { VersionedRecord } from '../ports/state-store.js';

/** How a kind of record is stored: its empty state, serialization and TTL. */
export interface Codec<S> {
  readonly empty: S;
  decode(raw: string): S;
  encode(s: S): string;
  ttl(s: S, now: number): number | null;
}

/** State key of a user. */
export const userKey = (userId: string): string => `user:${userId}`;
/** State key of a destination number (keyed hash, never the number). */
export const destinationKey = (hash: string): string => `dest:${hash}`;

/** State key of a sent message (keyed hash of the provider's message id, never the id). */
export const messageKey = (hash: string): string => `msg:${hash}`;

/** State key of the shared settings (one record for every instance on the store). */
export const SETTINGS_KEY = 'settings';

/** The codec of the shared settings: kept until changed (no TTL). */
export const settingsCodec: Codec<SettingsState> = {
  empty: DEFAULT_SETTINGS,
  decode: decodeSettings,
  encode: encodeSettings,
  ttl: () => null,
};

/** The codec of a sent message's record (`null`: none), kept `ttlMs` for delivery reports. */
export const messageCodec = (ttlMs: number): Codec<MessageRecord | null> => ({
  empty: null,
  decode: decodeMessage,
  encode: (m) => {
    if (!m) throw new TypeError('no message record to encode');
    return encodeMessage(m);
  },
  ttl: (m) => (m ? ttlMs : 0),
});

/** The codec of a user's record. */
export const userCodec = (p: Policy): Codec<UserState> => ({
  empty: EMPTY_STATE,
  decode: decodeUser,
  encode: encodeUser,
  ttl: (s, now) => ttlOf(s, p, now),
});

/** The codec of a number's send-budget record (`null`: no sends). */
export const destinationCodec = (p: Policy): Codec<DestinationState | null> => ({
  empty: null,
  decode: decodeDestination,
  encode: (s) => encodeDestination(s ?? { sends: [] }),
  ttl: (s, now) => (s ? destinationTtl(s, p, now) : 0),
});

/** Decodes a record (`null`: the codec's empty state); an unreadable one is a store fault. */
export function decodeWith<S>(codec: Pick<Codec<S>, 'empty' | 'decode'>, rec: VersionedRecord | null): S {
  try {
    return rec ? codec.decode(rec.value) : codec.empty;
  } catch (err) {
    throw new MfaError('store_failed', 'The state store returned an unreadable record; nothing was done', { cause: err });
  }
}

/** The write that turns `rec` into `state`, or `null` when there is nothing to write. */
export function writeOf<S>(key: string, codec: Codec<S>, rec: VersionedRecord | null, state: S, now: number): StateWrite | null {
  const ttl = codec.ttl(state, now);
  const value = ttl !== null && ttl <= 0 ? null : codec.encode(state);
  if (value === null && rec === null) return null;
  return { key, value, expectedVersion: rec?.version ?? null, ttlMs: value === null ? 1 : ttl };
}
