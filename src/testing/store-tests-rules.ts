/**
 * The rules end to end, part of the store conformance suite: `createMfa` over the stores
 * under test, so a store that passes the contract tests but breaks a rule in practice
 * (a lost update, a TTL too short) is caught.
 * @internal
 * @module
 */
import { createMfa, type Mfa } from '../flows/mfa.js';
import type { Stores } from '../ports/factor-store.js';
import type { Result } from '../core/outcomes.js';
import { clockFor } from './clock.js';
import { outboxSender, type OutboxSender } from './outbox.js';
import type { ExpectLike, It, StoreTestContext, WithStores } from './types.js';

const SECRET = 'mfakit-conformance-secret-0123456789abcdef';
const PHONE = '+14155552671';
const USER = 'conformance-user';
const COOLDOWN = 30_000;
const LOCK = 20 * 60_000;

/** `attemptsLeft` of a refusal, `undefined` for a success. */
const attemptsOf = (r: Result<object>): number | undefined => ('attemptsLeft' in r ? r.attemptsLeft : undefined);

/** A well-formed code that is not `right`. */
const wrongFor = (right: string): string => (right === '000000' ? '111111' : '000000');

/** Runs `f` n times at once. @internal */
export const times = <T>(n: number, f: (i: number) => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => f(i)));

