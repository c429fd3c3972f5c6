/**
 * The StateStore part of the store conformance suite.
 * @internal
 * @module
 */
import type { ExpectLike, It, StoreTestOptions, WithStores } from './types.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** @internal */
export function defineStateTests(it: It, expect: ExpectLike, withStores: WithStores): void {
  it('reads a missing key as null', withStores(async ({ state }) => {
    expect(await state.read('user:missing')).toBe(null);
  }));

  it('creates only with expected null, and round-trips any string', withStores(async ({ state }) => {
    const value = `{"a":"line\\nbreak","u":"日本 ✓","n":"\n\r\t"}${'x'.repeat(4096)}`;
    expect(await state.write('user:1', value, null, 60_000)).toBe(true);
    const rec = await state.read('user:1');
    expect(rec?.value).toBe(value);
    expect(typeof rec?.version).toBe('number');
    expect(await state.write('user:1', 'other', null, 60_000)).toBe(false);
    expect((await state.read('user:1'))?.value).toBe(value);
    expect(await state.write('user:2', '', null, 60_000)).toBe(true);
    expect((await state.read('user:2'))?.value).toBe('');
  }));

  it('writes only when the version matches, and a mismatch changes nothing', withStores(async ({ state }) => {
    expect(await state.write('user:1', 'v1', 12345, 60_000)).toBe(false);
    expect(await state.read('user:1')).toBe(null);
    await state.write('user:1', 'v1', null, 60_000);
    const rec = await state.read('user:1');
    if (!rec) throw new Error('expected a record');
    expect(await state.write('user:1', 'stale', rec.version + 1, 60_000)).toBe(false);
    expect(await state.write('user:1', 'stale', rec.version - 1, 60_000)).toBe(false);
    expect(await state.read('user:1')).toEqual(rec);
    expect(await state.write('user:1', 'v2', rec.version, 60_000)).toBe(true);
    expect((await state.read('user:1'))?.value).toBe('v2');
    expect(await state.write('user:1', 'v3', rec.version, 60_000)).toBe(false);
    expect((await state.read('user:1'))?.value).toBe('v2');
  }));

  it('changes the version on every write, also across delete and re-create', withStores(async ({ state }) => {
    const seen: number[] = [];
    let expected: number | null = null;
    for (let i = 0; i < 5; i += 1) {
      expect(await state.write('user:1', `v${i}`, expected, 60_000)).toBe(true);
      const rec = await state.read('user:1');
      if (!rec) throw new Error('expected a record');
      seen.push(rec.version);
      expected = rec.version;
    }
    expect(await state.write('user:1', null, expected, 60_000)).toBe(true);
    expect(await state.write('user:1', 'again', null, 60_000)).toBe(true);
    const again = await state.read('user:1');
    expect(seen.includes(again?.version ?? -1)).toBe(false);
    expect(new Set(seen).size).toBe(seen.length);
    for (const stale of seen) expect(await state.write('user:1', 'stale', stale, 60_000)).toBe(false);
    expect((await state.read('user:1'))?.value).toBe('again');
  }));

  it('deletes with value null under the same compare-and-set rule', withStores(async ({ state }) => {
    await state.write('user:1', 'v1', null, 60_000);
    const rec = await state.read('user:1');
    if (!rec) throw new Error('expected a record');
    expect(await state.write('user:1', null, rec.version + 1, 60_000)).toBe(false);
    expect(await state.write('user:1', null, null, 60_000)).toBe(false);
    expect(await state.read('user:1')).toEqual(rec);
    expect(await state.write('user:1', null, rec.version, 60_000)).toBe(true);
    expect(await state.read('user:1')).toBe(null);
    expect(await state.write('user:1', null, rec.version, 60_000)).toBe(false);
    expect(await state.write('user:1', null, null, 60_000)).toBe(true);
    expect(await state.write('user:1', 'new', null, 60_000)).toBe(true);
  }));

  it('keeps keys independent', withStores(async ({ state }) => {
    await state.write('user:a', 'A', null, 60_000);
    await state.write('dest:b', 'B', null, 60_000);
    expect((await state.read('user:a'))?.value).toBe('A');
    expect((await state.read('dest:b'))?.value).toBe('B');
    expect(await state.read('user:b')).toBe(null);
  }));
}

