import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/core/policy.js';
import { decideTotp } from '../../src/core/totp.js';
import { stepMemoryEnd, ttlOf, type UserState } from '../../src/core/state.js';
import { deepFreeze, MIN, T0, user } from './fixtures.js';

const STEP = 30_000;
const NOW = T0 + 7 * STEP; // T0 is a multiple of the step
const STEP_NOW = NOW / STEP;
/** An authenticator whose right code is '246810', of the current step. */
const check = (code: string) => (code === '246810' ? STEP_NOW : code === '135791' ? STEP_NOW - 1 : null);
const cmd = (code: string, purpose: 'sign_in' | 'enroll' = 'sign_in') => ({ factorId: 'f_app', purpose, code, check });

describe('decideTotp', () => {
  it.each<{ name: string; state: UserState; code: string; purpose?: 'enroll'; expected: ReturnType<typeof decideTotp> }>([
    { name: 'right code: step recorded, counts cleared', state: user({ failures: 3, consecutive: 3, lastFailureAt: NOW - MIN }), code: '246810',
      expected: { state: user({ steps: { f_app: STEP_NOW } }), outcome: { ok: true, factorId: 'f_app', channel: 'totp', purpose: 'sign_in' } } },
    { name: 'confirming an enrollment: step recorded, the failure counts stay', state: user({ failures: 3, consecutive: 3, lastFailureAt: NOW - MIN }), code: '246810', purpose: 'enroll',
      expected: { state: user({ failures: 3, consecutive: 3, lastFailureAt: NOW - MIN, steps: { f_app: STEP_NOW } }), outcome: { ok: true, factorId: 'f_app', channel: 'totp', purpose: 'enroll' } } },
    { name: 'code of the previous step, newer than the last used: accepted', state: user({ steps: { f_app: STEP_NOW - 2 } }), code: '135791',
      expected: { state: user({ steps: { f_app: STEP_NOW - 1 } }), outcome: { ok: true, factorId: 'f_app', channel: 'totp', purpose: 'sign_in' } } },
    { name: 'replay of the step last used: refused, nothing counted', state: user({ steps: { f_app: STEP_NOW } }), code: '246810',
      expected: { outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 8, failuresLeft: 8 } } },
    { name: 'an older step after a newer one: refused, nothing counted', state: user({ steps: { f_app: STEP_NOW } }), code: '135791',
      expected: { outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 8, failuresLeft: 8 } } },
    { name: 'another factor’s used step does not block this one', state: user({ steps: { f_other: STEP_NOW } }), code: '246810',
      expected: { state: user({ steps: { f_other: STEP_NOW, f_app: STEP_NOW } }), outcome: { ok: true, factorId: 'f_app', channel: 'totp', purpose: 'sign_in' } } },
    { name: 'wrong code: counted once', state: user(), code: '000000',
      expected: { state: user({ failures: 1, consecutive: 1, lastFailureAt: NOW }), outcome: { ok: false, error: 'code_mismatch', attemptsLeft: 7, failuresLeft: 7 } } },
    { name: '8th wrong entry: locked for 20 minutes', state: user({ failures: 7, consecutive: 7, lastFailureAt: NOW - MIN }), code: '000000',
      expected: { state: user({ failures: 0, consecutive: 8, lastFailureAt: NOW, lockedUntil: NOW + 20 * MIN }), outcome: { ok: false, error: 'locked_out', lockedUntil: NOW + 20 * MIN, retryAfterMs: 20 * MIN }, effect: 'locked' } },
    { name: 'malformed: counts nothing', state: user(), code: '12345', expected: { outcome: { ok: false, error: 'malformed_code' } } },
    { name: 'locked: even the right code is refused', state: user({ lockedUntil: NOW + MIN, consecutive: 8, lastFailureAt: NOW - MIN }), code: '246810',
      expected: { outcome: { ok: false, error: 'locked_out', lockedUntil: NOW + MIN, retryAfterMs: MIN } } },
  ])('$name', ({ state, code, purpose, expected }) => {
    expect(decideTotp(deepFreeze(state), cmd(code, purpose), DEFAULTS, NOW)).toStrictEqual(expected);
  });

  it('a used step is remembered exactly while a replay could be accepted (until step + 2), and the record lives that long', () => {
    const s = user({ steps: { f_app: STEP_NOW } });
    expect(stepMemoryEnd(STEP_NOW)).toBe(NOW + 2 * STEP);
    expect(ttlOf(s, DEFAULTS, NOW)).toBe(2 * STEP);
    // One ms before the end the step still blocks a replay; at the end it is forgotten (the code is out of the ±1 window by then).
    expect(decideTotp(s, cmd('246810'), DEFAULTS, NOW + 2 * STEP - 1).outcome).toMatchObject({ error: 'code_mismatch' });
    expect(decideTotp(s, cmd('246810'), DEFAULTS, NOW + 2 * STEP).state?.steps).toEqual({ f_app: STEP_NOW });
  });
});
