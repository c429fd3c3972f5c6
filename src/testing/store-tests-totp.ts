/**
 * The authenticator (TOTP) part of the conformance suite's rules: the used time step lives
 * in the user's state record, so the store's compare-and-set alone makes a code single-use.
 * @internal
 * @module
 */
import { generateSync } from 'otplib';
import { createMfa } from '../flows/mfa.js';
import { clockFor } from './clock.js';
import { outboxSender } from './outbox.js';
import type { ExpectLike, It, StoreTestContext, WithStores } from './types.js';

const SECRET = 'mfakit-conformance-secret-0123456789abcdef';
const USER = 'conformance-app-user';
const STEP = 30_000;

/** @internal */
export function defineTotpTests(it: It, expect: ExpectLike, withStores: WithStores, ctx: StoreTestContext): void {
  it('rules: an authenticator code is single-use under 20 parallel verifies; wrong ones count', withStores(async (stores) => {
    const { clock, advance } = clockFor(ctx);
    const mfa = createMfa({ stores, senders: { sms: outboxSender() }, secret: SECRET, appName: 'Conformance', clock });
    const appCode = (secret: string) => generateSync({ secret, epoch: Math.floor(clock.now() / 1000) });
    const app = await mfa.enrollTotp(USER);
    if (!app.ok) throw new Error(app.error);
    expect((await mfa.confirmEnrollment(USER, appCode(app.secret), { factorId: app.factorId })).ok).toBe(true);
    advance(3 * STEP);
    const code = appCode(app.secret);
    const results = await Promise.all(Array.from({ length: 20 }, () => mfa.verify(USER, code)));
    expect(results.filter((r) => r.ok).length).toBe(1);
    expect(results.filter((r) => !r.ok && r.error === 'code_mismatch').length).toBe(19);
    expect((await mfa.verify(USER, code)).ok).toBe(false);
    expect((await mfa.getStatus(USER)).failures).toBe(0); // replays count nothing
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await mfa.verify(USER, wrong)).toEqual({ ok: false, error: 'code_mismatch', attemptsLeft: 7, failuresLeft: 7 });
    expect((await mfa.getStatus(USER)).failures).toBe(1);
  }));
}
