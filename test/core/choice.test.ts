import { describe, expect, it } from 'vitest';
import { channelUsable, type Channels, selectFactor } from '../../src/core/choice.js';
import { DEFAULTS } from '../../src/core/policy.js';
import type { Channel, Factor, FactorStatus } from '../../src/core/types.js';
import { deepFreeze, HOUR, T0 } from './fixtures.js';

const ALL: readonly Channel[] = ['sms', 'voice', 'email', 'totp', 'backup'];
const channels = (over: { off?: Channel[]; withSender?: readonly Channel[]; priority?: readonly Channel[] } = {}): Channels => ({
  off: new Set(over.off ?? []),
  withSender: new Set(over.withSender ?? ALL),
  priority: over.priority ?? DEFAULTS.channelPriority,
});

describe('channelUsable', () => {
  it.each<[string, Channels, Channel, boolean]>([
    ['on, with a sender', channels(), 'sms', true],
    ['switched off', channels({ off: ['sms'] }), 'sms', false],
    ['no sender', channels({ withSender: ['voice'] }), 'sms', false],
    ['off and no sender', channels({ off: ['sms'], withSender: ['voice'] }), 'sms', false],
    ['another channel off', channels({ off: ['voice'] }), 'sms', true],
  ])('%s → %s', (_name, c, channel, expected) => {
    expect(channelUsable(c, channel)).toBe(expected);
  });
});

function factor(id: string, channel: Channel, status: FactorStatus, createdAt: number, lastUsedAt?: number): Factor {
  return deepFreeze({ id, userId: 'u1', channel, status, createdAt, ...(lastUsedAt !== undefined ? { lastUsedAt } : {}) });
}

const sms = factor('f_sms', 'sms', 'active', T0);
const sms2 = factor('f_sms2', 'sms', 'active', T0 + 1);
const voice = factor('f_voice', 'voice', 'active', T0 - HOUR);
const email = factor('f_email', 'email', 'active', T0 - 2 * HOUR);
const usedVoice = factor('f_voice_used', 'voice', 'active', T0 + 5, T0 + HOUR);
const usedEmailLater = factor('f_email_used', 'email', 'active', T0 + 6, T0 + HOUR + 1);
const usedAtZero = factor('f_email_zero', 'email', 'active', T0 + 7, 0);
const pendingSms = factor('f_pending', 'sms', 'pending', T0 - 3 * HOUR);
const invalidSms = factor('f_invalid', 'sms', 'invalid', T0 - 3 * HOUR);
const backup = factor('f_backup', 'backup', 'active', T0 - 4 * HOUR);
const usedBackup = factor('f_backup', 'backup', 'active', T0 - 4 * HOUR, T0 + 2 * HOUR);

