/**
 * Encryption at rest of the secrets mfakit must read back in clear (a TOTP secret):
 * AES-256-GCM under a key derived (HKDF-SHA-256) from mfakit's `secret`, bound to the user
 * and factor it belongs to. With several secrets (rotation) the first seals and every one
 * opens, so a secret sealed before a rotation stays readable.
 * @internal
 * @module
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { MfaError } from '../config/errors.js';

const VERSION = 'a1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals and opens small secrets with keys derived from mfakit's secrets. */
export class SecretBox {
  readonly #keys: readonly Buffer[];

  constructor(secrets: readonly string[]) {
    this.#keys = secrets.map((s) => Buffer.from(hkdfSync('sha256', s, 'mfakit', 'mfakit secret-box v1', 32)));
  }

  /** `a1.<base64url(iv ‖ tag ‖ ciphertext)>` of `plain`, bound to `context` (e.g. user and factor). */
  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys[0] as Buffer, iv).setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** The plain text of a sealed value, trying every key; a value no key opens is a store fault. */
  open(sealed: string, context: string): string {
    const raw = sealed.startsWith(`${VERSION}.`) ? Buffer.from(sealed.slice(VERSION.length + 1), 'base64url') : Buffer.alloc(0);
    if (raw.length > IV_BYTES + TAG_BYTES) {
      for (const key of this.#keys) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES)).setAAD(Buffer.from(context));
          decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
          return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
        } catch {
          // Not this key: the next one (a rotated secret) may open it.
        }
      }
    }
    // No cause: it could only say which key failed, and nothing of the value.
    throw new MfaError('store_failed', 'A stored secret could not be opened with any configured secret; nothing was done');
  }
}
