/**
 * The shared settings: read by every challenge (so a switch made by one instance holds in
 * every other at its next call), changed by compare-and-set, audited.
 * @internal
 * @module
 */
import type { Channels } from '../core/choice.js';
import { channelsOff, type ChannelSetting, type MfaSettings, type SettingsState, settingsView, switchChannel } from '../core/settings.js';
import type { AuditNote } from '../core/audit.js';
import type { Channel } from '../core/types.js';
import { update } from '../store/cas.js';
import { type LoadedUser, loadUserWith, loadUserWithNow } from '../store/user-state.js';
import { decodeWith, SETTINGS_KEY, settingsCodec } from '../store/records.js';
import type { Context } from './context.js';

/** The settings record as stored now. */
async function readSettings(ctx: Context): Promise<SettingsState> {
  return decodeWith(settingsCodec, await ctx.store.read(SETTINGS_KEY));
}

/**
 * A user's record, factors and preferred factor, and the channels a challenge may use now
 * (the instance's senders and order, the store's switches): the settings record is read at
 * this call, with the user (one store call where the store can, e.g. one Redis script on a
 * single node).
 */
export async function loadUserAndChannels(ctx: Context, userId: string): Promise<UserAndChannels> {
  return loadUserAndChannelsNow(ctx, userId) ?? withChannels(ctx, await loadUserWith(ctx, userId, SETTINGS_KEY, settingsCodec));
}

/** What {@link loadUserAndChannels} answers. */
export interface UserAndChannels {
  readonly user: LoadedUser;
  readonly channels: Channels;
}

/**
 * {@link loadUserAndChannels} answered at once where the stores live in this process (the
 * memory stores: no promise at all); `undefined` elsewhere.
 */
export function loadUserAndChannelsNow(ctx: Context, userId: string): UserAndChannels | undefined {
  const loaded = loadUserWithNow(ctx, userId, SETTINGS_KEY, settingsCodec);
  return loaded === undefined ? undefined : withChannels(ctx, loaded);
}

function withChannels(ctx: Context, loaded: LoadedUser & { also: SettingsState }): UserAndChannels {
  const user: LoadedUser = { state: loaded.state, snapshot: loaded.snapshot, factors: loaded.factors, preferred: loaded.preferred };
  return { user, channels: channelsOf(ctx, loaded.also) };
}

/**
 * The channels of the last settings record each instance read: a store that holds its
 * records (memory) answers the very same frozen record until a switch changes it, so the
 * channels are worked out once per change, not per challenge. Another record (a switch, or
 * a store that decodes every read) is worked out afresh.
 */
const lastChannels = new WeakMap<Context, { readonly settings: SettingsState; readonly channels: Channels }>();

function channelsOf(ctx: Context, settings: SettingsState): Channels {
  const last = lastChannels.get(ctx);
  if (last !== undefined && last.settings === settings && Object.isFrozen(settings)) return last.channels;
  const channels: Channels = { ...ctx.channels, off: channelsOff(settings) };
  lastChannels.set(ctx, { settings, channels });
  return channels;
}

/** Every channel's switch, with who changed it, when and why. */
export async function getSettings(ctx: Context): Promise<MfaSettings> {
  return settingsView(await readSettings(ctx));
}

/**
 * Outcome of `setChannelEnabled`.
 *
 * @example
 * ```ts
 * const res: Ok<ChannelSwitched> = await mfa.setChannelEnabled('sms', false, { by: 'ops-1', reason: 'carrier outage' });
 * if (!res.changed) console.log(`SMS was already off (since ${new Date(res.setting.changedAt ?? 0).toISOString()})`);
 * ```
 */
export interface ChannelSwitched {
  /** The channel. */
  readonly channel: Channel;
  /** Whether it is on now. */
  readonly enabled: boolean;
  /** Whether this call changed it (`false`: it already was). */
  readonly changed: boolean;
  /** The setting in force, with who changed it last. */
  readonly setting: ChannelSetting;
}

/** Switches a channel for every instance on the store; emits `channel.changed` when it changed. */
export async function setChannelEnabled(ctx: Context, channel: Channel, enabled: boolean, audit: AuditNote): Promise<ChannelSwitched> {
  const { outcome } = await update<[SettingsState], ReturnType<typeof switchChannel>['outcome']>(
    ctx,
    [{ key: SETTINGS_KEY, codec: settingsCodec }],
    ([s], now) => {
      const d = switchChannel(s, channel, enabled, audit, now);
      return d.state ? { states: [d.state], outcome: d.outcome } : { outcome: d.outcome };
    },
  );
  if (outcome.changed) {
    ctx.events.emit('channel.changed', {
      channel,
      enabled,
      at: outcome.setting.changedAt ?? ctx.clock.now(),
      ...(audit.by !== undefined ? { by: audit.by } : {}),
      ...(audit.reason !== undefined ? { reason: audit.reason } : {}),
    });
  }
  return { channel, enabled, changed: outcome.changed, setting: outcome.setting };
}
