import { describe, expect, it, vi } from 'vitest';
import type { MfaEventName } from '../src/index.js';
import { enrolled, setup, wrong } from './helpers/setup.js';

describe('events', () => {
  it('emits each step of a flow, in order', async () => {
    const { mfa, outbox, clock } = setup();
    const names: MfaEventName[] = [
      'code.sent', 'delivery.failed', 'verification.succeeded', 'verification.failed', 'code.exhausted',
      'user.locked', 'user.unlocked', 'factor.enrolled', 'factor.removed', 'factor.invalidated',
      'preferred.changed', 'exception.added', 'exception.removed', 'channel.changed',
    ];
    const seen: string[] = [];
    for (const n of names) mfa.on(n, () => seen.push(n));
    await mfa.enrollSms('u1', '+14155552671');
    const enrolled = await mfa.confirmEnrollment('u1', outbox.last()!.code!);
    clock.advance(30_000);
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    for (let i = 0; i < 4; i++) await mfa.verify('u1', wrong(code));
    for (let round = 0; round < 1; round++) {
      clock.advance(30_000);
      await mfa.resend('u1');
      for (let i = 0; i < 4; i++) await mfa.verify('u1', wrong(outbox.last()!.code!));
    }
    await mfa.unlock('u1');
    outbox.failNext(1);
    clock.advance(30_000);
    await mfa.startChallenge('u1');
    if (enrolled.ok) {
      await mfa.setPreferred('u1', enrolled.factorId);
      await mfa.removeFactor('u1', enrolled.factorId);
    }
    expect(seen).toEqual([
      'code.sent', 'factor.enrolled', 'verification.succeeded', 'code.sent',
      'verification.failed', 'verification.failed', 'verification.failed', 'verification.failed', 'code.exhausted',
      'code.sent',
      'verification.failed', 'verification.failed', 'verification.failed', 'verification.failed', 'code.exhausted', 'user.locked',
      'user.unlocked', 'delivery.failed', 'preferred.changed', 'preferred.changed', 'factor.removed',
    ]);
  });

  it('payloads carry masked numbers and ids', async () => {
    const { mfa, outbox, clock } = await enrolled();
    const sent = vi.fn();
    const locked = vi.fn();
    mfa.on('code.sent', sent);
    mfa.on('user.locked', locked);
    await mfa.startChallenge('u1');
    expect(sent).toHaveBeenCalledWith({
      userId: 'u1', factorId: expect.any(String), channel: 'sms', purpose: 'sign_in', maskedTo: '+1 ••• ••• 2671', maskedPhone: '+1 ••• ••• 2671',
      challengeId: expect.stringMatching(/^ch_/), expiresAt: clock.now() + 600_000, sender: 'outbox', messageId: expect.any(String),
    });
    for (let i = 0; i < 8; i++) {
      if (i === 4) { clock.advance(30_000); await mfa.resend('u1'); }
      await mfa.verify('u1', wrong(outbox.last()!.code!));
    }
    expect(locked).toHaveBeenCalledWith({ userId: 'u1', lockedUntil: clock.now() + 1_200_000, consecutiveFailures: 8 });
  });

  it('a listener that throws breaks neither the call nor the other listeners; once and off work', async () => {
    const { mfa } = await enrolled();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    const once = vi.fn();
    const removed = vi.fn();
    mfa.on('code.sent', () => { throw new Error('listener bug'); });
    mfa.on('code.sent', after);
    mfa.once('code.sent', once);
    mfa.on('code.sent', removed);
    mfa.off('code.sent', removed);
    expect(await mfa.startChallenge('u1')).toMatchObject({ ok: true });
    expect(after).toHaveBeenCalledTimes(1);
    expect(once).toHaveBeenCalledTimes(1);
    expect(removed).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });
});