/** @internal */
export function defineTtlTests(
  it: It,
  expect: ExpectLike,
  withStores: WithStores,
  clock: StoreTestOptions['clock'],
  realTtl: number,
): void {
  if (clock) {
    it('expires a key ttlMs after the write (controlled clock)', withStores(async ({ state }) => {
      await state.write('user:1', 'v1', null, 10_000);
      clock.advance(9_999);
      expect((await state.read('user:1'))?.value).toBe('v1');
      clock.advance(1);
      expect(await state.read('user:1')).toBe(null);
      expect(await state.write('user:1', 'v2', null, 10_000)).toBe(true);
    }));

    it('restarts the TTL on each write, and ttlMs null never expires', withStores(async ({ state }) => {
      await state.write('user:1', 'v1', null, 1_000);
      const rec = await state.read('user:1');
      clock.advance(900);
      await state.write('user:1', 'v2', rec?.version ?? null, 5_000);
      clock.advance(900);
      expect((await state.read('user:1'))?.value).toBe('v2');
      const rec2 = await state.read('user:1');
      await state.write('user:1', 'locked', rec2?.version ?? null, null);
      clock.advance(365 * 24 * 3_600_000);
      expect((await state.read('user:1'))?.value).toBe('locked');
      const rec3 = await state.read('user:1');
      await state.write('user:1', 'short', rec3?.version ?? null, 1_000);
      clock.advance(1_000);
      expect(await state.read('user:1')).toBe(null);
    }));
    return;
  }

  const waitGone = async (read: () => Promise<unknown>, deadlineMs: number): Promise<number> => {
    const start = Date.now();
    while (Date.now() - start < deadlineMs) {
      if ((await read()) === null) return Date.now() - start;
      await sleep(10);
    }
    throw new Error(`key still present after ${deadlineMs} ms`);
  };

  it('expires a key ttlMs after the write (real time)', withStores(async ({ state }) => {
    const start = Date.now();
    await state.write('user:1', 'v1', null, realTtl);
    expect((await state.read('user:1'))?.value).toBe('v1');
    await waitGone(() => state.read('user:1'), realTtl * 20 + 2_000);
    expect(Date.now() - start >= realTtl - 5).toBe(true);
    expect(await state.write('user:1', 'v2', null, 60_000)).toBe(true);
  }));

  it('restarts the TTL on each write, and ttlMs null never expires (real time)', withStores(async ({ state }) => {
    await state.write('user:1', 'v1', null, realTtl);
    const rec = await state.read('user:1');
    await state.write('user:1', 'locked', rec?.version ?? null, null);
    await sleep(realTtl * 2);
    expect((await state.read('user:1'))?.value).toBe('locked');
    const rec2 = await state.read('user:1');
    await state.write('user:1', 'short', rec2?.version ?? null, realTtl);
    await waitGone(() => state.read('user:1'), realTtl * 20 + 2_000);
  }));
}

/** @internal */
export function defineConcurrencyTests(it: It, expect: ExpectLike, withStores: WithStores): void {
  it('100 concurrent writes with the same expected version: exactly one wins', withStores(async ({ state }) => {
    await state.write('user:race', 'start', null, 60_000);
    const rec = await state.read('user:race');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => state.write('user:race', `w${i}`, rec?.version ?? null, 60_000)),
    );
    const winners = results.flatMap((ok, i) => (ok ? [i] : []));
    expect(winners.length).toBe(1);
    expect((await state.read('user:race'))?.value).toBe(`w${winners[0]}`);

    const creates = await Promise.all(
      Array.from({ length: 100 }, (_, i) => state.write('user:new', `c${i}`, null, 60_000)),
    );
    expect(creates.filter(Boolean).length).toBe(1);
  }));

  it('200 concurrent read-modify-write increments, retrying on false: none lost', withStores(async ({ state }) => {
    const increment = async (): Promise<number> => {
      for (let attempt = 1; ; attempt += 1) {
        const rec = await state.read('user:counter');
        const next = String(Number(rec?.value ?? '0') + 1);
        if (await state.write('user:counter', next, rec?.version ?? null, 60_000)) return attempt;
        if (attempt > 10_000) throw new Error('no progress');
      }
    };
    await Promise.all(Array.from({ length: 200 }, increment));
    expect((await state.read('user:counter'))?.value).toBe('200');
  }));
}
