/**
 * 1. Crypto ceiling: HMAC-SHA-256 operations per second with the key and input shape of
 * `CodeHasher` (src/codes.ts), and the cycle ceiling that follows from it.
 *
 * HMACs per start+verify cycle, read from the code:
 * - startChallenge → issueAndSend (src/ops/deliver.ts): `hasher.hash` (1) and
 *   `hasher.destinationKey` (1) for the per-number budget key;
 * - verify → decideVerify → `hasher.matches`: 1 per configured secret (1 here).
 * Total 3 with one secret (each extra rotation secret adds 1 to verify).
 */
import { createHmac } from 'node:crypto';
import { SECRET } from '../lib/fixture.js';
import type { Library } from '../lib/mfakit.js';
import { opsPerSec, round } from '../lib/stats.js';

export const HMACS_PER_CYCLE = 3;

export interface CryptoResult {
  /** Raw `createHmac('sha256', key).update(input).digest()` per second, CodeHasher's input shape. */
  readonly hmacOpsPerSec: number;
  readonly hmacsPerCycle: number;
  /** hmacOpsPerSec / hmacsPerCycle: no implementation of the cycle can beat this on this core. */
  readonly cryptoCeilingCyclesPerSec: number;
  /** The real `CodeHasher` calls of one cycle (hash + destinationKey + matches) per second. */
  readonly hasherCyclesPerSec: number;
  /** The same plus the cycle's randomness (generateCode + randomId). */
  readonly cryptoWithRngCyclesPerSec: number;
}

export function runCrypto(lib: Library, ms: number): CryptoResult {
  const key = Buffer.from(SECRET, 'utf8');
  // Inputs exactly as CodeHasher#mac builds them: `${id.length}:${id}|${purpose}|${code}`.
  const inputs = Array.from({ length: 1024 }, () => {
    const id = lib.randomId('ch');
    return `${id.length}:${id}|sign_in|${lib.generateCode(6)}`;
  });
  let i = 0;
  const hmacOpsPerSec = opsPerSec(ms, 512, () => {
    createHmac('sha256', key).update(inputs[i++ & 1023] as string).digest();
  });

  const hasher = new lib.CodeHasher([SECRET]);
  const id = lib.randomId('ch');
  const record = { id, purpose: 'sign_in' as const, factorId: 'f1', channel: 'sms' as const, hash: hasher.hash(id, 'sign_in', '123456'), issuedAt: 0, expiresAt: 1, tries: 0 };
  let j = 0;
  const hasherCyclesPerSec = opsPerSec(ms, 256, () => {
    j++;
    hasher.hash(id, 'sign_in', '654321');
    hasher.destinationKey(`+1415${2_000_000 + (j & 1023)}`);
    hasher.matches(record, '123456');
  });
  const cryptoWithRngCyclesPerSec = opsPerSec(ms, 256, () => {
    j++;
    const code = lib.generateCode(6);
    const cid = lib.randomId('ch');
    hasher.hash(cid, 'sign_in', code);
    hasher.destinationKey(`+1415${2_000_000 + (j & 1023)}`);
    hasher.matches(record, code);
  });
  return {
    hmacOpsPerSec: round(hmacOpsPerSec),
    hmacsPerCycle: HMACS_PER_CYCLE,
    cryptoCeilingCyclesPerSec: round(hmacOpsPerSec / HMACS_PER_CYCLE),
    hasherCyclesPerSec: round(hasherCyclesPerSec),
    cryptoWithRngCyclesPerSec: round(cryptoWithRngCyclesPerSec),
  };
}
