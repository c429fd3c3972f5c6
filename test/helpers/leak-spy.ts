/**
 * A spy that captures everything mfakit hands to its host (events, results, thrown errors
 * with their cause chains, console output) and every sender call, then looks for one-time
 * codes and full phone numbers outside the two places they belong: the SMS body (codes)
 * and the sender's `to` (numbers).
 */
import { vi } from 'vitest';
import type { Mfa, MfaEventName, SmsMessage, SmsSender } from '../../src/index.js';

/** Every event of `MfaEventMap`; the type makes this list exhaustive (a new event fails typecheck). */
const EVENTS: Record<MfaEventName, true> = {
  'code.sent': true,
  'delivery.failed': true,
  'delivery.reported': true,
  'verification.succeeded': true,
  'verification.failed': true,
  'code.exhausted': true,
  'user.locked': true,
  'user.unlocked': true,
  'factor.enrolled': true,
  'factor.removed': true,
  'factor.invalidated': true,
  'backup.generated': true,
  'backup.low': true,
  'devices.revoked': true,
  'preferred.changed': true,
  'exception.added': true,
  'exception.removed': true,
  'channel.changed': true,
};
export const EVENT_NAMES = Object.keys(EVENTS) as MfaEventName[];

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const;

/** One captured thing, flattened to text. */
export interface Captured {
  readonly where: string;
  readonly text: string;
}

/** Flattens any value to text: every string, number, key, error message, stack and cause. */
export function serialize(value: unknown): string {
  const seen = new WeakSet<object>();
  const walk = (x: unknown, depth: number): string => {
    if (depth > 25) return '…';
    if (typeof x === 'string') return x;
    if (x === null || x === undefined || typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return String(x);
    if (typeof x === 'symbol') return x.toString();
    if (typeof x === 'function') return `[function ${x.name}]`;
    const o = x as object;
    if (seen.has(o)) return '[circular]';
    seen.add(o);
    if (o instanceof Error) {
      const parts = [o.name, o.message, String(o.stack)];
      for (const [k, v] of Object.entries(o)) parts.push(`${k}=${walk(v, depth + 1)}`);
      if ('cause' in o) parts.push(`cause: ${walk(o.cause, depth + 1)}`);
      if (o instanceof AggregateError) parts.push(...o.errors.map((e) => walk(e, depth + 1)));
      return `<${parts.join(' | ')}>`;
    }
    if (Array.isArray(o)) return `[${o.map((v) => walk(v, depth + 1)).join(', ')}]`;
    if (o instanceof Map) return `Map{${[...o].map(([k, v]) => `${walk(k, depth + 1)}: ${walk(v, depth + 1)}`).join(', ')}}`;
    if (o instanceof Set) return `Set{${[...o].map((v) => walk(v, depth + 1)).join(', ')}}`;
    return `{${Object.entries(o).map(([k, v]) => `${k}: ${walk(v, depth + 1)}`).join(', ')}}`;
  };
  return walk(value, 0);
}

const isolated = (digits: string) => new RegExp(`(?<!\\d)${digits}(?!\\d)`);

/** Where a code or a number shows up in the captured text. */
export function findLeaks(
  captured: readonly Captured[],
  codes: Iterable<string>,
  numberForms: readonly string[],
): { where: string; found: string; excerpt: string }[] {
  const leaks: { where: string; found: string; excerpt: string }[] = [];
  const codeList = [...codes];
  for (const c of captured) {
    for (const code of codeList) {
      const m = isolated(code).exec(c.text);
      if (m) leaks.push({ where: c.where, found: `code ${code}`, excerpt: c.text.slice(Math.max(0, m.index - 60), m.index + 60) });
    }
    for (const form of numberForms) {
      const m = /^\d+$/.test(form) ? isolated(form).exec(c.text) : ((i) => (i < 0 ? null : { index: i }))(c.text.indexOf(form));
      if (m) leaks.push({ where: c.where, found: `number ${form}`, excerpt: c.text.slice(Math.max(0, m.index - 60), m.index + 60) });
    }
  }
  return leaks;
}

/** Creates the spy. Call {@link LeakSpy.restore} when done (restores `console`). */
export function leakSpy(inner: SmsSender, codeLength = 6) {
  const captured: Captured[] = [];
  /** Every sender call, delivered or not. */
  const calls: SmsMessage[] = [];
  const eventsSeen = new Set<MfaEventName>();
  let failing = 0;
  const codeRe = new RegExp(`(?<!\\d)\\d{${codeLength}}(?!\\d)`, 'g');

  const consoleSpies = CONSOLE_METHODS.map((m) =>
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      captured.push({ where: `console.${m}`, text: serialize(args) });
    }),
  );

  const sender: SmsSender = {
    name: 'spy',
    async send(message) {
      calls.push({ ...message });
      if (failing > 0) {
        failing--;
        // A chatty provider error holding the number and the body: mfakit must not pass it on.
        throw new Error(`provider refused message to ${message.to}: "${message.body}"`);
      }
      return inner.send(message);
    },
  };

  return {
    sender,
    captured,
    calls,
    eventsSeen,
    /** The next `n` sender calls reject. */
    failNext(n = 1) {
      failing = n;
    },
    /** Subscribes to every event of `MfaEventMap`. */
    attach(mfa: Mfa) {
      for (const name of EVENT_NAMES) {
        mfa.on(name, (payload) => {
          eventsSeen.add(name);
          captured.push({ where: `event ${name}`, text: serialize(payload) });
        });
      }
    },
    /** Awaits a call expected to resolve; records its result and returns it. */
    async result<T>(label: string, run: () => Promise<T> | T): Promise<T> {
      const value = await run();
      captured.push({ where: `result ${label}`, text: serialize(value) });
      return value;
    },
    /** Runs a call expected to throw or reject; records the error (message and cause chain) and returns it. */
    async error(label: string, run: () => unknown): Promise<unknown> {
      try {
        await run();
      } catch (err) {
        captured.push({ where: `error ${label}`, text: serialize(err) });
        return err;
      }
      throw new Error(`${label}: expected a throw`);
    },
    /** Every code that went to the sender (from the bodies). */
    codes(): Set<string> {
      const out = new Set<string>();
      for (const m of calls) for (const hit of m.body.matchAll(codeRe)) out.add(hit[0]);
      return out;
    },
    /** The code of the last sender call. */
    lastCode(): string {
      const m = calls[calls.length - 1];
      const hit = m?.body.match(new RegExp(`(?<!\\d)\\d{${codeLength}}(?!\\d)`));
      if (!hit) throw new Error('no code sent');
      return hit[0];
    },
    restore() {
      for (const s of consoleSpies) s.mockRestore();
    },
  };
}

export type LeakSpy = ReturnType<typeof leakSpy>;
