import { describe, expect, it } from 'vitest';
import { enrolled } from '../helpers/setup.js';

describe('resend cooldown (30 s)', () => {
  it('refuses a resend at 29 999 ms and allows it at 30 000 ms', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await mfa.startChallenge('u1');
    clock.advance(29_999);
    expect(await mfa.resend('u1')).toEqual({ ok: false, error: 'resend_cooldown', retryAfterMs: 1 });
    clock.advance(1);
    expect(await mfa.resend('u1')).toMatchObject({ ok: true, resendAfterMs: 30_000 });
    expect(outbox.messages.filter((m) => m.purpose === 'sign_in')).toHaveLength(2);
  });

  it('refuses startChallenge within the cooldown too', async () => {
    const { mfa, clock } = await enrolled();
    await mfa.startChallenge('u1');
    clock.advance(10_000);
    expect(await mfa.startChallenge('u1')).toEqual({ ok: false, error: 'resend_cooldown', retryAfterMs: 20_000 });
  });

  it('one live code: a resend invalidates the previous code', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await mfa.startChallenge('u1');
    const first = outbox.last()!.code!;
    clock.advance(30_000);
    await mfa.resend('u1');
    const second = outbox.last()!.code!;
    if (first !== second) expect(await mfa.verify('u1', first)).toMatchObject({ error: 'code_mismatch' });
    expect(await mfa.verify('u1', second)).toMatchObject({ ok: true });
  });

  it('a resend never resets the failure counts', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    await mfa.verify('u1', code === '000000' ? '111111' : '000000');
    await mfa.verify('u1', code === '000000' ? '111111' : '000000');
    clock.advance(30_000);
    await mfa.resend('u1');
    expect((await mfa.getStatus('u1')).failures).toBe(2);
  });

  it('resend without a live challenge is no_pending_code', async () => {
    const { mfa } = await enrolled();
    expect(await mfa.resend('u1')).toEqual({ ok: false, error: 'no_pending_code' });
    expect(await mfa.resend('nobody')).toEqual({ ok: false, error: 'no_pending_code' });
  });
});
