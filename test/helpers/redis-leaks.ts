/**
 * What a logger that serialises errors could write: every own property (enumerable or
 * not) of an error and of everything it holds, its `cause` chain included.
 */
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { MfaError } from 'mfakit';
import { PHONE } from './setup.js';

function walk(value: unknown, seen: Set<unknown>, out: string[], depth: number): void {
  if (value === null || value === undefined || depth > 12) return;
  if (typeof value !== 'object' && typeof value !== 'function') {
    out.push(String(value));
    return;
  }
  if (seen.has(value)) return;
  seen.add(value);
  if (value instanceof Uint8Array) {
    out.push(Buffer.from(value).toString('utf8'));
    return;
  }
  for (const key of Object.getOwnPropertyNames(value)) {
    out.push(key);
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    walk(descriptor && 'value' in descriptor ? descriptor.value : undefined, seen, out, depth + 1);
  }
}

/** `util.inspect` (hidden properties shown), `JSON.stringify` and a walk of every own property of `err`. */
export function serialiseError(err: unknown): string {
  const out: string[] = [inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err) ?? ''];
  walk(err, new Set(), out, 0);
  return out.join('\n');
}

/** The national digits of PHONE (`4155552671`): none of them may be in any serialised error. */
export const DIGITS = PHONE.slice(2);

/** Asserts that nothing of the number or of the command's arguments is in `err`. */
export function expectClean(err: unknown, userId: string): void {
  expect(err).toBeInstanceOf(MfaError);
  expect((err as MfaError).code).toBe('store_failed');
  const text = serialiseError(err);
  expect(text).toContain('WRONGTYPE'); // the Redis error's message is kept
  expect(text).not.toContain(DIGITS);
  expect(text).not.toContain('phone:{');
  expect(text).not.toContain(`["${userId}"`); // the index member (an argument)
  expect(text).not.toMatch(/\bargs\b/);
  const cause = (err as MfaError).cause;
  expect(cause).toBeInstanceOf(Error);
  expect(Object.getOwnPropertyNames(cause).sort()).toEqual(expect.arrayContaining(['message', 'stack']));
  expect(Object.getOwnPropertyNames(cause).filter((k) => !['message', 'stack', 'name'].includes(k))).toEqual([]);
}

