/**
 * The memory factor store answers the sign-in path's reads and touch synchronously (held
 * factors), so a memory `loadUser` or commit needs no chain of awaits. The held calls answer
 * what the async calls answer, hand out copies, and a fault in them is still
 * `store_failed` (never a success); a wrapper built by spreading the store is not bypassed.
 */
import { describe, expect, it } from 'vitest';
import { createMfa } from '../../src/index.js';
import { memoryFactorStore, memoryStores } from '../../src/adapters/memory/index.js';
import { outboxSender } from '../../src/testing/index.js';
import type { Factor } from '../../src/core/types.js';
import type { FactorStore } from '../../src/ports/factor-store.js';
import { HELD_FACTORS, heldFactorsOf } from '../../src/ports/held-factors.js';
import { createGateway } from '../../src/store/gateway.js';
import { enrolled, must, PHONE, SECRET } from '../helpers/setup.js';

const factor = (id: string, userId: string, status: Factor['status'] = 'active'): Factor => ({ id, userId, channel: 'sms', status, phone: PHONE, createdAt: 1 });

describe('memory factor store: held factors', () => {
  it('list, preferred and touch answer what the async calls answer, for none, one and several factors', async () => {
    const store = memoryFactorStore();
    const held = heldFactorsOf(store);
    if (held === undefined) throw new Error('expected held factors');
    expect(held.list('u1')).toEqual([]);
    await store.putFactor(factor('a', 'u1'));
    expect(held.list('u1')).toEqual(await store.listFactors('u1'));
    await store.putFactor(factor('b', 'u1', 'pending'));
    await store.putFactor(factor('c', 'u1'));
    expect(held.list('u1').map((f) => f.id)).toEqual(['a', 'b', 'c']);
    expect(held.list('u1')).toEqual(await store.listFactors('u1'));
    expect(held.preferred('u1')).toBeNull();
    await store.setPreferred('u1', 'c');
    expect(held.preferred('u1')).toBe(await store.getPreferred('u1'));
    expect(held.touch('u1', 'c', 42)).toBe(true);
    expect((await store.getFactor('u1', 'c'))?.lastUsedAt).toBe(42);
    expect(held.touch('u1', 'b', 43)).toBe(false); // pending: not touched
    expect((await store.getFactor('u1', 'b'))?.lastUsedAt).toBeUndefined();
    expect(held.touch('u1', 'nope', 44)).toBe(false);
    expect(held.touch('u2', 'a', 45)).toBe(false); // another user's factor id
  });

  it('hands out copies: changing a listed factor changes nothing in the store', async () => {
    const store = memoryFactorStore();
    await store.putFactor(factor('a', 'u1'));
    const [listed] = heldFactorsOf(store)?.list('u1') ?? [];
    if (listed === undefined) throw new Error('expected a factor');
    listed.status = 'invalid';
    expect((await store.getFactor('u1', 'a'))?.status).toBe('active');
  });

  it("keeps its own copy of a put factor with the caller's own fields only (no inherited ones; an own __proto__ stays a field)", async () => {
    const store = memoryFactorStore();
    const input = factor('a', 'u1');
    const withProto = Object.defineProperty({ ...factor('b', 'u1') }, '__proto__', { value: { status: 'invalid' }, enumerable: true, writable: true, configurable: true });
    const inherited = Object.assign(Object.create({ replaces: 'inherited' }) as Factor, factor('c', 'u1'));
    await store.putFactor(input);
    await store.putFactor(withProto);
    await store.putFactor(inherited);
    input.status = 'invalid'; // the caller's object changes after the put: the store's copy does not
    const [a, b, c] = await store.listFactors('u1');
    expect(a).toEqual(factor('a', 'u1'));
    expect(Object.keys(b ?? {})).toEqual([...Object.keys(factor('b', 'u1')), '__proto__']);
    expect(Object.getPrototypeOf(b)).toBe(Object.prototype);
    expect(b?.status).toBe('active');
    expect(c).toEqual(factor('c', 'u1'));
    expect(c?.replaces).toBeUndefined();
    // A touch adds lastUsedAt to the held factor; the copies still carry every field.
    expect(heldFactorsOf(store)?.touch('u1', 'a', 7)).toBe(true); // still active: the caller's change did not reach it
    expect(input.lastUsedAt).toBeUndefined(); // nor does the touch reach the caller's object
    expect(await store.getFactor('u1', 'a')).toEqual({ ...factor('a', 'u1'), lastUsedAt: 7 });
    await store.putFactor({ ...factor('a', 'u1'), activatedAt: 2 });
    expect(heldFactorsOf(store)?.touch('u1', 'a', 8)).toBe(true);
    expect(await store.getFactor('u1', 'a')).toEqual({ ...factor('a', 'u1'), activatedAt: 2, lastUsedAt: 8 });
  });

  it('memory stores take the synchronous path; a spread copy of the factor store does not carry it', () => {
    const mem = memoryStores();
    expect(createGateway(mem).now).toBeDefined();
    const spread: FactorStore = { ...mem.factors };
    expect(heldFactorsOf(spread)).toBeUndefined();
    expect(createGateway({ factors: spread, state: mem.state }).now).toBeUndefined();
  });

  it('a wrapper made by spreading the store, whose listFactors rejects, makes startChallenge store_failed (not bypassed)', async () => {
    const { stores, clock } = await enrolled();
    const boom = new Error('db down');
    const factors: FactorStore = { ...stores.factors, listFactors: async () => Promise.reject(boom) };
    const outbox = outboxSender();
    const mfa = createMfa({ stores: { factors, state: stores.state }, senders: { sms: outbox }, secret: SECRET, appName: 'Acme', clock });
    await expect(mfa.startChallenge('u1')).rejects.toMatchObject({ code: 'store_failed', cause: boom });
    expect(outbox.messages).toHaveLength(0);
  });

  it('a held call that throws is store_failed with its cause: no code sent, no success reported', async () => {
    const env = await enrolled();
    const boom = new Error('held fault');
    let failing: 'list' | 'touch' | null = null;
    const inner = heldFactorsOf(env.stores.factors);
    if (inner === undefined) throw new Error('expected held factors');
    const factors = Object.defineProperty({ ...env.stores.factors }, HELD_FACTORS, {
      value: {
        list: (userId: string) => (failing === 'list' ? (() => { throw boom; })() : inner.list(userId)),
        preferred: (userId: string) => inner.preferred(userId),
        touch: (userId: string, factorId: string, at: number) => (failing === 'touch' ? (() => { throw boom; })() : inner.touch(userId, factorId, at)),
      },
    }) as FactorStore;
    const clock = env.clock;
    const outbox = outboxSender();
    const mfa = createMfa({ stores: { factors, state: env.stores.state }, senders: { sms: outbox }, secret: SECRET, appName: 'Acme', clock });
    failing = 'list';
    await expect(mfa.startChallenge('u1')).rejects.toMatchObject({ code: 'store_failed', cause: boom });
    expect(outbox.messages).toHaveLength(0);
    failing = null;
    must(await mfa.startChallenge('u1'));
    failing = 'touch';
    const succeeded: unknown[] = [];
    mfa.on('verification.succeeded', (e) => succeeded.push(e));
    await expect(mfa.verify('u1', outbox.last()?.code ?? '')).rejects.toMatchObject({ code: 'store_failed', cause: boom });
    expect(succeeded).toHaveLength(0);
  });
});
