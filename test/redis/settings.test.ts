/**
 * The channel switch is a shared setting: two `Mfa` instances on one Redis, each with its own
 * client (ioredis and node-redis), the second created before the switch, obey the same
 * switch at their next call. The record has no TTL, and one mfakit did not write fails closed.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisStores } from '../../src/adapters/redis/index.js';
import { createMfa, type ChannelChangedEvent, type Mfa } from 'mfakit';
import { outboxSender } from '../../src/testing/outbox.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { emailRecorder } from '../helpers/senders.js';
import { PHONE, SECRET } from '../helpers/setup.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the shared-settings tests');

describe.skipIf(url === null)('shared settings on Redis', () => {
  let io: Redis | undefined;
  let node: ReturnType<typeof createClient> | undefined;
  let n = 0;

  beforeAll(async () => {
    io = new Redis(url ?? '', { maxRetriesPerRequest: 1 });
    node = createClient({ url: url ?? '' });
    node.on('error', () => undefined);
    await node.connect();
  });

  afterAll(async () => {
    if (io) {
      const keys = await io.keys(`mfakit-settings:${process.pid}:*`);
      if (keys.length > 0) await io.del(...keys);
      await io.quit().catch(() => undefined);
    }
    if (node?.isOpen) await node.close().catch(() => undefined);
  });

  /** Two instances on one fresh prefix: `a` over ioredis, `b` over node-redis, one outbox each. */
  function pair(): { prefix: string; a: Mfa; b: Mfa; sentByB: () => number } {
    if (!io || !node) throw new Error('not connected');
    const prefix = `mfakit-settings:${process.pid}:${++n}:`;
    const outA = outboxSender();
    const outB = outboxSender();
    const mailB = emailRecorder();
    const a = createMfa({ stores: redisStores(io, { keyPrefix: prefix }), senders: { sms: outA, email: emailRecorder() }, secret: SECRET });
    const b = createMfa({ stores: redisStores(node, { keyPrefix: prefix }), senders: { sms: outB, email: mailB }, secret: SECRET });
    return { prefix, a, b, sentByB: () => outB.messages.length + mailB.messages.length };
  }

  it('SMS switched off through one instance: the other, created before, falls back at its next call; on again, SMS again', async () => {
    const { a, b, sentByB } = pair();
    expect((await a.addVerifiedFactor('u1', { phone: PHONE }, { by: 'hr', reason: 'work phone' })).ok).toBe(true);
    expect((await a.addVerifiedFactor('u1', { email: 'ann@example.com' }, { by: 'hr', reason: 'work mail' })).ok).toBe(true);
    const events: ChannelChangedEvent[] = [];
    a.on('channel.changed', (e) => events.push(e));
    b.on('channel.changed', (e) => events.push(e));

    expect((await a.setChannelEnabled('sms', false, { by: 'ops-1', reason: 'carrier outage' })).changed).toBe(true);
    expect(await b.startChallenge('u1')).toMatchObject({ ok: true, channel: 'email' });
    expect((await b.listFactors('u1')).factors.find((f) => f.channel === 'sms')).toMatchObject({ usable: false, unusableReason: 'channel_disabled' });
    expect((await b.getSettings()).channels.sms).toEqual({ enabled: false, changedBy: 'ops-1', changedAt: events[0]?.at, reason: 'carrier outage' });
    // Only the instance that switched reports it.
    expect(events).toEqual([{ channel: 'sms', enabled: false, by: 'ops-1', at: expect.any(Number), reason: 'carrier outage' }]);

    expect((await b.setChannelEnabled('sms', true, { by: 'ops-2' })).changed).toBe(true);
    expect((await a.getSettings()).channels.sms).toEqual({ enabled: true, changedBy: 'ops-2', changedAt: expect.any(Number) });
    expect(await b.startChallenge('u1', { factorId: (await b.listFactors('u1')).factors.find((f) => f.channel === 'sms')?.id ?? '' })).toMatchObject({ ok: false, error: 'resend_cooldown' });
    expect(sentByB()).toBe(1);
  });

  it('the settings record never expires', async () => {
    const { prefix, a } = pair();
    await a.setChannelEnabled('voice', false);
    expect(await io?.pttl(`${prefix}{settings}`)).toBe(-1);
  });

  it('a settings record mfakit did not write fails closed: challenges and getSettings reject with store_failed, nothing is sent', async () => {
    const { prefix, a, sentByB, b } = pair();
    expect((await a.addVerifiedFactor('u1', { phone: PHONE }, { by: 'hr', reason: 'work phone' })).ok).toBe(true);
    await a.setChannelEnabled('voice', false);
    const raw = await io?.get(`${prefix}{settings}`);
    const version = raw?.slice(0, raw.indexOf('\n')) ?? '';
    for (const value of ['{"c":{"sms":{"e":2}}}', '{"c":{"fax":{"e":0}}}', '{"x":1}', 'not json']) {
      await io?.set(`${prefix}{settings}`, `${version}\n${value}`);
      await expect(b.startChallenge('u1')).rejects.toMatchObject({ code: 'store_failed' });
      await expect(b.getSettings()).rejects.toMatchObject({ code: 'store_failed' });
      await expect(b.setChannelEnabled('sms', false)).rejects.toMatchObject({ code: 'store_failed' });
    }
    expect(sentByB()).toBe(0);
  });

  it('a settings record rewritten at the version an instance already read still fails closed in every call that reads it', async () => {
    const { prefix, a, sentByB, b } = pair();
    expect((await a.addVerifiedFactor('u2', { phone: PHONE }, { by: 'hr', reason: 'work phone' })).ok).toBe(true);
    await a.setChannelEnabled('voice', false);
    expect((await b.startChallenge('u2')).ok).toBe(true); // b has read this version of the settings
    const raw = (await io?.get(`${prefix}{settings}`)) ?? '';
    const version = raw.slice(0, raw.indexOf('\n'));
    for (const value of [`${version}\n{"c":{"sms":{"e":2}}}`, 'garbage', `5\n${raw.slice(raw.indexOf('\n') + 1)}`]) {
      await io?.set(`${prefix}{settings}`, value);
      await expect(b.startChallenge('u2')).rejects.toMatchObject({ code: 'store_failed' });
      await expect(b.resend('u2')).rejects.toMatchObject({ code: 'store_failed' });
      await expect(b.listFactors('u2')).rejects.toMatchObject({ code: 'store_failed' });
      await expect(b.getStatus('u2')).rejects.toMatchObject({ code: 'store_failed' });
    }
    expect(sentByB()).toBe(1);
  });
});
