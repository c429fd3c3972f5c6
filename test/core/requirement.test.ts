import { describe, expect, it } from 'vitest';
import { requirementOf } from '../../src/core/requirement.js';

describe('requirementOf', () => {
  it.each([
    ['required', true, { required: true }],
    ['required', false, { required: true, reason: 'must_enroll' }],
    ['optional', true, { required: true }],
    ['optional', false, { required: false, reason: 'not_enrolled' }],
    ['skip', true, { required: false, reason: 'policy' }],
    ['skip', false, { required: false, reason: 'policy' }],
  ] as const)('policy %s, confirmed factor %s → %j', (decision, confirmed, expected) => {
    expect(requirementOf(decision, confirmed)).toStrictEqual(expected);
  });
});
