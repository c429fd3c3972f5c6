/**
 * The shared-settings part of the conformance suite: the channel switch lives in the state
 * store (one record, no TTL), so two `Mfa` instances on the same stores obey the same switch,
 * and concurrent switches end in one consistent setting.
 * @internal
 * @module
 */
import { createMfa } from '../flows/mfa.js';
import type { Stores } from '../ports/factor-store.js';
import { clockFor } from './clock.js';
import { outboxSender } from './outbox.js';
import type { ExpectLike, It, StoreTestContext, WithStores } from './types.js';

const SECRET = 'mfakit-conformance-secret-0123456789abcdef';
const USER = 'conformance-settings-user';
const PHONE = '+14155552671';

/** @internal */
export function defineSettingsTests(it: It, expect: ExpectLike, withStores: WithStores, ctx: StoreTestContext): void {
  const twoInstances = (stores: Stores) => {
    const { clock } = clockFor(ctx);
    const outbox = outboxSender();
    const make = () => createMfa({ stores, senders: { sms: outbox }, secret: SECRET, clock });
    return { a: make(), b: make(), outbox };
  };

  it('settings: a channel switched off by one instance is off for another on the same stores, at its next call', withStores(async (stores) => {
    const { a, b, outbox } = twoInstances(stores);
    const added = await a.addVerifiedFactor(USER, { phone: PHONE }, { by: 'conformance', reason: 'test' });
    expect(added.ok).toBe(true);
    const off = await a.setChannelEnabled('sms', false, { by: 'ops-1', reason: 'carrier outage' });
    const setting = { enabled: false, changedAt: off.setting.changedAt, changedBy: 'ops-1', reason: 'carrier outage' };
    expect(off).toEqual({ ok: true, channel: 'sms', enabled: false, changed: true, setting });
    expect(typeof off.setting.changedAt).toBe('number');
    expect((await b.getSettings()).channels.sms).toEqual(setting);
    expect(await b.startChallenge(USER)).toEqual({ ok: false, error: 'channel_disabled', channel: 'sms' });
    expect(outbox.messages.length).toBe(0);
    expect((await b.setChannelEnabled('sms', true, { by: 'ops-2' })).changed).toBe(true);
    expect((await a.startChallenge(USER)).ok).toBe(true);
    expect(outbox.messages.length).toBe(1);
  }));

  it('settings: 20 concurrent switches by two instances end in one setting, and each change is reported once', withStores(async (stores) => {
    const { a, b } = twoInstances(stores);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).setChannelEnabled('voice', false, { by: `admin-${i}` })));
    expect(results.filter((r) => r.changed).length).toBe(1);
    const winner = results.find((r) => r.changed)?.setting;
    expect((await a.getSettings()).channels.voice).toEqual(winner);
    expect((await b.getSettings()).channels.sms.enabled).toBe(true);
  }));
}
