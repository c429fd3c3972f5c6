/**
 * The backup-code part of the conformance suite's rules: the set lives in the user's state
 * record, so the store's compare-and-set alone makes each code single-use.
 * @internal
 * @module
 */
import { createMfa } from '../flows/mfa.js';
import { clockFor } from './clock.js';
import { outboxSender } from './outbox.js';
import type { ExpectLike, It, StoreTestContext, WithStores } from './types.js';

const SECRET = 'mfakit-conformance-secret-0123456789abcdef';
const USER = 'conformance-backup-user';

/** @internal */
export function defineBackupTests(it: It, expect: ExpectLike, withStores: WithStores, ctx: StoreTestContext): void {
  it('rules: a backup code is single-use under 20 parallel verifies; regenerating kills the old set; wrong ones count', withStores(async (stores) => {
    const { clock } = clockFor(ctx);
    const mfa = createMfa({ stores, senders: { sms: outboxSender() }, secret: SECRET, clock });
    const first = await mfa.generateBackupCodes(USER);
    if (!first.ok) throw new Error(first.error);
    const code = first.codes[0] as string;
    const results = await Promise.all(Array.from({ length: 20 }, () => mfa.verify(USER, code)));
    expect(results.filter((r) => r.ok).length).toBe(1);
    expect(results.filter((r) => !r.ok && r.error === 'code_mismatch').length).toBe(19);
    expect((await mfa.getStatus(USER)).failures).toBe(0); // replays of a used code count nothing
    const listed = (await mfa.listFactors(USER)).factors;
    expect(listed.length).toBe(1);
    expect(listed[0]?.backupCodesLeft).toBe(9);

    const second = await mfa.generateBackupCodes(USER);
    if (!second.ok) throw new Error(second.error);
    expect((await mfa.verify(USER, first.codes[1] as string)).ok).toBe(false);
    expect((await mfa.getStatus(USER)).failures).toBe(1);
    expect((await mfa.verify(USER, second.codes[1] as string)).ok).toBe(true);
    expect((await mfa.listFactors(USER)).factors[0]?.backupCodesLeft).toBe(9);
  }));
}
