/**
 * The factor kinds, by channel. A kind says how it enrolls, what it sends and how its
 * codes are checked; the flows ask it, never the channel name.
 * @internal
 * @module
 */
import { MfaError } from '../config/errors.js';
import type { ResolvedOptions } from '../config/options.js';
import type { Channel } from '../core/types.js';
import { emailKind } from './email.js';
import type { CodeFactorKind } from './kind.js';
import { smsKind } from './sms.js';
import { voiceKind } from './voice.js';

export type { CodeFactorKind, MaskedDestination } from './kind.js';

/** The code-sending kinds that have a sender, by channel. */
export type CodeKinds = Partial<Record<Channel, CodeFactorKind>>;

/** Builds the kinds the configured senders make usable. */
export function codeKinds(options: ResolvedOptions): CodeKinds {
  const { sms, voice, email } = options.senders;
  return {
    ...(sms ? { sms: smsKind(options, sms) } : {}),
    ...(voice ? { voice: voiceKind(options, voice) } : {}),
    ...(email ? { email: emailKind(options, email) } : {}),
  };
}

/** The kind that sends codes over `channel`; throws `sender_missing` when it has no sender. */
export function kindFor(kinds: CodeKinds, channel: Channel): CodeFactorKind {
  const kind = kinds[channel];
  if (!kind) throw new MfaError('sender_missing', `No sender is configured for the '${channel}' channel`);
  return kind;
}
