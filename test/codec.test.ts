import { describe, expect, it } from 'vitest';
import { decodeUser, encodeUser } from '../src/core/codec.js';
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
    expect(decodeUser(encodeUser({ failures: 0, consecutive: 0, sends: [] }))).toEqual({ failures: 0, consecutive: 0, sends: [] });
  });

  it('keeps a full record (10 sends, dead code, locks) small', () => {
    // The Redis MEMORY USAGE target is 512 bytes per user; the value is most of it.
    const sms: UserState = { ...full, code: { ...full.code!, channel: 'sms' } };
    expect(encodeUser(sms).length).toBeLessThanOrEqual(300);
  });
});
