import { describe, expect, it } from 'vitest';
import { createMfa } from 'mfakit';
import { memoryStores } from 'mfakit/memory';
import { devOutboxSender } from 'mfakit/senders';
import { fakeClock } from 'mfakit/testing';
import { SECRET } from './helpers/setup.js';

// Issue "What a new user hits", item 11: a dev outbox outside mfakit/testing.
describe('devOutboxSender', () => {
  it('keeps the messages mfakit sends, newest first, stamped with the clock', async () => {
    const clock = fakeClock();
    const outbox = devOutboxSender({ clock });
    const mfa = createMfa({ stores: memoryStores({ clock }), senders: { sms: outbox }, secret: SECRET, clock });
    expect((await mfa.enrollSms('u1', '+1 415 555 2671')).ok).toBe(true);
    clock.advance(1_000);
    expect((await mfa.enrollSms('u2', '+1 202 555 0147')).ok).toBe(true);
    const [latest, first] = outbox.list();
    expect([latest?.to, latest?.purpose, latest?.sentAt]).toEqual(['+12025550147', 'enroll', clock.now()]);
    expect(first?.to).toBe('+14155552671');
    expect(first?.body).toMatch(/^\d{6} is your mfakit code/);
    expect(first?.body.startsWith(first.code ?? 'none')).toBe(true);
  });

  it('is bounded: keeps the last `keep` messages', async () => {
    const outbox = devOutboxSender({ keep: 3 });
    for (let i = 0; i < 5; i++) await outbox.send({ to: '+14155552671', body: `m${i}`, purpose: 'sign_in', locale: 'en' });
    expect(outbox.list().map((m) => m.body)).toEqual(['m4', 'm3', 'm2']);
    outbox.clear();
    expect(outbox.list()).toEqual([]);
  });

  it('failNext makes mfakit answer delivery_failed, then sends again', async () => {
    const clock = fakeClock();
    const outbox = devOutboxSender({ clock });
    const mfa = createMfa({ stores: memoryStores({ clock }), senders: { sms: outbox }, secret: SECRET, clock });
    outbox.failNext();
    expect(await mfa.enrollSms('u1', '+1 415 555 2671')).toEqual({ ok: false, error: 'delivery_failed' });
    expect((await mfa.enrollSms('u1', '+1 415 555 2671')).ok).toBe(true);
    expect(outbox.list()).toHaveLength(1);
  });

  it('refuses to be created with NODE_ENV=production', () => {
    const saved = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    try {
      expect(() => devOutboxSender()).toThrow(/NODE_ENV=production/);
    } finally {
      if (saved === undefined) delete process.env['NODE_ENV'];
      else process.env['NODE_ENV'] = saved;
    }
  });
});
