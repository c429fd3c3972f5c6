/**
 * Pure rule of who must pass MFA for one sign-in, once the exception list has been looked
 * at: the policy's decision and whether the user has a confirmed factor.
 * @module
 */
import type { MfaRequirement } from './outcomes.js';

/**
 * What `requiresMfa` answers. A user with a confirmed factor (active, or invalid after a STOP
 * reply) is always required unless the policy skips this sign-in: losing factors never
 * switches MFA off. A user with none must enroll under `'required'` and is let through
 * under `'optional'`.
 */
export function requirementOf(decision: 'required' | 'optional' | 'skip', hasConfirmedFactor: boolean): MfaRequirement {
  if (decision === 'skip') return { required: false, reason: 'policy' };
  if (hasConfirmedFactor) return { required: true };
  return decision === 'required' ? { required: true, reason: 'must_enroll' } : { required: false, reason: 'not_enrolled' };
}
