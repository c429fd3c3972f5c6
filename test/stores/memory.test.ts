import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryStores } from '../../src/adapters/memory/index.js';
import { MfaError } from 'mfakit';
import { defineStoreTests } from '../../src/testing/store-conformance.js';

function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const clock = manualClock();

defineStoreTests(
  { describe, it, expect, beforeEach, afterEach },
  { name: 'memoryStores', create: () => memoryStores({ clock }), clock },
);

describe('memoryStores specifics', () => {
  it('refuses a new key when full and never evicts a live one', async () => {
    const clock = manualClock();
    const { state } = memoryStores({ clock, maxKeys: 3 });
    for (const k of ['a', 'b']) expect(await state.write(k, k, null, 60_000)).toBe(true);
    expect(await state.write('lock', 'admin-only', null, null)).toBe(true);
    const err = await state.write('d', 'd', null, 60_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MfaError);
    expect((err as MfaError).code).toBe('store_failed');
    for (const k of ['a', 'b']) expect((await state.read(k))?.value).toBe(k);
    expect((await state.read('lock'))?.value).toBe('admin-only');
    expect(state.size()).toBe(3);

    // Existing keys can still be rewritten and deleted while full.
    const a = await state.read('a');
    expect(await state.write('a', 'a2', a?.version ?? null, 60_000)).toBe(true);
    const b = await state.read('b');
    expect(await state.write('b', null, b?.version ?? null, 60_000)).toBe(true);
    expect(await state.write('d', 'd', null, 60_000)).toBe(true);
    expect(state.size()).toBe(3);
  });

  it('makes room by dropping expired keys only', async () => {
    const clock = manualClock();
    const { state } = memoryStores({ clock, maxKeys: 2 });
    await state.write('short', 's', null, 1_000);
    await state.write('long', 'l', null, 60_000);
    await expect(state.write('new', 'n', null, 1_000)).rejects.toThrow(MfaError);
    clock.advance(1_000);
    expect(await state.write('new', 'n', null, 1_000)).toBe(true);
    expect((await state.read('long'))?.value).toBe('l');
    expect(await state.read('short')).toBe(null);
  });

  it('holds 0 entries once the clock has passed every TTL', async () => {
    const clock = manualClock();
    const { state } = memoryStores({ clock });
    for (let i = 0; i < 1_000; i += 1) await state.write(`user:${i}`, 'x', null, 1_000 + i);
    expect(state.size()).toBe(1_000);
    clock.advance(1_500);
    expect(state.sweep()).toBe(501);
    clock.advance(500);
    expect(state.size()).toBe(0);
  });

  it('sweeps expired keys from inside write, without timers', async () => {
    const clock = manualClock();
    const { state } = memoryStores({ clock, sweepIntervalMs: 10_000 });
    for (let i = 0; i < 100; i += 1) await state.write(`k${i}`, 'x', null, 5_000);
    clock.advance(10_000);
    await state.write('trigger', 'x', null, 60_000);
    expect(state.sweep()).toBe(0); // the write already swept the 100 expired keys
    expect(state.size()).toBe(1);
  });

  it('rejects an invalid ttlMs and bad options', async () => {
    const { state } = memoryStores();
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(state.write('k', 'v', null, ttl)).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    expect(await state.read('k')).toBe(null);
    expect(() => memoryStores({ maxKeys: 0 })).toThrow(MfaError);
  });

  it('uses store-wide increasing versions', async () => {
    const { state } = memoryStores();
    await state.write('a', '1', null, 1_000);
    await state.write('b', '1', null, 1_000);
    const a = await state.read('a');
    const b = await state.read('b');
    expect((b?.version ?? 0) > (a?.version ?? 0)).toBe(true);
  });
});
