import { describe, expect, it } from 'vitest';
import { createMfa, type MfaEventMap, type Stores } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { fakeClock, outboxSender } from '../src/testing/index.js';
import { must, SECRET } from './helpers/setup.js';

const CODE = /^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$/;

function setup(opts: { stores?: Stores; secret?: string | string[]; clock?: ReturnType<typeof fakeClock> } = {}) {
  const clock = opts.clock ?? fakeClock();
  const stores = opts.stores ?? memoryStores({ clock });
  const sms = outboxSender();
  const mfa = createMfa({ stores, senders: { sms }, secret: opts.secret ?? SECRET, clock });
  const events: { name: keyof MfaEventMap; payload: unknown }[] = [];
  for (const name of ['backup.generated', 'backup.low', 'factor.enrolled', 'verification.succeeded'] as const) {
    mfa.on(name, (payload) => events.push({ name, payload }));
  }
  return { mfa, clock, stores, sms, events };
}

/** A user with an active SMS factor (so MFA is on) and a set of backup codes. */
async function withCodes(env = setup()) {
  await env.mfa.enrollSms('u1', '+14155552671');
  const sent = env.sms.last('+14155552671')?.code;
  if (!sent) throw new Error('no enrollment code');
  const confirmed = await env.mfa.confirmEnrollment('u1', sent);
  if (!confirmed.ok) throw new Error(confirmed.error);
  const res = must(await env.mfa.generateBackupCodes('u1'));
  return { ...env, smsFactorId: confirmed.factorId, factorId: res.factorId, codes: res.codes };
}

