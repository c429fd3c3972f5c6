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

/** How a kind of record is stored: its kind, empty state, serialization and TTL. */
export interface Codec<S> {
  /** Which kind of record (`user`, `dest`, `msg`): a held value is read back only as its own kind. */
  readonly kind: string;
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
  kind: 'settings',
  empty: DEFAULT_SETTINGS,
  decode: decodeSettings,
  encode: encodeSettings,
  ttl: () => null,
};

/** The codec of a sent message's record (`null`: none), kept `ttlMs` for delivery reports. */
export const messageCodec = (ttlMs: number): Codec<MessageRecord | null> => ({
  kind: 'msg',
  empty: null,
  decode: decodeMessage,
  encode: (m) => {
    if (!m) throw new TypeError('no message record to encode');
    return encodeMessage(m);
  },
  ttl: (m) => (m ? ttlMs : 0),
});

const userCodecs = new WeakMap<Policy, Codec<UserState>>();
const destinationCodecs = new WeakMap<Policy, Codec<DestinationState | null>>();

/** The codec of a user's record (one per policy). */
export function userCodec(p: Policy): Codec<UserState> {
  let codec = userCodecs.get(p);
  if (codec === undefined) {
    codec = { kind: 'user', empty: EMPTY_STATE, decode: decodeUser, encode: encodeUser, ttl: (s, now) => ttlOf(s, p, now) };
    userCodecs.set(p, codec);
  }
  return codec;
}

/** The codec of a number's send-budget record (`null`: no sends; one per policy). */
export function destinationCodec(p: Policy): Codec<DestinationState | null> {
  let codec = destinationCodecs.get(p);
  if (codec === undefined) {
    codec = {
      kind: 'dest',
      empty: null,
      decode: decodeDestination,
      encode: (s) => encodeDestination(s ?? { sends: [] }),
      ttl: (s, now) => (s ? destinationTtl(s, p, now) : 0),
    };
    destinationCodecs.set(p, codec);
  }
  return codec;
}

/** Decodes a record (`null`: the codec's empty state); an unreadable one is a store fault. */
export function decodeWith<S>(codec: Pick<Codec<S>, 'empty' | 'decode'>, rec: VersionedRecord | null): S {
  try {
    return rec ? codec.decode(rec.value) : codec.empty;
  } catch (err) {
    throw new MfaError('store_failed', 'The state store returned an unreadable record; nothing was done', { cause: err });
  }
}

/** A record decoded: its version (`null`: missing) and state (the codec's empty state when missing). */
export interface Current<S> {
  readonly version: number | null;
  readonly state: S;
}

/** The missing record of a kind. */
export const missing = <S>(codec: Codec<S>): Current<S> => ({ version: null, state: codec.empty });

/** Decodes a record read as a string (`null`: missing); an unreadable one is a store fault. */
export const currentOf = <S>(codec: Codec<S>, rec: VersionedRecord | null): Current<S> =>
  rec === null ? missing(codec) : { version: rec.version, state: decodeWith(codec, rec) };

/** A compare-and-set of one decoded record: `state` `undefined` deletes the key. */
export interface Change<S = unknown> {
  readonly key: string;
  readonly codec: Codec<S>;
  readonly state: S | undefined;
  readonly expectedVersion: number | null;
  readonly ttlMs: number | null;
}

/** The change that turns `cur` into `state`, or `null` when there is nothing to write. */
export function changeOf<S>(key: string, codec: Codec<S>, cur: Current<S>, state: S, now: number): Change<S> | null {
  const ttl = codec.ttl(state, now);
  const gone = ttl !== null && ttl <= 0;
  if (gone && cur.version === null) return null;
  return { key, codec, state: gone ? undefined : state, expectedVersion: cur.version, ttlMs: gone ? 1 : ttl };
}

/** The string write of a change, as the ports take it. */
export const writeOf = (c: Change): StateWrite => ({
  key: c.key,
  value: c.state === undefined ? null : c.codec.encode(c.state),
  expectedVersion: c.expectedVersion,
  ttlMs: c.ttlMs,
});

/**
 * A decoded state as it is kept (held by a memory store, or remembered by this process),
 * made immutable where it is, not copied: every object part not frozen yet is frozen in
 * place (the parts a decision kept from the state it started from are frozen already).
 * A list of numbers alone (send times) is left unfrozen: freezing one turns V8's unboxed
 * doubles into boxed numbers, slower to read and larger. No one writes such a list: the
 * core builds a new one for each change and never writes its inputs (its tests hand it
 * deeply frozen states), and no result or event carries one, only counts and times.
 */
export function settled<S>(value: S): S {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    let numbers = true;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'number') {
        numbers = false;
        if (typeof item === 'object' && item !== null) settled(item);
      }
    }
    return numbers ? value : (Object.freeze(value) as S);
  }
  for (const key in value) settled((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}
