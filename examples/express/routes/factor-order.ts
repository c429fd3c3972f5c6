/**
 * Which factor sign-in uses, in words: after a confirmation, before and after a removal.
 *
 * The app never re-implements mfakit's choice (preferred, last used, channel priority,
 * backup codes last): `getStatus().signInFactorId` says which factor a challenge would use,
 * and each factor view says whether it is `usable` now (and `unusableReason` if not). What
 * mfakit cannot say in advance (which of two other ways a removal leads to) is said after
 * the removal, from `getStatus` again.
 * @module
 */
import type { FactorView, MfaStatus } from 'mfakit';
import { described, THING } from '../views/factor-labels.js';

/** The part of `getStatus` these sentences need. */
export type SignInChoice = Pick<MfaStatus, 'factors' | 'signInFactorId'>;

/** The factor a sign-in challenge would use now (mfakit's answer), if any. */
export function signInFactor(status: SignInChoice): FactorView | undefined {
  return status.signInFactorId === undefined ? undefined : status.factors.find((f) => f.id === status.signInFactorId);
}

/** What the user reads after confirming a factor: whether sign-in now uses it. */
export function confirmedMessage(status: SignInChoice, confirmedId: string): string {
  const added = status.factors.find((f) => f.id === confirmedId);
  const first = signInFactor(status);
  const head = !added ? 'It is confirmed.' : added.channel === 'totp' ? 'Your authenticator app is confirmed.' : `Your ${THING[added.channel]} ${described(added)} is confirmed.`;
  if (!first || first.id === confirmedId) return `${head} Sign-in will now ask for a code ${added?.channel === 'totp' ? 'from it' : 'sent to it'}.`;
  return `${head} Sign-in codes still go to ${described(first)} first; choose “Make preferred” to use the new ${added ? THING[added.channel] : 'one'} instead.`;
}

/** The backup codes, when the user has some left. */
const backupLeft = (factors: readonly FactorView[]) => factors.find((f) => f.channel === 'backup' && f.usable);

/** "a, b or c". */
const orList = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`);

/** What removing `factor` changes for sign-in (shown before the removal is confirmed). */
export function removalConsequence(status: SignInChoice, factor: FactorView): string {
  if (factor.status !== 'active') return 'It is not in use for sign-in; removing it changes nothing else.';
  const thing = THING[factor.channel];
  const again = `To use this ${thing} again you will have to add and confirm it again.`;
  const others = status.factors.filter((f) => f.id !== factor.id && f.status === 'active' && f.channel !== 'backup');
  const backup = backupLeft(status.factors);
  if (others.length === 0) {
    if (backup) {
      return `It is your only ${thing}: sign-in will then ask for one of your backup codes (${backup.backupCodesLeft ?? 0} left) until you add another way. ${again}`;
    }
    return `It is your only ${thing}: sign-in will no longer ask for a code until you add another, so your account is protected by the password alone.`;
  }
  const current = signInFactor(status);
  // Not the factor sign-in uses: removing it changes nothing about the choice.
  if (current && current.id !== factor.id) return `Sign-in codes will then go to ${described(current)}. ${again}`;
  const usable = others.filter((f) => f.usable);
  const [only] = usable;
  if (usable.length === 1 && only) return `Sign-in codes will then go to ${described(only)}. ${again}`;
  if (usable.length > 1) return `Sign-in will then use one of your other ways: ${orList(usable.map(described))}. ${again}`;
  return `None of your other ways can receive a code right now${backup ? ', so sign-in will ask for one of your backup codes' : ''}. ${again}`;
}

/**
 * Added to "… was removed." when the removal changed where sign-in codes go and the page
 * before could not say where (several other ways): mfakit's answer now.
 */
export function afterRemoval(before: SignInChoice, removedId: string, after: SignInChoice): string {
  if (before.signInFactorId !== removedId) return '';
  const candidates = before.factors.filter((f) => f.id !== removedId && f.status === 'active' && f.channel !== 'backup' && f.usable);
  const now = signInFactor(after);
  if (candidates.length < 2 || !now) return '';
  return now.channel === 'totp' ? ' Sign-in now asks for a code from your authenticator app.' : ` Sign-in codes now go to ${described(now)}.`;
}
