/**
 * One-time codes, shared by every factor kind that sends one (SMS today; voice and email
 * next): generation from the CSPRNG and the HMAC that is the only form in which a code is
 * stored, checked in constant time.
 * @internal
 * @module
 */
import { createHmac, type Hmac, randomFillSync, randomInt, timingSafeEqual } from 'node:crypto';
import { WriteOrderMap } from '../config/lru.js';
import type { CodeRecord } from '../core/state.js';
import type { Purpose } from '../core/types.js';

/**
 * A uniformly random numeric code of `length` digits, leading zeros kept.
 * `crypto.randomInt` draws without modulo bias.
 */
export function generateCode(length: number): string {
  let out = '';
  // randomInt's range is limited to 2^48, so draw in chunks of at most 12 digits.
  for (let left = length; left > 0; left -= 12) {
    const n = Math.min(left, 12);
    out += String(randomInt(0, 10 ** n)).padStart(n, '0');
  }
  return out;
}

/** Bytes of one id (128 bits). */
const ID_BYTES = 16;
/**
 * Ids are cut from a block of CSPRNG output drawn 256 ids at a time (one call into the
 * RNG instead of one per id, as Node's own `randomUUID` does). Every byte is used once;
 * the block is this module's own buffer, never Node's shared pool.
 */
const pool = Buffer.alloc(ID_BYTES * 256);
let poolAt = pool.length;

/** A random, URL-safe identifier (128 bits) with a readable prefix. */
export function randomId(prefix: string): string {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const id = pool.toString('base64url', poolAt, poolAt + ID_BYTES);
  poolAt += ID_BYTES;
  return `${prefix}_${id}`;
}

/** Bytes of an HMAC-SHA-256 digest, and the length of its base64url form (unpadded). */
const DIGEST_BYTES = 32;
const DIGEST_BASE64URL = 43;

/** Bytes kept of a long-lived code's HMAC (96 bits: forging one needs the secret anyway). */
const TAG_BYTES = 12;

/**
 * How many numbers' (and addresses') keyed names a hasher remembers. Every send computes
 * one; remembering them saves an HMAC per send to a number seen recently. The name is no
 * secret the process does not already hold (the factor store holds the number itself).
 */
const DESTINATION_KEYS = 10_000;

/** Holds the secrets: the first signs, every one verifies (rotation). */
export class CodeHasher {
  readonly #keys: readonly Buffer[];
  readonly #destinations = new WriteOrderMap<string, string>(DESTINATION_KEYS);
  /** Where `matches` decodes a stored hash (one digest long). */
  readonly #stored = Buffer.alloc(DIGEST_BYTES);

  constructor(secrets: readonly string[]) {
    this.#keys = secrets.map((s) => Buffer.from(s, 'utf8'));
  }

  #hmac(key: Buffer, challengeId: string, purpose: Purpose, code: string): Hmac {
    // Length-prefixed fields so no two (id, purpose, code) triples share an input.
    return createHmac('sha256', key).update(`${challengeId.length}:${challengeId}|${purpose}|${code}`);
  }

  /** HMAC-SHA-256 of (challenge id ‖ purpose ‖ code) under the signing secret, base64url. */
  hash(challengeId: string, purpose: Purpose, code: string): string {
    // Encoded by the digest itself: no intermediate buffer.
    return this.#hmac(this.#keys[0] as Buffer, challengeId, purpose, code).digest('base64url');
  }

  /** Constant-time check of `code` against a stored record, under every secret. */
  matches = (record: CodeRecord, code: string): boolean => {
    // The stored hash is decoded into this hasher's own scratch buffer (no allocation); a
    // hash of another length than a digest's matches nothing.
    const stored = this.#stored;
    const length = record.hash.length === DIGEST_BASE64URL ? stored.write(record.hash, 'base64url') : 0;
    let ok = false;
    for (const key of this.#keys) {
      const mac = this.#hmac(key, record.id, record.purpose, code).digest();
      // Every key is tried even after a match, so timing does not tell which one matched.
      if (length === mac.length && timingSafeEqual(stored, mac)) ok = true;
    }
    return ok;
  };

  #tag(key: Buffer, scope: string, value: string): Buffer {
    return createHmac('sha256', key).update(`tag|${scope.length}:${scope}|${value}`).digest().subarray(0, TAG_BYTES);
  }

  /**
   * A keyed hash of a long-lived code (a backup code) bound to `scope` (the user), under
   * the signing secret: 96 bits, base64url. Irreversible without the secret.
   */
  tag(scope: string, value: string): string {
    return this.#tag(this.#keys[0] as Buffer, scope, value).toString('base64url');
  }

  /**
   * The index of the tag that `value` matches under any secret, or -1. Every tag is
   * compared under every secret, in constant time, so timing tells neither which code nor
   * which secret matched.
   */
  findTag = (tags: readonly string[], scope: string, value: string): number => {
    const macs = this.#keys.map((key) => this.#tag(key, scope, value));
    let found = -1;
    for (let i = 0; i < tags.length; i++) {
      const stored = Buffer.from(tags[i] as string, 'base64url');
      for (const mac of macs) if (stored.length === mac.length && timingSafeEqual(stored, mac) && found === -1) found = i;
    }
    return found;
  };

  /**
   * Keyed, irreversible names of a provider's message id, one under each secret (the first
   * is the one to write), so state keys never hold the id and a record written before a
   * rotation is still found.
   */
  messageKeys(messageId: string): string[] {
    return this.#keys.map((key) => createHmac('sha256', key).update(`msg|${messageId}`).digest('base64url').slice(0, 22));
  }

  /**
   * A keyed, irreversible name for what a shared budget counts by (`kind`: `'prefix'` for a
   * number prefix, `'ip'` for a client IP), so state keys never hold a number or an IP.
   */
  budgetKey(kind: 'prefix' | 'ip', value: string): string {
    return createHmac('sha256', this.#keys[0] as Buffer).update(`${kind}|${value}`).digest('base64url').slice(0, 22);
  }

  /** A keyed, irreversible name for a phone number, so state keys never hold the number. */
  destinationKey(e164: string): string {
    return this.#destinations.getOr(e164, this.#destinationKey);
  }

  readonly #destinationKey = (e164: string): string =>
    createHmac('sha256', this.#keys[0] as Buffer).update(`dest|${e164}`).digest('base64url').slice(0, 22);
}
