/**
 * The memory state store keeps mfakit's records decoded (no JSON on the hot path), and
 * still honours the string contract of `StateStore` for anyone else: `read` answers the
 * encoded record, a string written through `write` is checked when mfakit reads it, a
 * held record cannot be changed through its objects, and its lists of send times (left
 * unfrozen, as V8's unboxed numbers) are handed to no caller.
 */
import { describe, expect, it } from 'vitest';
import { decodeUser } from '../../src/core/codec.js';
import { heldRecordsOf } from '../../src/ports/held-state.js';
import { enrolled, must, wrong } from '../helpers/setup.js';

describe('memory state store: held records', () => {
  it('read answers the encoded record, which decodes to what mfakit holds', async () => {
    const { mfa, stores, outbox } = await enrolled();
    must(await mfa.startChallenge('u1'));
    expect((await mfa.verify('u1', wrong(outbox.last()?.code ?? ''))).ok).toBe(false);
    const rec = await stores.state.read('user:u1');
    if (rec === null) throw new Error('expected a record');
    const decoded = decodeUser(rec.value);
    expect(decoded.failures).toBe(1);
    expect(decoded.code?.tries).toBe(1);
    expect(heldRecordsOf(stores.state)?.read('user:u1')?.value).toEqual(decoded);
  });

  it('a held record cannot be changed through its objects: mutating one throws and changes nothing', async () => {
    const { mfa, stores, outbox } = await enrolled();
    must(await mfa.startChallenge('u1'));
    expect((await mfa.verify('u1', wrong(outbox.last()?.code ?? ''))).ok).toBe(false);
    const held = heldRecordsOf(stores.state)?.read('user:u1')?.value as { failures: number; sends: number[]; code: { tries: number } };
    expect(() => {
      held.failures = 0;
    }).toThrow(TypeError);
    expect(() => {
      held.code.tries = 0;
    }).toThrow(TypeError);
    expect(() => {
      (held as { extra?: number }).extra = 1;
    }).toThrow(TypeError);
    expect((await mfa.getStatus('u1')).failures).toBe(1);
    expect((await mfa.getStatus('u1')).pending?.attemptsLeft).toBe(3);
  });

  it("a held record's send times (kept unfrozen, as unboxed numbers) reach no result and no event, so no caller can write them", async () => {
    const { mfa, stores, outbox } = await enrolled();
    const seen: unknown[] = [];
    for (const name of ['code.sent', 'verification.failed', 'verification.succeeded', 'code.exhausted', 'user.locked', 'delivery.failed'] as const) mfa.on(name, (e) => seen.push(e));
    seen.push(await mfa.startChallenge('u1'));
    seen.push(await mfa.verify('u1', wrong(outbox.last()?.code ?? '')));
    seen.push(await mfa.getStatus('u1'));
    seen.push(await mfa.resend('u1'));
    seen.push(await mfa.verify('u1', outbox.last()?.code ?? ''));
    seen.push(await mfa.getStatus('u1'));
    const held = heldRecordsOf(stores.state)?.read('user:u1')?.value as { sends: number[] };
    expect(held.sends.length).toBeGreaterThan(0);
    const arrays: unknown[] = [];
    const walk = (v: unknown): void => {
      if (typeof v !== 'object' || v === null) return;
      if (Array.isArray(v)) arrays.push(v);
      for (const x of Object.values(v)) walk(x);
    };
    walk(seen);
    expect(seen.length).toBeGreaterThan(6);
    expect(arrays.some((a) => a === held.sends)).toBe(false);
    // The store's copy is what the store answers as a string, whoever held a result.
    const rec = await stores.state.read('user:u1');
    expect(decodeUser(rec?.value ?? '').sends).toEqual(held.sends);
  });

  it('a string written through write is checked when mfakit reads it (fail closed)', async () => {
    const { mfa, stores, outbox } = await enrolled();
    must(await mfa.startChallenge('u1'));
    const code = outbox.last()?.code ?? '';
    const rec = await stores.state.read('user:u1');
    expect(await stores.state.write('user:u1', '{"F":-1}', rec?.version ?? null, 60_000)).toBe(true);
    await expect(mfa.verify('u1', code)).rejects.toMatchObject({ code: 'store_failed' });
  });

  it('a valid string written through write is read as that state', async () => {
    const { mfa, stores, outbox } = await enrolled();
    must(await mfa.startChallenge('u1'));
    const rec = await stores.state.read('user:u1');
    if (rec === null) throw new Error('expected a record');
    const value = rec.value.replace(/\}$/, ',"F":3,"C":3,"lf":0}');
    expect(await stores.state.write('user:u1', value, rec.version, 60_000)).toBe(true);
    expect((await mfa.getStatus('u1')).failures).toBe(3);
    must(await mfa.verify('u1', outbox.last()?.code ?? ''));
    expect((await mfa.getStatus('u1')).failures).toBe(0);
  });
});
