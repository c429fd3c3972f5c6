/**
 * Which factor sign-in codes go to, in words: after a confirmation, and before a removal.
 * @module
 */
import type { FactorView } from 'mfakit';
import { described, THING } from '../views/factor-labels.js';

/** mfakit's default fallback order (`channels.priority`). ADAPT: keep in step if you change it. */
const PRIORITY = ['sms', 'voice', 'email', 'totp'] as const;
const rank = (f: FactorView) => {
  const i = (PRIORITY as readonly string[]).indexOf(f.channel);
  return i === -1 ? PRIORITY.length : i;
};

/**
 * The factor a sign-in challenge would use among `factors`: the preferred one if usable,
 * else the most recently used, then by channel (sms, voice, email, totp), then the oldest.
 * For a user's current factors, `getStatus().signInFactorId` says it; this answers "what if
 * one were removed", which mfakit cannot know. ADAPT: keep in step with mfakit's documented order.
 */
export function signInFactor(factors: readonly FactorView[], usable: (f: FactorView) => boolean): FactorView | undefined {
  const candidates = factors.filter(usable);
  return (
    candidates.find((f) => f.preferred) ??
    [...candidates].sort((a, b) => (b.lastUsedAt ?? -1) - (a.lastUsedAt ?? -1) || rank(a) - rank(b) || a.createdAt - b.createdAt)[0]
  );
}

/** What the user reads after confirming a factor: whether sign-in codes now go to it. */
export function confirmedMessage(factors: readonly FactorView[], confirmedId: string, usable: (f: FactorView) => boolean): string {
  const added = factors.find((f) => f.id === confirmedId);
  const first = signInFactor(factors, usable);
  const head = !added ? 'It is confirmed.' : added.channel === 'totp' ? 'Your authenticator app is confirmed.' : `Your ${THING[added.channel]} ${described(added)} is confirmed.`;
  if (!first || first.id === confirmedId) return `${head} Sign-in will now ask for a code ${added?.channel === 'totp' ? 'from it' : 'sent to it'}.`;
  return `${head} Sign-in codes still go to ${described(first)} first; choose “Make preferred” to use the new ${added ? THING[added.channel] : 'one'} instead.`;
}

/** What removing `factor` changes for sign-in. */
export function removalConsequence(factors: readonly FactorView[], factor: FactorView, usable: (f: FactorView) => boolean): string {
  const others = factors.filter((f) => f.id !== factor.id && f.status === 'active');
  if (factor.status !== 'active') return 'It is not in use for sign-in; removing it changes nothing else.';
  if (others.length === 0) {
    return `It is your only ${THING[factor.channel]}: sign-in will no longer ask for a code until you add another, so your account is protected by the password alone.`;
  }
  const next = signInFactor(others, usable) ?? others[0];
  const thing = THING[factor.channel];
  return `Sign-in codes will then go to ${next ? described(next) : 'your other factor'}. To use this ${thing} again you will have to add and confirm it again.`;
}
