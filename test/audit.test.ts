/**
 * Every admin action emits a typed event with who did it (`by`), when (`at`, the instance's
 * clock) and why (`reason`): unlock, exception list add/remove, channel switch, a verified
 * binding, an admin's factor removal. Nothing secret rides along.
 */
import { describe, expect, it } from 'vitest';
import type { MfaEventMap } from '../src/index.js';
import { enrolled, must, PHONE, setup, wrong } from './helpers/setup.js';

type Seen = { [K in keyof MfaEventMap]: { name: K; payload: MfaEventMap[K] } }[keyof MfaEventMap];

function record(mfa: ReturnType<typeof setup>['mfa']): Seen[] {
  const seen: Seen[] = [];
  const names = ['user.unlocked', 'exception.added', 'exception.removed', 'channel.changed', 'factor.enrolled', 'factor.removed'] as const;
  for (const name of names) mfa.on(name, (payload: MfaEventMap[typeof name]) => void seen.push({ name, payload } as Seen));
  return seen;
}

describe('audit: admin actions carry by, at and reason', () => {
  it('unlock: who, when, why, and whether the user was locked', async () => {
    const env = await enrolled();
    const seen = record(env.mfa);
    for (let round = 0; round < 2; round++) {
      must(await env.mfa.startChallenge('u1'));
      for (let i = 0; i < 4; i++) await env.mfa.verify('u1', wrong(env.outbox.last()?.code ?? ''));
      env.clock.advance(30_000);
    }
    expect((await env.mfa.getStatus('u1')).locked).toBe(true);
    env.clock.advance(1_000);
    must(await env.mfa.unlock('u1', { by: 'support-7', reason: 'ticket #4521' }));
    must(await env.mfa.unlock('u1'));
    expect(seen).toEqual([
      { name: 'user.unlocked', payload: { userId: 'u1', wasLocked: true, by: 'support-7', at: env.clock.now(), reason: 'ticket #4521' } },
      { name: 'user.unlocked', payload: { userId: 'u1', wasLocked: false, at: env.clock.now() } },
    ]);
  });

  it('the exception list: added and removed with who, when and why (a removal of no entry is audited too)', async () => {
    const env = setup({ isAdmin: () => false });
    const seen = record(env.mfa);
    must(await env.mfa.exceptions.add('kiosk', { by: 'admin-1', reason: 'shared kiosk' }));
    env.clock.advance(5_000);
    expect(await env.mfa.exceptions.remove('kiosk', { by: 'admin-2', reason: 'kiosk retired' })).toEqual({ ok: true, removed: true });
    expect(await env.mfa.exceptions.remove('kiosk', { by: 'admin-2' })).toEqual({ ok: true, removed: false });
    expect(seen).toEqual([
      { name: 'exception.added', payload: { userId: 'kiosk', addedBy: 'admin-1', by: 'admin-1', at: env.clock.now() - 5_000, reason: 'shared kiosk' } },
      { name: 'exception.removed', payload: { userId: 'kiosk', removed: true, by: 'admin-2', at: env.clock.now(), reason: 'kiosk retired' } },
      { name: 'exception.removed', payload: { userId: 'kiosk', removed: false, by: 'admin-2', at: env.clock.now() } },
    ]);
  });

  it('the channel switch: who, when, why, once per change', async () => {
    const env = setup();
    const seen = record(env.mfa);
    must(await env.mfa.setChannelEnabled('sms', false, { by: 'ops-1', reason: 'carrier outage' }));
    expect((await env.mfa.setChannelEnabled('sms', false, { by: 'ops-2' })).changed).toBe(false);
    expect(seen).toEqual([{ name: 'channel.changed', payload: { channel: 'sms', enabled: false, by: 'ops-1', at: env.clock.now(), reason: 'carrier outage' } }]);
    expect((await env.mfa.getSettings()).channels.sms).toEqual({ enabled: false, changedBy: 'ops-1', changedAt: env.clock.now(), reason: 'carrier outage' });
  });

  it('a verified binding and an admin removal: who, when, why; nothing secret in the payloads', async () => {
    const env = setup();
    const seen = record(env.mfa);
    const { factorId } = must(await env.mfa.addVerifiedFactor('u1', { phone: PHONE }, { by: 'hr-sync', reason: 'work phone' }));
    env.clock.advance(60_000);
    must(await env.mfa.removeFactor('u1', factorId, { by: 'admin-1', reason: 'phone lost' }));
    expect(seen).toEqual([
      { name: 'factor.enrolled', payload: { userId: 'u1', factorId, channel: 'sms', maskedPhone: '+1 ••• ••• 2671', by: 'hr-sync', at: env.clock.now() - 60_000, reason: 'work phone' } },
      { name: 'factor.removed', payload: { userId: 'u1', factorId, channel: 'sms', by: 'admin-1', at: env.clock.now(), reason: 'phone lost' } },
    ]);
    expect(JSON.stringify(seen)).not.toContain(PHONE.slice(2));
  });

  it('a bad audit note is refused before anything changes', async () => {
    const env = await enrolled({ isAdmin: () => false });
    const seen = record(env.mfa);
    await expect(env.mfa.unlock('u1', { by: '' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(env.mfa.unlock('u1', { reason: 'a\u0000b' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(env.mfa.exceptions.remove('u1', 'admin' as unknown as { by: string })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(seen).toEqual([]);
  });
});
