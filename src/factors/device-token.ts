/**
 * The MAC of a device token: HMAC-SHA-256 under the signing secret (the first of the list),
 * checked under every secret of the list (rotation), in constant time.
 * @internal
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEVICE_MAC_LENGTH, DEVICE_TOKEN_VERSION } from '../core/devices.js';

/** Bytes of the MAC kept in a token: 16 (128 bits, 22 base64url characters). */
const MAC_BYTES = 16;

/** What one device token is bound to. */
export interface DeviceClaim {
  /** The user it was issued to. */
  readonly userId: string;
  /** The user's device generation when it was issued. */
  readonly generation: string;
  /** Its expiry (epoch ms). */
  readonly expiresAt: number;
  /** The user's factors when it was issued (`factorFingerprint`). */
  readonly fingerprint: string;
}

/** Signs and checks device tokens' MACs under the secret list: the first signs, all verify. */
export class DeviceSigner {
  readonly #keys: readonly Buffer[];

  constructor(secrets: readonly string[]) {
    this.#keys = secrets.map((s) => Buffer.from(s, 'utf8'));
  }

  #mac(key: Buffer, c: DeviceClaim): Buffer {
    const h = createHmac('sha256', key);
    // Every field length-prefixed (in bytes), behind a domain label of its own, so no other
    // HMAC of mfakit under the same secret (codes, backup codes, keys) shares an input.
    for (const field of ['device', DEVICE_TOKEN_VERSION, c.userId, c.generation, String(c.expiresAt), c.fingerprint]) {
      const bytes = Buffer.from(field, 'utf8');
      h.update(`${bytes.length}:`).update(bytes);
    }
    return h.digest().subarray(0, MAC_BYTES);
  }

  /** The MAC of `claim` under the signing secret, base64url (22 characters). */
  sign(claim: DeviceClaim): string {
    return this.#mac(this.#keys[0] as Buffer, claim).toString('base64url');
  }

  /** Whether `mac` is the MAC of `claim` under any secret; every secret is tried, in constant time. */
  verify(claim: DeviceClaim, mac: string): boolean {
    if (mac.length !== DEVICE_MAC_LENGTH) return false;
    const given = Buffer.from(mac, 'base64url');
    let ok = false;
    for (const key of this.#keys) {
      const expected = this.#mac(key, claim);
      if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
    }
    // A 22-character base64url string carries 2 bits past the 128: only the canonical form is accepted.
    return ok && given.toString('base64url') === mac;
  }
}
