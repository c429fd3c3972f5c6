/**
 * The authenticator-app (TOTP) factor kind, through otplib: a new secret and its
 * `otpauth://` URI at enrollment (issuer = `appName`), the secret sealed at rest, and the
 * check of a code within ±1 time step (the step it matched, for the replay rule of
 * `core/totp.ts`).
 * @internal
 * @module
 */
import { generateSecret, generateURI, verifySync } from 'otplib';
import { MfaError } from '../config/errors.js';
import { TOTP_STEP_MS } from '../core/state.js';
import type { Factor } from '../core/types.js';
import type { SecretBox } from './secret-box.js';

/** What the sealed secret is bound to: its user and factor. */
const contextOf = (f: Pick<Factor, 'userId' | 'id'>): string => `totp|${f.userId}|${f.id}`;

/** A fresh secret (160 bits, base32), sealed for the factor, and the URI an authenticator app scans. */
export function newTotpSecret(
  box: SecretBox,
  factor: Pick<Factor, 'userId' | 'id'>,
  issuer: string,
  label: string,
): { secret: string; sealed: string; uri: string } {
  const secret = generateSecret();
  return { secret, sealed: box.seal(secret, contextOf(factor)), uri: generateURI({ issuer, label, secret }) };
}

/** The check of a TOTP factor's codes: the matched time step within ±1 step of `now`, or `null`. */
export function totpCheck(box: SecretBox, factor: Factor): (code: string, now: number) => number | null {
  if (!factor.totpSecret) throw new MfaError('store_failed', 'The TOTP factor has no stored secret; nothing was done');
  const secret = box.open(factor.totpSecret, contextOf(factor));
  return (code, now) => {
    const r = verifySync({ secret, token: code, epoch: Math.floor(now / 1000), epochTolerance: TOTP_STEP_MS / 1000 });
    return r.valid && 'timeStep' in r ? r.timeStep : null;
  };
}