describe('selectFactor', () => {
  it.each<{ name: string; factors: Factor[]; preferred: string | null; requested?: string; c?: Channels; backupLeft?: number; expected: ReturnType<typeof selectFactor> }>([
    // a named factor
    { name: 'named active factor, over the preferred one', factors: [sms, voice], preferred: 'f_sms', requested: 'f_voice', expected: voice },
    { name: 'named factor unknown', factors: [sms], preferred: null, requested: 'f_nope', expected: { ok: false, error: 'factor_not_found' } },
    { name: 'named factor still pending', factors: [sms, pendingSms], preferred: null, requested: 'f_pending', expected: { ok: false, error: 'factor_not_found' } },
    { name: 'named factor invalid', factors: [sms, invalidSms], preferred: null, requested: 'f_invalid', expected: { ok: false, error: 'factor_invalid' } },
    { name: 'named factor, channel switched off: no fallback', factors: [sms, voice], preferred: null, requested: 'f_voice', c: channels({ off: ['voice'] }), expected: { ok: false, error: 'channel_disabled', channel: 'voice' } },
    { name: 'named factor, no sender for its channel', factors: [sms, voice], preferred: null, requested: 'f_voice', c: channels({ withSender: ['sms'] }), expected: { ok: false, error: 'channel_disabled', channel: 'voice' } },
    // the preferred factor
    { name: 'preferred factor', factors: [sms, voice, usedEmailLater], preferred: 'f_voice', expected: voice },
    { name: 'preferred factor invalid: next usable', factors: [invalidSms, voice], preferred: 'f_invalid', expected: voice },
    { name: 'preferred factor pending: next usable', factors: [pendingSms, email], preferred: 'f_pending', expected: email },
    { name: 'preferred channel off: falls back to another channel', factors: [sms, voice], preferred: 'f_sms', c: channels({ off: ['sms'] }), expected: voice },
    { name: 'preferred channel has no sender: falls back', factors: [sms, email], preferred: 'f_sms', c: channels({ withSender: ['email'] }), expected: email },
    { name: 'preferred id no longer exists: falls back', factors: [sms, voice], preferred: 'f_gone', expected: sms },
    // the fallback order
    { name: 'last used first, over channel priority', factors: [sms, usedVoice], preferred: null, expected: usedVoice },
    { name: 'the most recently used of two', factors: [usedVoice, usedEmailLater, sms], preferred: null, expected: usedEmailLater },
    { name: 'used at epoch 0 still beats never used', factors: [sms, usedAtZero], preferred: null, expected: usedAtZero },
    { name: 'never used: channel priority (sms before voice before email)', factors: [email, voice, sms], preferred: null, expected: sms },
    { name: 'never used, sms off: voice before email', factors: [email, voice, sms], preferred: null, c: channels({ off: ['sms'] }), expected: voice },
    { name: 'custom priority: email first', factors: [sms, voice, email], preferred: null, c: channels({ priority: ['email', 'sms'] }), expected: email },
    { name: 'custom priority: an unlisted channel comes last', factors: [voice, sms], preferred: null, c: channels({ priority: ['sms'] }), expected: sms },
    { name: 'same channel, never used: the oldest', factors: [sms2, sms], preferred: null, expected: sms },
    { name: 'pending and invalid factors are skipped', factors: [pendingSms, invalidSms, email], preferred: null, expected: email },
    // backup codes: the last resort
    { name: 'backup codes used last still come after a sending factor', factors: [usedBackup, sms], preferred: null, backupLeft: 3, expected: sms },
    { name: 'backup codes first in a custom priority still come last', factors: [backup, email], preferred: null, backupLeft: 3, c: channels({ priority: ['backup', 'email'] }), expected: email },
    { name: 'backup codes when nothing else is usable', factors: [backup, sms], preferred: null, backupLeft: 3, c: channels({ off: ['sms'] }), expected: backup },
    { name: 'backup codes preferred', factors: [sms, backup], preferred: 'f_backup', backupLeft: 3, expected: backup },
    { name: 'backup codes named', factors: [sms, backup], preferred: null, requested: 'f_backup', backupLeft: 1, expected: backup },
    { name: 'backup codes named, none left', factors: [sms, backup], preferred: null, requested: 'f_backup', backupLeft: 0, expected: { ok: false, error: 'no_codes_left' } },
    { name: 'backup codes preferred, none left: falls back', factors: [backup, email], preferred: 'f_backup', backupLeft: 0, expected: email },
    { name: 'only backup codes, none left', factors: [backup], preferred: null, backupLeft: 0, expected: { ok: false, error: 'no_usable_factor' } },
    // nothing usable
    { name: 'no factors', factors: [], preferred: null, expected: { ok: false, error: 'no_usable_factor' } },
    { name: 'only pending and invalid factors', factors: [pendingSms, invalidSms], preferred: 'f_invalid', expected: { ok: false, error: 'no_usable_factor' } },
    { name: 'the only active factor\'s channel is off', factors: [sms, invalidSms], preferred: 'f_sms', c: channels({ off: ['sms'] }), expected: { ok: false, error: 'channel_disabled', channel: 'sms' } },
    { name: 'an invalid factor on a channel that is off is not reported', factors: [invalidSms], preferred: null, c: channels({ off: ['sms'] }), expected: { ok: false, error: 'no_usable_factor' } },
    { name: 'the only active factor has no sender (not switched off)', factors: [sms], preferred: null, c: channels({ withSender: ['email'] }), expected: { ok: false, error: 'no_usable_factor' } },
  ])('$name', ({ factors, preferred, requested, c, backupLeft, expected }) => {
    expect(selectFactor(factors, preferred, requested, c ?? channels(), backupLeft)).toStrictEqual(expected);
  });
});
