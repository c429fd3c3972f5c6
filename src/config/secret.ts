/**
 * Refuses secrets that only look like secrets: the README's own placeholder and its
 * kin, and strings with too little variety to be random (`'a'.repeat(32)`).
 * @internal
 * @module
 */

/** How to make a good one, shown in every refusal. */
export const GENERATE_SECRET = `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

/** Words of placeholders people paste from docs and templates. */
const PLACEHOLDER = /replace[-_ ]?me|change[-_ ]?me|your[-_ ]?secret|placeholder|do[-_ ]?not[-_ ]?use|example[-_ ]?secret|^x+$/i;

/**
 * Fewest distinct characters, and least Shannon estimate of the whole string in bits. A
 * 32-character hex string of 128 random bits has ~14 distinct characters and an estimate
 * near 115 bits; a base64url string of 32 random bytes, near 220.
 */
const MIN_DISTINCT = 10;
const MIN_ESTIMATED_BITS = 100;

/** Why `secret` is not good enough, or `undefined` when it is. */
export function weakSecretReason(secret: string): string | undefined {
  if (PLACEHOLDER.test(secret)) return 'is a placeholder, not a secret';
  const counts = new Map<string, number>();
  for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / secret.length) * Math.log2(n / secret.length);
  if (counts.size < MIN_DISTINCT || perChar * secret.length < MIN_ESTIMATED_BITS) {
    return 'has too little variety to be random';
  }
  return undefined;
}
