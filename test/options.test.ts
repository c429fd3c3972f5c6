import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createMfa, MfaError, type MfaOptions } from 'mfakit';
import { memoryStores } from 'mfakit/memory';
import { SECRET } from './helpers/setup.js';

/** What createMfa threw for `extra` merged into valid options. */
function refusal(extra: Record<string, unknown>): MfaError {
  try {
    createMfa({ stores: memoryStores(), secret: SECRET, ...extra } as MfaOptions);
  } catch (err) {
    if (err instanceof MfaError) return err;
    throw err;
  }
  throw new Error('createMfa accepted the options');
}

// Issue "What a new user hits", item 4: misspelled options were silently ignored.
describe('unknown options are refused, naming the key and the closest valid one', () => {
  it.each([
    [{ lockout: { maxFailure: 3 } }, 'Unknown mfakit option lockout.maxFailure (did you mean lockout.maxFailures?)'],
    [{ codeTTL: 1000 }, 'Unknown mfakit option codeTTL (did you mean code?)'],
    [{ code: { ttl: 1000 } }, 'Unknown mfakit option code.ttl (did you mean code.ttlMs?)'],
    [{ sending: { cooldown: 1 } }, 'Unknown mfakit option sending.cooldown (did you mean sending.cooldownMs?)'],
    [{ messages: { templates: { en: { signin: '{code}' } } } }, 'Unknown mfakit option messages.templates.en.signin (did you mean messages.templates.en.sign_in?)'],
    [{ senders: { smss: { name: 'x', send: async () => ({ id: '1' }) } } }, 'Unknown mfakit option senders.smss (did you mean senders.sms?)'],
    [{ zebra: true }, 'Unknown mfakit option zebra'],
  ])('%j', (extra, message) => {
    const err = refusal(extra);
    expect(err.code).toBe('invalid_options');
    expect(err.message).toBe(message);
  });

  it('valid options still pass, and defaults fill what is left out', () => {
    const mfa = createMfa({ stores: memoryStores(), secret: SECRET, lockout: { maxFailures: 3 }, code: { ttlMs: 60_000 } });
    expect([mfa.rules.maxFailures, mfa.rules.codeTtlMs, mfa.rules.maxTries, mfa.rules.cooldownMs]).toEqual([3, 60_000, 4, 30_000]);
  });
});

// Item 5: the README's own placeholder and low-entropy secrets were accepted.
describe('weak secrets are refused with the command that makes a good one', () => {
  it.each([
    ['the README placeholder', 'replace-me-with-32-random-characters!'],
    ['a change-me placeholder', 'changeme-changeme-changeme-changeme'],
    ['one character repeated', 'a'.repeat(32)],
    ['two characters alternating', 'ab'.repeat(20)],
    ['a short alphabet', '0123'.repeat(10)],
  ])('%s', (_label, secret) => {
    const err = refusal({ secret });
    expect(err.code).toBe('invalid_options');
    expect(err.message).toMatch(/^Invalid mfakit option secret: .*randomBytes\(32\)/);
    expect(`${err.message}${inspect(err, { depth: 10 })}`).not.toContain(secret);
  });

  it('a weak secret in a rotation list is refused too', () => {
    expect(refusal({ secret: [SECRET, 'x'.repeat(40)] }).message).toMatch(/^Invalid mfakit option secret\.1: /);
  });

  it.each([
    ['32 random bytes, base64url', randomBytes(32).toString('base64url')],
    ['16 bytes in hex (128 bits), as `openssl rand -hex 16` prints', '9f86d081884c7d659a2feaa0c55ad015'],
    ['a long passphrase', 'correct horse battery staple: violet, 1984'],
  ])('accepts %s', (_label, secret) => {
    expect(() => createMfa({ stores: memoryStores(), secret })).not.toThrow();
  });
});