describe('backup codes', () => {
  it('generates 10 distinct codes, easy to type (no 0 1 i l o), never all digits; listFactors counts them', async () => {
    const env = await withCodes();
    expect(env.codes).toHaveLength(10);
    expect(new Set(env.codes).size).toBe(10);
    for (const c of env.codes) {
      expect(c).toMatch(CODE);
      expect(c).toMatch(/[a-z]/);
    }
    const backup = (await env.mfa.listFactors('u1')).factors.find((f) => f.channel === 'backup');
    expect(backup).toMatchObject({ id: env.factorId, status: 'active', usable: true, backupCodesLeft: 10 });
    expect(env.events).toContainEqual({ name: 'backup.generated', payload: { userId: 'u1', factorId: env.factorId, count: 10 } });
    expect(env.events).toContainEqual({ name: 'factor.enrolled', payload: { userId: 'u1', factorId: env.factorId, channel: 'backup', at: expect.any(Number) } });
  });

  it('each code works once, typed in any case, with or without the dash or spaces; a used one again counts nothing', async () => {
    const env = await withCodes();
    const [a, b, c] = env.codes as [string, string, string];
    expect(await env.mfa.verify('u1', a)).toEqual({ ok: true, factorId: env.factorId, channel: 'backup', purpose: 'sign_in', backupCodesLeft: 9 });
    expect(await env.mfa.verify('u1', a)).toMatchObject({ ok: false, error: 'code_mismatch' });
    expect((await env.mfa.getStatus('u1')).failures).toBe(0);
    expect(await env.mfa.verify('u1', ` ${b.toUpperCase()} `)).toMatchObject({ ok: true, backupCodesLeft: 8 });
    expect(await env.mfa.verify('u1', c.replace('-', ' ').slice(0, 3) + ' ' + c.replace('-', '').slice(3), { factorId: env.factorId })).toMatchObject({ ok: true, backupCodesLeft: 7 });
    expect((await env.mfa.listFactors('u1')).factors.find((f) => f.channel === 'backup')?.backupCodesLeft).toBe(7);
    const factor = (await env.stores.factors.getFactor('u1', env.factorId));
    expect(factor?.lastUsedAt).toBe(env.clock.now());
  });

  it('one code completes one sign-in under 20 concurrent verifies', async () => {
    const env = await withCodes();
    const code = env.codes[4] as string;
    const results = await Promise.all(Array.from({ length: 20 }, () => env.mfa.verify('u1', code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    // The 19 others are replays of a used code: refused, and not counted as guesses.
    expect((await env.mfa.getStatus('u1')).failures).toBe(0);
    expect(new Set(results.filter((r) => !r.ok).map((r) => (r.ok ? "" : r.error)))).toEqual(new Set(["code_mismatch"]));
    expect((await env.mfa.listFactors('u1')).factors.find((f) => f.channel === 'backup')?.backupCodesLeft).toBe(9);
  });

  it('generating again kills the old set at once; the factor stays the same', async () => {
    const env = await withCodes();
    const again = must(await env.mfa.generateBackupCodes('u1'));
    expect(again.factorId).toBe(env.factorId);
    expect(again.codes.some((c) => env.codes.includes(c))).toBe(false);
    for (const old of env.codes.slice(0, 3)) expect(await env.mfa.verify('u1', old)).toMatchObject({ ok: false, error: 'code_mismatch' });
    expect(await env.mfa.verify('u1', again.codes[0] as string)).toMatchObject({ ok: true, backupCodesLeft: 9 });
    expect((await env.mfa.listFactors('u1')).factors.filter((f) => f.channel === 'backup')).toHaveLength(1);
  });

  it('says when 2 or fewer are left, and none left makes the factor unusable', async () => {
    const env = await withCodes();
    const low: unknown[] = [];
    env.mfa.on('backup.low', (e) => low.push(e));
    for (const [i, code] of env.codes.entries()) {
      const res = await env.mfa.verify('u1', code);
      expect(res).toMatchObject({ ok: true, backupCodesLeft: 9 - i });
    }
    expect(low).toEqual([
      { userId: 'u1', factorId: env.factorId, remaining: 2 },
      { userId: 'u1', factorId: env.factorId, remaining: 1 },
      { userId: 'u1', factorId: env.factorId, remaining: 0 },
    ]);
    expect((await env.mfa.listFactors('u1')).factors.find((f) => f.channel === 'backup')).toMatchObject({
      usable: false,
      unusableReason: 'no_codes_left',
      backupCodesLeft: 0,
    });
    expect(await env.mfa.startChallenge('u1', { factorId: env.factorId })).toEqual({ ok: false, error: 'no_codes_left' });
  });

  it('wrong backup codes count toward the shared lockout, with wrong SMS codes (8th failure across kinds locks)', async () => {
    const env = await withCodes();
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true, sent: true, channel: 'sms' });
    const right = env.sms.last('+14155552671')?.code as string;
    const wrongSms = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++) expect(await env.mfa.verify('u1', wrongSms)).toMatchObject({ ok: false, error: 'code_mismatch' });
    for (let i = 0; i < 4; i++) expect(await env.mfa.verify('u1', 'zzzzz-zzzzz')).toMatchObject({ ok: false, error: 'code_mismatch', failuresLeft: 4 - i });
    expect(await env.mfa.verify('u1', 'zzzzz-zzzzy')).toMatchObject({ ok: false, error: 'locked_out' });
    // Locked: even a right backup code is refused, and it stays unused.
    expect(await env.mfa.verify('u1', env.codes[0] as string)).toMatchObject({ ok: false, error: 'locked_out' });
    env.clock.advance(env.mfa.rules.lockMs);
    expect(await env.mfa.verify('u1', env.codes[0] as string)).toMatchObject({ ok: true, backupCodesLeft: 9 });
  });

  it('a malformed entry for the backup factor counts nothing', async () => {
    const env = await withCodes();
    expect(await env.mfa.verify('u1', '123456', { factorId: env.factorId })).toEqual({ ok: false, error: 'malformed_code' });
    expect(await env.mfa.verify('u1', 'abcde-fghi0', { factorId: env.factorId })).toEqual({ ok: false, error: 'malformed_code' });
    expect((await env.mfa.getStatus('u1')).failures).toBe(0);
  });

  it('is the last resort at sign-in: picked only when nothing else is usable, or when asked for; it sends nothing', async () => {
    const env = await withCodes();
    await env.mfa.verify('u1', env.codes[0] as string); // backup was used last
    expect(await env.mfa.startChallenge('u1')).toMatchObject({ ok: true, sent: true, channel: 'sms' });
    env.clock.advance(60_000);
    expect(await env.mfa.startChallenge('u1', { factorId: env.factorId })).toEqual({ ok: true, sent: false, factorId: env.factorId, channel: 'backup', purpose: 'sign_in' });
    await env.mfa.setChannelEnabled('sms', false);
    const before = env.sms.messages.length;
    expect(await env.mfa.startChallenge('u1')).toEqual({ ok: true, sent: false, factorId: env.factorId, channel: 'backup', purpose: 'sign_in' });
    expect(env.sms.messages).toHaveLength(before);
    expect((await env.mfa.getStatus('u1')).signInFactorId).toBe(env.factorId);
  });

  it('removing the backup factor kills its codes', async () => {
    const env = await withCodes();
    expect(await env.mfa.removeFactor('u1', env.factorId)).toMatchObject({ ok: true });
    expect(await env.mfa.verify('u1', env.codes[0] as string)).toMatchObject({ ok: false, error: 'code_mismatch' });
    expect((await env.mfa.listFactors('u1')).factors.map((f) => f.channel)).toEqual(['sms']);
  });

  it('stores only keyed hashes: a dump of both stores holds no code, and a rotated secret still checks them', async () => {
    const clock = fakeClock();
    const stores = memoryStores({ clock });
    const env = await withCodes(setup({ stores, clock }));
    const state = await stores.state.read('user:u1');
    const dump = JSON.stringify([state, await stores.factors.listFactors('u1')]);
    for (const c of env.codes) {
      expect(dump).not.toContain(c);
      expect(dump).not.toContain(c.replace('-', ''));
      expect(dump.toLowerCase()).not.toContain(c.replace('-', ''));
    }
    const rotated = setup({ stores, clock, secret: ['rotated-secret-9f86d081884c7d659a2feaa0c55ad015', SECRET] });
    expect(await rotated.mfa.verify('u1', env.codes[0] as string)).toMatchObject({ ok: true, channel: 'backup' });
    const stranger = setup({ stores, clock, secret: 'another-secret-entirely-0123456789abcdefXYZ' });
    expect(await stranger.mfa.verify('u1', env.codes[1] as string)).toMatchObject({ ok: false, error: 'code_mismatch' });
  });

  it('a set is bound to its user: another user cannot use it', async () => {
    const env = await withCodes();
    // Copy u1's state record (with its hashes) to u2: u1's codes still do not work for u2.
    const rec = await env.stores.state.read('user:u1');
    await env.stores.state.write('user:u2', rec?.value ?? null, null, null);
    await env.stores.factors.putFactor({ id: env.factorId, userId: 'u2', channel: 'backup', status: 'active', createdAt: env.clock.now() });
    expect(await env.mfa.verify('u2', env.codes[0] as string)).toMatchObject({ ok: false, error: 'code_mismatch' });
  });
});
