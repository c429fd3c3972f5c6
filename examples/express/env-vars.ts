/**
 * Reading one environment variable for start-up: present, well-formed, or a `StartupError`
 * that names the variable and what it should look like. The value itself is never repeated
 * in the message: it may be a secret, or hold one (a URL with a password).
 * @module
 */
import { StartupError } from './startup-error.js';

/** The environment, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A variable's value, `undefined` when unset or empty. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** A variable that must be set, for the reason given in `why` (e.g. `when SMS_PROVIDER=twilio`). */
export function required(env: Env, name: string, why: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new StartupError(`${name} must be set ${why}.`);
  return value;
}

/** Checks the shape of a value; the message says the expected shape, never the value. */
export function shaped(name: string, value: string, pattern: RegExp, expected: string): string {
  if (!pattern.test(value)) throw new StartupError(`${name} is malformed: expected ${expected} (the value is not shown).`);
  return value;
}

/**
 * An http(s) base URL without credentials, query or fragment, returned without its trailing
 * slash (`https://mfa.example.com/app`).
 */
export function baseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StartupError(`${name} is malformed: expected an http(s) URL such as https://mfa.example.com (the value is not shown).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new StartupError(`${name} must be an http:// or https:// URL.`);
  if (url.username || url.password) throw new StartupError(`${name} must not contain a user name or password.`);
  if (url.search || url.hash) throw new StartupError(`${name} must not have a query (?…) or a fragment (#…).`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** One of `choices` (`undefined` when unset). */
export function oneOf<T extends string>(env: Env, name: string, choices: readonly T[]): T | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  const found = choices.find((c) => c === value.trim().toLowerCase());
  if (found === undefined) throw new StartupError(`${name} must be one of ${choices.join(', ')}.`);
  return found;
}
