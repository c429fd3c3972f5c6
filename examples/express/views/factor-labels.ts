/**
 * How a factor is named on the pages: its masked destination, its kind, and how a code
 * reaches it. One place, so every page says it the same way.
 * @module
 */
import type { Channel, FactorView } from 'mfakit';

/** The kind, as a column or a badge shows it. */
export const KIND_LABEL: Readonly<Record<Channel, string>> = {
  sms: 'Text message',
  voice: 'Voice call',
  email: 'Email',
  totp: 'Authenticator app',
  backup: 'Backup code',
};

/** How a code travels: "by text message", "by voice call", "by email". */
export const BY_CHANNEL: Readonly<Record<Channel, string>> = {
  sms: 'by text message',
  voice: 'by voice call',
  email: 'by email',
  totp: 'from your authenticator app',
  backup: 'from your backup codes',
};

/** What the thing is called in a sentence: "number" or "email address". */
export const THING: Readonly<Record<Channel, string>> = {
  sms: 'number',
  voice: 'number',
  email: 'email address',
  totp: 'authenticator app',
  backup: 'backup codes',
};

/** The masked destination (`+1 ••• ••• 0147`, `a•••@example.com`), or the kind when it has none. */
export function destination(f: FactorView): string {
  return f.maskedPhone ?? f.maskedEmail ?? KIND_LABEL[f.channel];
}

/**
 * The destination in a sentence: a number enrolled for voice calls says so
 * (`+1 ••• ••• 0147 (voice call)`), since the same number may also be there for texts;
 * an authenticator is "your authenticator app", the backup codes "your backup codes".
 */
export function described(f: FactorView): string {
  if (f.channel === 'totp') return 'your authenticator app';
  if (f.channel === 'backup') return 'your backup codes';
  return f.channel === 'voice' ? `${destination(f)} (voice call)` : destination(f);
}
