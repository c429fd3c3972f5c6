/**
 * The deployment's shared settings (today: which channels are switched off), kept as one
 * record in the state store so every instance on the same store obeys the same switch, and
 * the pure rules that change and read them. Each change records who made it, when and why.
 * @module
 */
import type { AuditNote } from './audit.js';
import { CHANNELS, type Channel } from './types.js';

/**
 * One channel's switch, as `getSettings()` shows it. A channel never switched is on, with
 * no `changedAt`.
 *
 * @example
 * ```ts
 * const sms: ChannelSetting = { enabled: false, changedBy: 'ops-1', changedAt: Date.now(), reason: 'carrier outage' };
 * ```
 */
export interface ChannelSetting {
  /** Whether challenges may use the channel. */
  readonly enabled: boolean;
  /** Who switched it last (the `by` passed to `setChannelEnabled`), when given. */
  readonly changedBy?: string;
  /** When it was switched last (ms since the epoch). */
  readonly changedAt?: number;
  /** Why, when given. */
  readonly reason?: string;
}

/**
 * The shared settings of every instance on one store.
 *
 * @example
 * ```ts
 * const settings: MfaSettings = await mfa.getSettings();
 * if (!settings.channels.sms.enabled) banner(`SMS is off: ${settings.channels.sms.reason ?? ''}`);
 * ```
 */
export interface MfaSettings {
  /** Every channel's switch. */
  readonly channels: Readonly<Record<Channel, ChannelSetting>>;
}

/** The stored settings: only channels that were ever switched. */
export interface SettingsState {
  readonly channels: Readonly<Partial<Record<Channel, ChannelSetting>>>;
}

/** Settings nobody changed. */
export const DEFAULT_SETTINGS: SettingsState = Object.freeze({ channels: Object.freeze({}) });


/** The outcome of a switch: whether it changed anything, and the setting now in force. */
export interface Switched {
  readonly changed: boolean;
  readonly setting: ChannelSetting;
}

/**
 * Switches a channel. Switching to the state it is already in changes nothing (no write, no
 * event): the record keeps who switched it first.
 */
export function switchChannel(
  s: SettingsState,
  channel: Channel,
  enabled: boolean,
  audit: AuditNote,
  now: number,
): { state?: SettingsState; outcome: Switched } {
  const current = s.channels[channel];
  if ((current?.enabled ?? true) === enabled) return { outcome: { changed: false, setting: current ?? { enabled } } };
  const setting: ChannelSetting = {
    enabled,
    changedAt: now,
    ...(audit.by !== undefined ? { changedBy: audit.by } : {}),
    ...(audit.reason !== undefined ? { reason: audit.reason } : {}),
  };
  return { state: { channels: { ...s.channels, [channel]: setting } }, outcome: { changed: true, setting } };
}

/** The channels switched off. */
export function channelsOff(s: SettingsState): Set<Channel> {
  return new Set(CHANNELS.filter((c) => s.channels[c]?.enabled === false));
}

/** Every channel's switch, the ones never switched shown on. */
export function settingsView(s: SettingsState): MfaSettings {
  return { channels: Object.fromEntries(CHANNELS.map((c) => [c, s.channels[c] ?? { enabled: true }])) as Record<Channel, ChannelSetting> };
}

const SETTING_KEYS: ReadonlySet<string> = new Set(['e', 'b', 'a', 'r']);

/** Serializes the settings (short keys, only switched channels). */
export function encodeSettings(s: SettingsState): string {
  const c: Record<string, { e: 0 | 1; a?: number; b?: string; r?: string }> = {};
  for (const channel of CHANNELS) {
    const set = s.channels[channel];
    if (!set) continue;
    c[channel] = {
      e: set.enabled ? 1 : 0,
      ...(set.changedAt !== undefined ? { a: set.changedAt } : {}),
      ...(set.changedBy !== undefined ? { b: set.changedBy } : {}),
      ...(set.reason !== undefined ? { r: set.reason } : {}),
    };
  }
  return JSON.stringify({ c });
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 1000;

/** Parses the settings; throws on anything mfakit could not have written. */
export function decodeSettings(raw: string): SettingsState {
  const w = JSON.parse(raw) as unknown;
  if (typeof w !== 'object' || w === null || Array.isArray(w) || Object.keys(w).some((k) => k !== 'c')) throw new TypeError('settings record is malformed');
  const c = (w as { c?: unknown }).c;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new TypeError('settings record is malformed');
  const channels: Partial<Record<Channel, ChannelSetting>> = {};
  for (const [name, v] of Object.entries(c)) {
    if (!(CHANNELS as readonly string[]).includes(name)) throw new TypeError('settings record names an unknown channel');
    if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).some((k) => !SETTING_KEYS.has(k))) throw new TypeError('settings record is malformed');
    const { e, a, b, r } = v as { e?: unknown; a?: unknown; b?: unknown; r?: unknown };
    if ((e !== 0 && e !== 1) || (a !== undefined && !Number.isSafeInteger(a)) || (b !== undefined && !isText(b)) || (r !== undefined && !isText(r))) {
      throw new TypeError('settings record is malformed');
    }
    channels[name as Channel] = {
      enabled: e === 1,
      ...(a !== undefined ? { changedAt: a as number } : {}),
      ...(b !== undefined ? { changedBy: b } : {}),
      ...(r !== undefined ? { reason: r } : {}),
    };
  }
  return { channels };
}
