import { describe, expect, it } from 'vitest';
import { decodeDestination, decodeUser, encodeUser } from '../src/core/codec.js';
import type { UserState } from '../src/core/state.js';

describe('state record codec', () => {
  const t = Date.UTC(2026, 10, 25);
  const full: UserState = {
    code: { id: 'ch_LZ8u_1j8b8NUZB0LiSkOKQ', purpose: 'sign_in', factorId: 'f_OycezwixLrkw3ukonENhYQ', channel: 'voice', hash: 'x'.repeat(43), issuedAt: t, expiresAt: t + 600_000, tries: 3, dead: true },
    failures: 7, consecutive: 99, lastFailureAt: t + 5, lockedUntil: t + 1_200_000, hardLocked: true,
    lastSentAt: t + 9 * 30_000, sends: Array.from({ length: 10 }, (_, i) => t + i * 30_000),
  };

  it('round-trips every field', () => {
    expect(decodeUser(encodeUser(full))).toEqual(full);
    const oneSend: UserState = { failures: 0, consecutive: 0, sends: [t] };
    expect(decodeUser(encodeUser(oneSend))).toEqual(oneSend);
    const usedStep: UserState = { failures: 0, consecutive: 0, sends: [], steps: { f_app: 59_000_000 } };
    expect(decodeUser(encodeUser(usedStep))).toEqual(usedStep);
  });

  it('writes each time relative to the earliest one, whichever field holds it (the 0.5.0 layout)', () => {
    // The base is the earliest time; a record without times has none and keeps the device expiry as is.
    const sendFirst: UserState = { failures: 1, consecutive: 1, lastFailureAt: t + 50, lastSentAt: t + 20, sends: [t + 20, t + 10], verifiedAt: t + 90 };
    expect(encodeUser(sendFirst)).toBe(`{"b":${t + 10},"F":1,"C":1,"lf":40,"ls":10,"s":[10,0],"va":80}`);
    const lockFirst: UserState = { failures: 0, consecutive: 0, lockedUntil: t, lastFailureAt: t + 7, sends: [] };
    expect(encodeUser(lockFirst)).toBe(`{"b":${t},"lf":7,"lu":0}`);
    const noTimes: UserState = { failures: 0, consecutive: 0, sends: [], devices: { generation: 'g'.repeat(22), until: t } };
    expect(encodeUser(noTimes)).toBe(`{"dv":"${'g'.repeat(22)}","de":${t}}`);
    for (const s of [sendFirst, lockFirst, noTimes]) expect(decodeUser(encodeUser(s))).toEqual(s);
  });

  // Issue "What a new user hits", item 8: a value mfakit did not write fails closed.
  it.each([
    ['an empty record (mfakit deletes a record with nothing in it)', '{}'],
    ['only a base time', '{"b":5}'],
    ['a field mfakit does not write', '{"F":1,"lf":0,"x":1}'],
    ['a negative count', '{"F":-5,"lf":0}'],
    ['a fractional count', '{"C":1.5,"lf":0}'],
    ['a code with an unknown field', '{"c":{"i":"ch_1","p":"s","f":"f_1","h":"h","a":0,"x":600000,"t":0,"z":1}}'],
    ['a code with negative tries', '{"c":{"i":"ch_1","p":"s","f":"f_1","h":"h","a":0,"x":600000,"t":-1}}'],
    ['empty TOTP steps', '{"ts":{}}'],
    ['a TOTP step that is not an integer', '{"ts":{"f_1":1.5}}'],
  ])('refuses %s', (_what, raw) => {
    expect(() => decodeUser(raw)).toThrow(TypeError);
  });

  it.each([
    ['an empty history', '{"s":[]}'],
    ['an unknown field', '{"s":[1],"n":1}'],
  ])('refuses a destination record with %s', (_what, raw) => {
    expect(() => decodeDestination(raw)).toThrow(TypeError);
  });

  it('keeps a full record (10 sends, dead code, locks) small', () => {
    // The Redis MEMORY USAGE target is 512 bytes per user; the value is most of it.
    const sms: UserState = { ...full, code: { ...full.code!, channel: 'sms' } };
    expect(encodeUser(sms).length).toBeLessThanOrEqual(300);
  });
});
