import { describe, expect, it } from 'vitest';
import { enrolled } from '../helpers/setup.js';

describe('code expiry (10 minutes)', () => {
  it('accepts the code at 599 999 ms', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await mfa.startChallenge('u1');
    clock.advance(599_999);
    expect(await mfa.verify('u1', outbox.last()!.code!)).toMatchObject({ ok: true });
  });

  it('refuses the code at 600 000 ms with code_expired, counting nothing', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await mfa.startChallenge('u1');
    clock.advance(600_000);
    expect(await mfa.verify('u1', outbox.last()!.code!)).toEqual({ ok: false, error: 'code_expired' });
    expect((await mfa.getStatus('u1')).failures).toBe(0);
  });

  it('reports the expiry time in the challenge result', async () => {
    const { mfa, clock } = await enrolled();
    const res = await mfa.startChallenge('u1');
    expect(res).toMatchObject({ ok: true, expiresAt: clock.now() + 600_000 });
  });

  it('follows a configured expiry', async () => {
    const { mfa, outbox, clock } = await enrolled({ code: { ttlMs: 60_000 } });
    await mfa.startChallenge('u1');
    clock.advance(60_000);
    expect(await mfa.verify('u1', outbox.last()!.code!)).toMatchObject({ error: 'code_expired' });
  });
});
