/**
 * The memory state store keeps mfakit's records decoded (no JSON on the hot path), and
 * still honours the string contract of `StateStore` for anyone else: `read` answers the
 * encoded record, a string written through `write` is checked when mfakit reads it, and a
 * held record cannot be changed by whoever holds it.
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
    expect(heldRecordsOf(stores.state)?.read('user:u1')?.state).toEqual(decoded);
  });

  it('a held record is deeply frozen: mutating it throws and changes nothing', async () => {
    const { mfa, stores, outbox } = await enrolled();
    must(await mfa.startChallenge('u1'));
    expect((await mfa.verify('u1', wrong(outbox.last()?.code ?? ''))).ok).toBe(false);
    const held = heldRecordsOf(stores.state)?.read('user:u1')?.state as { failures: number; sends: number[]; code: { tries: number } };
    expect(() => {
      held.failures = 0;
    }).toThrow(TypeError);
    expect(() => held.sends.push(1)).toThrow(TypeError);
    expect(() => {
      held.code.tries = 0;
    }).toThrow(TypeError);
    expect((await mfa.getStatus('u1')).failures).toBe(1);
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
