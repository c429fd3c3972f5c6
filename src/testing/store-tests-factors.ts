/**
 * The FactorStore part of the store conformance suite.
 * @internal
 * @module
 */
import type { ExceptionEntry, Factor } from '../core/types.js';
import type { ExpectLike, It, WithStores } from './types.js';

const factor = (over: Partial<Factor> & Pick<Factor, 'id' | 'userId'>): Factor => ({
  channel: 'sms',
  status: 'active',
  phone: '+14155552671',
  createdAt: 1_700_000_000_000,
  ...over,
});

const byUserThenId = (a: Factor, b: Factor): number =>
  a.userId === b.userId ? (a.id < b.id ? -1 : 1) : a.userId < b.userId ? -1 : 1;

/** @internal */
export function defineFactorTests(it: It, expect: ExpectLike, withStores: WithStores): void {
  it('missing data resolves empty, never rejects', withStores(async ({ factors }) => {
    expect(await factors.listFactors('nobody')).toEqual([]);
    expect(await factors.getFactor('nobody', 'f1')).toBe(null);
    expect(await factors.deleteFactor('nobody', 'f1')).toBe(false);
    expect(await factors.findFactorsByPhone('+14155550000')).toEqual([]);
    expect(await factors.getPreferred('nobody')).toBe(null);
    expect(await factors.getException('nobody')).toBe(null);
    expect(await factors.deleteException('nobody')).toBe(false);
    expect(await factors.listExceptions()).toEqual([]);
  }));

  it('keeps email and voice factors as given; only numbers are found by number', withStores(async ({ factors }) => {
    const mail: Factor = { id: 'fm', userId: 'u1', channel: 'email', status: 'active', email: 'Ada.Lovelace@example.com', createdAt: 1_000 };
    const voice = factor({ id: 'fv', userId: 'u1', channel: 'voice', createdAt: 2_000 });
    for (const f of [mail, voice]) await factors.putFactor(f);
    expect(await factors.getFactor('u1', 'fm')).toEqual(mail);
    expect(await factors.listFactors('u1')).toEqual([mail, voice]);
    expect(await factors.findFactorsByPhone('+14155552671')).toEqual([voice]);
  }));

  it('puts, gets, lists in creation order, replaces and deletes factors', withStores(async ({ factors }) => {
    const a = factor({ id: 'fa', userId: 'u1', createdAt: 1_000 });
    const b = factor({ id: 'fb', userId: 'u1', status: 'pending', phone: '+819012345678', createdAt: 2_000 });
    const c: Factor = { id: 'fc', userId: 'u1', channel: 'totp', status: 'active', createdAt: 3_000 };
    for (const f of [a, b, c]) await factors.putFactor(f);
    await factors.putFactor(factor({ id: 'fa', userId: 'u2' }));
    expect(await factors.getFactor('u1', 'fb')).toEqual(b);
    expect(await factors.listFactors('u1')).toEqual([a, b, c]);
    expect((await factors.listFactors('u2')).length).toBe(1);

    const activated: Factor = { ...b, status: 'active', activatedAt: 2_500 };
    await factors.putFactor(activated);
    expect(await factors.getFactor('u1', 'fb')).toEqual(activated);
    expect(await factors.listFactors('u1')).toEqual([a, activated, c]);

    expect(await factors.deleteFactor('u1', 'fa')).toBe(true);
    expect(await factors.deleteFactor('u1', 'fa')).toBe(false);
    expect(await factors.getFactor('u1', 'fa')).toBe(null);
    expect(await factors.listFactors('u1')).toEqual([activated, c]);
    expect((await factors.getFactor('u2', 'fa'))?.userId).toBe('u2');
  }));

  it('reads return copies and writes take copies', withStores(async ({ factors }) => {
    const f = factor({ id: 'f1', userId: 'u1' });
    await factors.putFactor(f);
    f.status = 'invalid';
    expect((await factors.getFactor('u1', 'f1'))?.status).toBe('active');
    const read = await factors.getFactor('u1', 'f1');
    if (read) read.status = 'invalid';
    const listed = await factors.listFactors('u1');
    if (listed[0]) listed[0].status = 'pending';
    const found = await factors.findFactorsByPhone('+14155552671');
    if (found[0]) found[0].status = 'pending';
    expect((await factors.getFactor('u1', 'f1'))?.status).toBe('active');

    const entry: ExceptionEntry = { userId: 'u1', addedBy: 'admin', addedAt: 1, reason: 'kiosk' };
    await factors.putException(entry);
    (entry as { reason: string }).reason = 'changed';
    const got = await factors.getException('u1');
    if (got) (got as { reason: string }).reason = 'changed';
    expect((await factors.getException('u1'))?.reason).toBe('kiosk');
  }));

  it('finds factors by phone across users and follows changes', withStores(async ({ factors }) => {
    const phone = '+14155552671';
    const other = '+61412345678';
    const f1 = factor({ id: 'f1', userId: 'u1', phone });
    const f2 = factor({ id: 'f2', userId: 'u2', phone });
    const f3 = factor({ id: 'f3', userId: 'u2', phone: other });
    for (const f of [f1, f2, f3]) await factors.putFactor(f);
    expect((await factors.findFactorsByPhone(phone)).sort(byUserThenId)).toEqual([f1, f2]);
    expect(await factors.findFactorsByPhone(other)).toEqual([f3]);
    expect(await factors.findFactorsByPhone('+14155550000')).toEqual([]);

    const moved = { ...f1, phone: other };
    await factors.putFactor(moved);
    expect(await factors.findFactorsByPhone(phone)).toEqual([f2]);
    expect((await factors.findFactorsByPhone(other)).sort(byUserThenId)).toEqual([moved, f3]);

    await factors.deleteFactor('u2', 'f2');
    expect(await factors.findFactorsByPhone(phone)).toEqual([]);
    const invalid: Factor = { ...f3, status: 'invalid', invalidatedAt: 5, invalidReason: 'opt_out' };
    await factors.putFactor(invalid);
    expect((await factors.findFactorsByPhone(other)).sort(byUserThenId)).toEqual([moved, invalid]);
  }));

  it('findFactorsByEmail (optional) finds factors by address across users, exactly, and follows changes', withStores(async ({ factors }) => {
    if (!factors.findFactorsByEmail) return;
    const address = 'Ada.Lovelace@example.com';
    const mail = (over: Partial<Factor> & Pick<Factor, 'id' | 'userId'>): Factor => ({ channel: 'email', status: 'active', email: address, createdAt: 1_000, ...over });
    const f1 = mail({ id: 'f1', userId: 'u1' });
    const f2 = mail({ id: 'f2', userId: 'u2', status: 'pending' });
    const f3 = mail({ id: 'f3', userId: 'u2', email: 'grace@example.com' });
    const sms = factor({ id: 'f4', userId: 'u3' });
    for (const f of [f1, f2, f3, sms]) await factors.putFactor(f);
    expect((await factors.findFactorsByEmail(address)).sort(byUserThenId)).toEqual([f1, f2]);
    expect(await factors.findFactorsByEmail('grace@example.com')).toEqual([f3]);
    // Compared exactly: another case of the local part is another address.
    expect(await factors.findFactorsByEmail('ada.lovelace@example.com')).toEqual([]);
    expect(await factors.findFactorsByEmail('nobody@example.com')).toEqual([]);

    const found = await factors.findFactorsByEmail('grace@example.com');
    if (found[0]) found[0].status = 'invalid';
    expect((await factors.getFactor('u2', 'f3'))?.status).toBe('active');

    const moved = { ...f1, email: 'grace@example.com' };
    await factors.putFactor(moved);
    expect(await factors.findFactorsByEmail(address)).toEqual([f2]);
    expect((await factors.findFactorsByEmail('grace@example.com')).sort(byUserThenId)).toEqual([moved, f3]);
    expect(await factors.deleteFactor('u2', 'f2')).toBe(true);
    expect(await factors.findFactorsByEmail(address)).toEqual([]);
    expect(await factors.findFactorsByPhone('+14155552671')).toEqual([sms]);
  }));

  it('touchFactor (optional) sets lastUsedAt of an active factor only', withStores(async ({ factors }) => {
    if (!factors.touchFactor) return;
    const active = factor({ id: 'f1', userId: 'u1', phone: '+14155552671' });
    const invalid = factor({ id: 'f2', userId: 'u1', phone: '+14155550100', status: 'invalid' });
    await factors.putFactor(active);
    await factors.putFactor(invalid);
    expect(await factors.touchFactor('u1', 'f1', 1_795_564_800_123)).toBe(true);
    expect((await factors.getFactor('u1', 'f1'))?.lastUsedAt).toBe(1_795_564_800_123);
    expect(await factors.getFactor('u1', 'f1')).toEqual({ ...active, lastUsedAt: 1_795_564_800_123 });
    expect(await factors.touchFactor('u1', 'f2', 5)).toBe(false);
    expect(await factors.getFactor('u1', 'f2')).toEqual(invalid);
    expect(await factors.touchFactor('u1', 'nope', 5)).toBe(false);
    expect(await factors.touchFactor('u9', 'f1', 5)).toBe(false);
    expect((await factors.findFactorsByPhone('+14155552671')).map((f) => f.lastUsedAt)).toEqual([1_795_564_800_123]);
  }));

  it('sets, replaces and clears the preferred factor per user', withStores(async ({ factors }) => {
    await factors.setPreferred('u1', 'f1');
    await factors.setPreferred('u2', 'f9');
    expect(await factors.getPreferred('u1')).toBe('f1');
    await factors.setPreferred('u1', 'f2');
    expect(await factors.getPreferred('u1')).toBe('f2');
    await factors.setPreferred('u1', null);
    expect(await factors.getPreferred('u1')).toBe(null);
    expect(await factors.getPreferred('u2')).toBe('f9');
  }));

  it('puts, replaces, lists and deletes exception entries', withStores(async ({ factors }) => {
    const e1: ExceptionEntry = { userId: 'u1', addedBy: 'admin-1', addedAt: 10, reason: 'kiosk' };
    const e2: ExceptionEntry = { userId: 'u2', addedBy: 'admin-2', addedAt: 20, reason: 'test', expiresAt: 99 };
    await factors.putException(e1);
    await factors.putException(e2);
    expect(await factors.getException('u2')).toEqual(e2);
    const sorted = async () => (await factors.listExceptions()).sort((a, b) => (a.userId < b.userId ? -1 : 1));
    expect(await sorted()).toEqual([e1, e2]);
    const e1b: ExceptionEntry = { ...e1, reason: 'shared device', addedAt: 30 };
    await factors.putException(e1b);
    expect(await sorted()).toEqual([e1b, e2]);
    expect(await factors.deleteException('u1')).toBe(true);
    expect(await factors.deleteException('u1')).toBe(false);
    expect(await factors.getException('u1')).toBe(null);
    expect(await factors.listExceptions()).toEqual([e2]);
  }));
}

