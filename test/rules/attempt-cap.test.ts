import { describe, expect, it } from 'vitest';
import { enrolled, wrong } from '../helpers/setup.js';

describe('tries per code (4)', () => {
  it('counts down attemptsLeft, then kills the code on the 4th wrong entry', async () => {
    const { mfa, outbox } = await enrolled();
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    expect(await mfa.verify('u1', wrong(code))).toEqual({ ok: false, error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 7 });
    expect(await mfa.verify('u1', wrong(code))).toEqual({ ok: false, error: 'code_mismatch', attemptsLeft: 2, failuresLeft: 6 });
    expect(await mfa.verify('u1', wrong(code))).toEqual({ ok: false, error: 'code_mismatch', attemptsLeft: 1, failuresLeft: 5 });
    expect(await mfa.verify('u1', wrong(code))).toEqual({ ok: false, error: 'code_exhausted', attemptsLeft: 0, failuresLeft: 4 });
    // Dead: even the right code is refused, and refusing it counts nothing.
    expect(await mfa.verify('u1', code)).toEqual({ ok: false, error: 'code_exhausted', attemptsLeft: 0 });
    expect((await mfa.getStatus('u1')).failures).toBe(4);
  });

  it('gives a new code its own 4 tries', async () => {
    const { mfa, outbox, clock } = await enrolled();
    await mfa.startChallenge('u1');
    const first = outbox.last()!.code!;
    for (let i = 0; i < 4; i++) await mfa.verify('u1', wrong(first));
    clock.advance(30_000);
    expect(await mfa.resend('u1')).toMatchObject({ ok: true });
    const second = outbox.last()!.code!;
    expect(await mfa.verify('u1', wrong(second))).toMatchObject({ error: 'code_mismatch', attemptsLeft: 3, failuresLeft: 3 });
    expect(await mfa.verify('u1', second)).toMatchObject({ ok: true });
  });

  it('accepts the right code on the 4th try', async () => {
    const { mfa, outbox } = await enrolled();
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    for (let i = 0; i < 3; i++) await mfa.verify('u1', wrong(code));
    expect(await mfa.verify('u1', code)).toMatchObject({ ok: true });
  });

  it('does not count malformed input', async () => {
    const { mfa, outbox } = await enrolled();
    await mfa.startChallenge('u1');
    for (const bad of ['12345', '1234567', 'abcdef', '12 456', '']) {
      expect(await mfa.verify('u1', bad)).toEqual({ ok: false, error: 'malformed_code' });
    }
    expect(await mfa.getStatus('u1')).toMatchObject({ failures: 0, pending: { attemptsLeft: 4 } });
    expect(await mfa.verify('u1', ` ${outbox.last()!.code!} `)).toMatchObject({ ok: true });
  });

  it('a success consumes the code: it cannot be used twice', async () => {
    const { mfa, outbox } = await enrolled();
    await mfa.startChallenge('u1');
    const code = outbox.last()!.code!;
    expect(await mfa.verify('u1', code)).toMatchObject({ ok: true });
    expect(await mfa.verify('u1', code)).toEqual({ ok: false, error: 'no_pending_code' });
  });
});
