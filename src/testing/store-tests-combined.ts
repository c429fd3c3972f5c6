/**
 * The `Stores.combined` part of the store conformance suite: each fast path must answer
 * exactly as the plain calls it replaces.
 * @internal
 * @module
 */
import type { CombinedStore } from '../ports/combined-store.js';
import type { Stores } from '../ports/factor-store.js';
import type { Factor } from '../core/types.js';
import type { ExpectLike, It, WithStores } from './types.js';

const sms = (id: string, userId: string, over: Partial<Factor> = {}): Factor => ({
  id,
  userId,
  channel: 'sms',
  status: 'active',
  phone: '+14155552671',
  createdAt: 1_700_000_000_000,
  ...over,
});

/** @internal */
export function defineCombinedTests(it: It, expect: ExpectLike, withStores: WithStores, kind: 'one-user' | 'multi-key'): void {
  const combinedOf = (stores: Stores): CombinedStore => {
    if (!stores.combined) throw new Error('the stores have no `combined`, but the suite was told they do');
    expect(stores.combined.multiKey).toBe(kind === 'multi-key');
    return stores.combined;
  };

  it('loadUser answers what listFactors, getPreferred and read answer', withStores(async (stores) => {
    const c = combinedOf(stores);
    expect(await c.loadUser('u1', 'user:u1')).toEqual({ factors: [], preferred: null, state: null });
    const a = sms('fa', 'u1', { createdAt: 2_000 });
    const b = sms('fb', 'u1', { createdAt: 1_000, status: 'pending' });
    await stores.factors.putFactor(a);
    await stores.factors.putFactor(b);
    await stores.factors.putFactor(sms('fz', 'u2'));
    await stores.factors.setPreferred('u1', 'fa');
    await stores.state.write('user:u1', 'state-1', null, 60_000);
    const snap = await c.loadUser('u1', 'user:u1');
    expect(snap).toEqual({
      factors: await stores.factors.listFactors('u1'),
      preferred: 'fa',
      state: await stores.state.read('user:u1'),
    });
    expect(snap.factors.map((f) => f.id)).toEqual(['fb', 'fa']);
  }));

  it('loadUserWith (when the store has it) answers what loadUser and read answer, the other records in the order asked', withStores(async (stores) => {
    const c = combinedOf(stores);
    if (!c.loadUserWith) return;
    expect(await c.loadUserWith('u1', 'user:u1', ['settings', 'dest:n1'])).toEqual({ factors: [], preferred: null, state: null, also: [null, null] });
    await stores.factors.putFactor(sms('fa', 'u1'));
    await stores.factors.setPreferred('u1', 'fa');
    await stores.state.write('user:u1', 'state-1', null, 60_000);
    await stores.state.write('settings', 'settings-1', null, null);
    await stores.state.write('dest:n1', 'dest-1', null, 60_000);
    const snap = await c.loadUserWith('u1', 'user:u1', ['dest:n1', 'settings', 'user:u2']);
    expect(snap).toEqual({
      ...(await c.loadUser('u1', 'user:u1')),
      also: [await stores.state.read('dest:n1'), await stores.state.read('settings'), null],
    });
    expect(snap.also[1]?.value).toBe('settings-1');
    // A change is seen at the next call (nothing is kept between calls).
    const settings = await stores.state.read('settings');
    expect(await stores.state.write('settings', 'settings-2', settings?.version ?? null, null)).toBe(true);
    expect((await c.loadUserWith('u1', 'user:u1', ['settings'])).also[0]?.value).toBe('settings-2');
    expect((await c.loadUserWith('u1', 'user:u1', [])).also).toEqual([]);
  }));

  it('commit of one record is the compare-and-set of write, with the new version', withStores(async (stores) => {
    const c = combinedOf(stores);
    const created = await c.commit([{ key: 'user:u1', value: 'v1', expectedVersion: null, ttlMs: 60_000 }]);
    const rec = await stores.state.read('user:u1');
    expect(created).toEqual({ ok: true, versions: [rec?.version], touched: false });
    expect(rec?.value).toBe('v1');
    // A stale version changes nothing and answers with what the key holds now.
    const stale = await c.commit([{ key: 'user:u1', value: 'x', expectedVersion: null, ttlMs: 60_000 }]);
    expect(stale).toEqual({ ok: false, current: [rec] });
    expect(await stores.state.read('user:u1')).toEqual(rec);
    const wrong = await c.commit([{ key: 'user:u9', value: 'x', expectedVersion: 42, ttlMs: 60_000 }]);
    expect(wrong).toEqual({ ok: false, current: [null] });
    expect(await stores.state.read('user:u9')).toBe(null);
    // The plain write sees the commit's version, and the other way round.
    expect(await stores.state.write('user:u1', 'v2', rec?.version ?? null, 60_000)).toBe(true);
    const v2 = await stores.state.read('user:u1');
    const del = await c.commit([{ key: 'user:u1', value: null, expectedVersion: v2?.version ?? null, ttlMs: 1 }]);
    expect(del).toEqual({ ok: true, versions: [null], touched: false });
    expect(await stores.state.read('user:u1')).toBe(null);
  }));

  it('commit records the use of an active factor only, and only when it wins', withStores(async (stores) => {
    const c = combinedOf(stores);
    await stores.factors.putFactor(sms('fa', 'u1'));
    await stores.factors.putFactor(sms('fp', 'u1', { status: 'pending' }));
    await stores.factors.putFactor(sms('fi', 'u1', { status: 'invalid' }));
    const write = async (value: string) => {
      const rec = await stores.state.read('user:u1');
      return { key: 'user:u1', value, expectedVersion: rec?.version ?? null, ttlMs: 60_000 };
    };
    const won = await c.commit([await write('a')], { userId: 'u1', factorId: 'fa', at: 1_234 });
    expect(won.ok && won.touched).toBe(true);
    expect((await stores.factors.getFactor('u1', 'fa'))?.lastUsedAt).toBe(1_234);
    for (const factorId of ['fp', 'fi', 'missing']) {
      const r = await c.commit([await write(factorId)], { userId: 'u1', factorId, at: 5_678 });
      expect(r.ok && !r.touched).toBe(true);
    }
    expect(await stores.factors.getFactor('u1', 'fp')).toEqual(sms('fp', 'u1', { status: 'pending' }));
    expect(await stores.factors.getFactor('u1', 'fi')).toEqual(sms('fi', 'u1', { status: 'invalid' }));
    expect(await stores.factors.getFactor('u1', 'missing')).toBe(null);
    const lost = await c.commit([{ key: 'user:u1', value: 'z', expectedVersion: null, ttlMs: 60_000 }], {
      userId: 'u1',
      factorId: 'fa',
      at: 9_999,
    });
    expect(lost.ok).toBe(false);
    expect((await stores.factors.getFactor('u1', 'fa'))?.lastUsedAt).toBe(1_234);
  }));

  it('50 concurrent commits from one version: exactly one wins, the rest see it', withStores(async (stores) => {
    const c = combinedOf(stores);
    await stores.state.write('user:race', 'start', null, 60_000);
    const rec = await stores.state.read('user:race');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        c.commit([{ key: 'user:race', value: `w${i}`, expectedVersion: rec?.version ?? null, ttlMs: 60_000 }]),
      ),
    );
    const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
    expect(winners.length).toBe(1);
    const now = await stores.state.read('user:race');
    expect(now?.value).toBe(`w${winners[0]}`);
    for (const r of results) if (!r.ok) expect(r.current).toEqual([now]);
  }));

  if (kind !== 'multi-key') return;
  it('commit of several records is all or none (multiKey stores)', withStores(async (stores) => {
    const c = combinedOf(stores);
    await stores.state.write('dest:n1', 'd1', null, 60_000);
    const d1 = await stores.state.read('dest:n1');
    // One stale version: nothing is written, and both current records come back.
    const stale = await c.commit([
      { key: 'user:u1', value: 'u', expectedVersion: null, ttlMs: 60_000 },
      { key: 'dest:n1', value: 'd2', expectedVersion: null, ttlMs: 60_000 },
    ]);
    expect(stale).toEqual({ ok: false, current: [null, d1] });
    expect(await stores.state.read('user:u1')).toBe(null);
    const both = await c.commit([
      { key: 'user:u1', value: 'u', expectedVersion: null, ttlMs: 60_000 },
      { key: 'dest:n1', value: 'd2', expectedVersion: d1?.version ?? null, ttlMs: 60_000 },
    ]);
    const u = await stores.state.read('user:u1');
    const d2 = await stores.state.read('dest:n1');
    expect(both).toEqual({ ok: true, versions: [u?.version, d2?.version], touched: false });
    expect([u?.value, d2?.value]).toEqual(['u', 'd2']);
  }));

}