/** Counts results by outcome (`ok` or the error code). @internal */
export function tally(results: readonly Result<object>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const k = r.ok ? 'ok' : r.error;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

interface Env {
  readonly mfa: Mfa;
  readonly outbox: OutboxSender;
  advance(ms: number): void;
  /** The code of the last message sent. */
  lastCode(): string;
}

/** @internal */
export function defineRuleTests(it: It, expect: ExpectLike, withStores: WithStores, ctx: StoreTestContext): void {
  /** A user with a confirmed SMS factor, no failures, and no cooldown running. */
  const enrolled = async (stores: Stores): Promise<Env> => {
    const { clock, advance } = clockFor(ctx);
    const outbox = outboxSender();
    const mfa = createMfa({ stores, senders: { sms: outbox }, secret: SECRET, appName: 'Conformance', clock });
    const lastCode = (): string => {
      const code = outbox.last()?.code;
      if (code === undefined) throw new Error('no code in the outbox');
      return code;
    };
    const started = await mfa.enrollSms(USER, PHONE);
    if (!started.ok) throw new Error(`enrollSms failed: ${started.error}`);
    const confirmed = await mfa.confirmEnrollment(USER, lastCode());
    if (!confirmed.ok) throw new Error(`confirmEnrollment failed: ${confirmed.error}`);
    advance(COOLDOWN);
    return { mfa, outbox, advance, lastCode };
  };

  const challenge = async (env: Env): Promise<string> => {
    const res = await env.mfa.startChallenge(USER);
    expect(res.ok).toBe(true);
    return env.lastCode();
  };

  it('rules: 4 tries per code, then the code is dead; a new code has its own 4', withStores(async (stores) => {
    const env = await enrolled(stores);
    const code = await challenge(env);
    const wrong = wrongFor(code);
    for (const left of [3, 2, 1]) {
      expect(await env.mfa.verify(USER, wrong)).toEqual({ ok: false, error: 'code_mismatch', attemptsLeft: left, failuresLeft: 4 + left });
    }
    expect(await env.mfa.verify(USER, wrong)).toEqual({ ok: false, error: 'code_exhausted', attemptsLeft: 0, failuresLeft: 4 });
    expect(await env.mfa.verify(USER, code)).toEqual({ ok: false, error: 'code_exhausted', attemptsLeft: 0 });
    expect((await env.mfa.getStatus(USER)).failures).toBe(4);

    env.advance(COOLDOWN);
    const next = await challenge(env);
    expect((await env.mfa.getStatus(USER)).pending?.attemptsLeft).toBe(4);
    expect(attemptsOf(await env.mfa.verify(USER, wrongFor(next)))).toBe(3);
    expect((await env.mfa.verify(USER, next)).ok).toBe(true);
    const status = await env.mfa.getStatus(USER);
    expect([status.failures, status.consecutiveFailures, status.pending]).toEqual([0, 0, undefined]);
  }));

  it('rules: 8 wrong entries lock verify and send for 20 minutes; then 8 again', withStores(async (stores) => {
    const env = await enrolled(stores);
    let code = '';
    for (let n = 1; n <= 8; n += 1) {
      if (n % 4 === 1) {
        if (n > 1) env.advance(COOLDOWN);
        code = await challenge(env);
      }
      const res = await env.mfa.verify(USER, wrongFor(code));
      expect(res.ok ? 'ok' : res.error).toBe(n === 8 ? 'locked_out' : n % 4 === 0 ? 'code_exhausted' : 'code_mismatch');
      if (n === 8) expect('retryAfterMs' in res ? res.retryAfterMs : null).toBe(LOCK);
    }
    const status = await env.mfa.getStatus(USER);
    expect(status.locked).toBe(true);
    expect(status.consecutiveFailures).toBe(8);
    env.advance(LOCK - 1);
    for (const res of [await env.mfa.verify(USER, code), await env.mfa.startChallenge(USER), await env.mfa.resend(USER)]) {
      expect(res.ok ? 'ok' : res.error).toBe('locked_out');
      expect('retryAfterMs' in res ? res.retryAfterMs : null).toBe(1);
    }
    expect(env.outbox.messages.length).toBe(3); // enroll + 2 challenges
    env.advance(1);
    const fresh = await challenge(env);
    expect(await env.mfa.verify(USER, wrongFor(fresh))).toEqual({ ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 7 });
    expect((await env.mfa.verify(USER, fresh)).ok).toBe(true);
    expect((await env.mfa.getStatus(USER)).failuresLeft).toBe(8);
  }));

  it('rules: an admin unlock ends the lock and clears the counters', withStores(async (stores) => {
    const env = await enrolled(stores);
    for (let round = 0; round < 2; round += 1) {
      if (round > 0) env.advance(COOLDOWN);
      const code = await challenge(env);
      for (let i = 0; i < 4; i += 1) await env.mfa.verify(USER, wrongFor(code));
    }
    expect((await env.mfa.getStatus(USER)).locked).toBe(true);
    expect(await env.mfa.unlock(USER)).toEqual({ ok: true, wasLocked: true });
    const status = await env.mfa.getStatus(USER);
    expect([status.locked, status.failures, status.consecutiveFailures]).toEqual([false, 0, 0]);
    env.advance(COOLDOWN);
    expect((await env.mfa.startChallenge(USER)).ok).toBe(true);
  }));

  it('rules: 30 s resend cooldown, refused at 29 999 ms and allowed at 30 000', withStores(async (stores) => {
    const env = await enrolled(stores);
    await challenge(env);
    const again = await env.mfa.startChallenge(USER);
    expect(again).toEqual({ ok: false, error: 'resend_cooldown', retryAfterMs: COOLDOWN });
    env.advance(COOLDOWN - 1);
    expect(await env.mfa.resend(USER)).toEqual({ ok: false, error: 'resend_cooldown', retryAfterMs: 1 });
    expect(env.outbox.messages.length).toBe(2);
    env.advance(1);
    expect((await env.mfa.resend(USER)).ok).toBe(true);
    expect(env.outbox.messages.length).toBe(3);
  }));

  it('rules: one live code; a resend kills the previous one and keeps the counts', withStores(async (stores) => {
    const env = await enrolled(stores);
    const first = await challenge(env);
    expect(attemptsOf(await env.mfa.verify(USER, wrongFor(first)))).toBe(3);
    env.advance(COOLDOWN);
    expect((await env.mfa.resend(USER)).ok).toBe(true);
    const second = env.lastCode();
    const status = await env.mfa.getStatus(USER);
    expect([status.failures, status.pending?.attemptsLeft]).toEqual([1, 4]);
    if (first !== second) {
      expect(await env.mfa.verify(USER, first)).toEqual({ ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 6 });
    }
    expect((await env.mfa.verify(USER, second)).ok).toBe(true);
    expect((await env.mfa.verify(USER, second)).ok).toBe(false);
  }));

  it('rules: 30 parallel wrong verifies count exactly 4 tries', withStores(async (stores) => {
    const env = await enrolled(stores);
    const code = await challenge(env);
    const results = await times(30, () => env.mfa.verify(USER, wrongFor(code)));
    expect(tally(results)).toEqual({ code_mismatch: 3, code_exhausted: 27 });
    // Only the 4 counted entries carry failuresLeft: the 26 others hit a dead code.
    expect(results.filter((r) => 'failuresLeft' in r && r.failuresLeft !== undefined).length).toBe(4);
    const status = await env.mfa.getStatus(USER);
    expect([status.failures, status.consecutiveFailures, status.locked, status.pending?.state]).toEqual([4, 4, false, 'exhausted']);
    expect((await env.mfa.verify(USER, code)).ok).toBe(false);
  }));

  it('rules: 30 parallel startChallenge send exactly 1 message', withStores(async (stores) => {
    const env = await enrolled(stores);
    const before = env.outbox.messages.length;
    const results = await times(30, () => env.mfa.startChallenge(USER));
    expect(tally(results)).toEqual({ ok: 1, resend_cooldown: 29 });
    expect(env.outbox.messages.length - before).toBe(1);
    expect((await env.mfa.getStatus(USER)).sendsLeft).toBe(8); // the enrollment and this one
    expect((await env.mfa.verify(USER, env.lastCode())).ok).toBe(true);
  }));

  it('rules: 30 parallel right verifies succeed exactly once', withStores(async (stores) => {
    const env = await enrolled(stores);
    const code = await challenge(env);
    const results = await times(30, () => env.mfa.verify(USER, code));
    expect(tally(results)).toEqual({ ok: 1, no_pending_code: 29 });
  }));

  it('rules: 10 sends per number per hour across users, also from two servers at once', withStores(async (stores) => {
    // Two mfa instances over the same stores, as two server processes would be; 30 users of
    // one number start at once, 15 on each. Exactly 10 messages go out.
    const { clock, advance } = clockFor(ctx);
    const outbox = outboxSender();
    const servers = [0, 1].map(() => createMfa({ stores, senders: { sms: outbox }, secret: SECRET, clock }));
    const users = Array.from({ length: 30 }, (_, i) => `shared-${i}`);
    for (const userId of users) {
      await stores.factors.putFactor({ id: `f_${userId}`, userId, channel: 'sms', status: 'active', phone: PHONE, createdAt: 1 });
    }
    const results = await Promise.all(users.map((userId, i) => servers[i % 2]?.startChallenge(userId)));
    expect(tally(results.flatMap((r) => (r ? [r] : [])))).toEqual({ ok: 10, send_limit_reached: 30 - 10 });
    expect(outbox.messages.length).toBe(10);
    const refused = users.filter((_, i) => !results[i]?.ok);
    const first = refused[0] ?? '';
    const refusal = results[users.indexOf(first)];
    expect(refusal && !refusal.ok && 'scope' in refusal ? refusal.scope : undefined).toBe('destination');
    // A refused user was not charged: no cooldown, a full budget of their own.
    expect((await servers[0]?.getStatus(first))?.sendsLeft).toBe(10);
    // The window slides: an hour after the first sends, the number is free again.
    advance(60 * 60_000);
    expect((await servers[1]?.startChallenge(first))?.ok).toBe(true);
  }));
}
