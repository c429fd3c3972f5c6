/**
 * Sign-in: requiresMfa, startChallenge, resend. Each reads top to bottom: load → decide in
 * core → issue and send (`deliver.ts`).
 * @internal
 * @module
 */
import { backupCodesLeft } from '../core/backup.js';
import { MfaError } from '../config/errors.js';
import type { PolicyDecision, SignInContext } from '../config/options.js';
import { selectFactor } from '../core/choice.js';
import { requirementOf } from '../core/requirement.js';
import { hasConfirmedFactor } from '../core/step-up.js';
import { lockedRefusal } from '../core/lockout.js';
import type { AppChallenge, ChallengeError, CodeSent, MfaRequirement, Ok, ResendError, Result } from '../core/outcomes.js';
import { resendTarget } from '../core/sending.js';
import type { Purpose } from '../core/types.js';
import { BACKUP_FACTOR_ID } from './backup.js';
import type { Context } from './context.js';
import { anyCountryList, countryOk, issueAndSend } from './deliver.js';
import { activeException } from './exceptions.js';
import { loadUserAndChannels, loadUserAndChannelsNow } from './settings.js';

/**
 * Whether this sign-in needs MFA: the exception list first, then the policy; a user who
 * ever confirmed a factor stays required (a STOP reply or an invalid number never switches
 * MFA off), and under `'required'` a user with none must enroll.
 */
export async function requiresMfa(ctx: Context, userId: string, context: SignInContext): Promise<Ok<MfaRequirement>> {
  const exception = await activeException(ctx, userId);
  if (exception) return { ok: true, required: false, reason: 'exception', exception };
  const policy = ctx.options.policy;
  const decision = typeof policy === 'function' ? await policyDecision(policy, userId, context) : policy;
  if (decision === 'skip') return { ok: true, ...requirementOf(decision, false) };
  const factors = await ctx.store.factors.listFactors(userId);
  return { ok: true, ...requirementOf(decision, hasConfirmedFactor(factors)) };
}

/** The host's policy function's answer; anything else is a host bug, reported as one. */
async function policyDecision(policy: (userId: string, context: SignInContext) => PolicyDecision | Promise<PolicyDecision>, userId: string, context: SignInContext): Promise<PolicyDecision> {
  const decision: unknown = await policy(userId, context);
  if (decision === 'required' || decision === 'optional' || decision === 'skip') return decision;
  throw new MfaError('invalid_options', "The policy function must return 'required', 'optional' or 'skip'");
}

/** Sends a sign-in code to the named, preferred or next usable factor. */
export async function startChallenge(
  ctx: Context,
  userId: string,
  opts: { factorId?: string | undefined; locale?: string | undefined; ip?: string | undefined },
): Promise<Result<CodeSent | AppChallenge, ChallengeError>> {
  // Stores in this process answer at once (no promise); others in one call where they can.
  const { user: { state, snapshot, factors, preferred }, channels } = loadUserAndChannelsNow(ctx, userId) ?? (await loadUserAndChannels(ctx, userId));
  // A locked user is refused before anything else is looked at.
  const locked = lockedRefusal(state, ctx.clock.now());
  if (locked) return locked;
  // A number whose country its channel may no longer send to is passed over (a named one is refused when sent to).
  // Fast path: with no allowlist set, none is passed over (no filtered copy).
  const sendable = opts.factorId === undefined && anyCountryList(ctx) ? factors.filter((f) => countryOk(ctx, f)) : factors;
  const chosen = selectFactor(sendable, preferred, opts.factorId, channels, backupCodesLeft(state, BACKUP_FACTOR_ID));
  if ('ok' in chosen) {
    const passedOver = sendable.length < factors.length && factors.some((f) => f.status === 'active' && !countryOk(ctx, f));
    return chosen.error === 'no_usable_factor' && passedOver ? { ok: false, error: 'country_not_allowed' } : chosen;
  }
  // An authenticator app or the backup codes need nothing sent: the user holds the code.
  if (chosen.channel === 'totp' || chosen.channel === 'backup') return { ok: true, sent: false, factorId: chosen.id, channel: chosen.channel, purpose: 'sign_in' };
  return issueAndSend(ctx, userId, chosen, 'sign_in', opts.locale, { snapshot, ip: opts.ip });
}

/** Sends a new code for `purpose` to the factor of the last code of that purpose. */
export async function resend(
  ctx: Context,
  userId: string,
  opts: { locale?: string | undefined; purpose: Purpose; ip?: string | undefined },
): Promise<Result<CodeSent, ResendError>> {
  const { user: { state, snapshot, factors }, channels } = await loadUserAndChannels(ctx, userId);
  const locked = lockedRefusal(state, ctx.clock.now());
  if (locked) return locked;
  const target = resendTarget(state, factors, opts.purpose, channels);
  if ('ok' in target) return target;
  return issueAndSend(ctx, userId, target.factor, target.purpose, opts.locale, { snapshot, ip: opts.ip });
}
