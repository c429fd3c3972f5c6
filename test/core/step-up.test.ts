import { describe, expect, it } from 'vitest';
import { decodeUser, encodeUser } from '../../src/core/codec.js';
import { DEFAULTS } from '../../src/core/policy.js';
import { ttlOf } from '../../src/core/state.js';
import { recordProof, stepUpRefusal, stepUpUntil } from '../../src/core/step-up.js';
import { deepFreeze, MIN, T0, user } from './fixtures.js';

const WINDOW = 10 * MIN;
const REFUSED = { ok: false, error: 'step_up_required' };

describe('stepUpRefusal', () => {
  it.each<[string, ReturnType<typeof user>, boolean, number, object | undefined]>([
    ['first factor: no proof needed', user(), false, T0, undefined],
    ['a confirmed factor, no proof', user(), true, T0, REFUSED],
    ['proof just now', user({ verifiedAt: T0 }), true, T0, undefined],
    ['proof 1 ms before the window ends', user({ verifiedAt: T0 }), true, T0 + WINDOW - 1, undefined],
    ['proof exactly one window old', user({ verifiedAt: T0 }), true, T0 + WINDOW, REFUSED],
    ['a proof from the future (clock skew) does not count', user({ verifiedAt: T0 + MIN }), true, T0, REFUSED],
  ])('%s', (_name, state, confirmed, now, expected) => {
    expect(stepUpRefusal(deepFreeze(state), confirmed, DEFAULTS, now)).toStrictEqual(expected);
  });

  it('step-up off (stepUpMs 0): never refused', () => {
    expect(stepUpRefusal(user(), true, { ...DEFAULTS, stepUpMs: 0 }, T0)).toBe(undefined);
  });

  it('a proof keeps the record alive for its window, survives the codec, and tells until when', () => {
    const s = recordProof(user(), T0);
    expect(s).toStrictEqual(user({ verifiedAt: T0 }));
    expect(ttlOf(s, DEFAULTS, T0 + MIN)).toBe(WINDOW - MIN);
    expect(decodeUser(encodeUser(s))).toStrictEqual(s);
    expect(stepUpUntil(s, DEFAULTS, T0 + MIN)).toBe(T0 + WINDOW);
    expect(stepUpUntil(s, DEFAULTS, T0 + WINDOW)).toBe(undefined);
  });
});
