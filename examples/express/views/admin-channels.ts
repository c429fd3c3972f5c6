/**
 * The admin page's channel switches (SMS, voice calls, email): each one's state and who
 * changed it last, when and why, as mfakit's shared settings (`getSettings()`) say, so the
 * page shows the same on every instance on the store. And the words around a switch.
 * @module
 */
import type { ChannelSetting } from 'mfakit';
import type { CodeChannel } from '../dev-outbox.js';
import { formatTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { csrfField, type PageContext } from './layout.js';

/** The channels a code is sent on, in the order the page lists them. */
export const CODE_CHANNELS: readonly CodeChannel[] = ['sms', 'voice', 'email'];

/** One channel as the page shows it. */
export interface ChannelRow {
  readonly channel: CodeChannel;
  /** The shared setting (from `getSettings()`). */
  readonly setting: ChannelSetting;
  /** Whether this app has a sender for it (in production, voice and email need one). */
  readonly offered: boolean;
}

/** The channel's name at the start of a sentence or a button. */
export const CHANNEL_NAME: Readonly<Record<CodeChannel, string>> = { sms: 'SMS', voice: 'Voice calls', email: 'Email' };

/** The channel's name inside a sentence ("Switch voice calls off"). */
export const IN_SENTENCE: Readonly<Record<CodeChannel, string>> = { sms: 'SMS', voice: 'voice calls', email: 'email' };

/** The flash message after a switch. */
export function switchedMessage(channel: CodeChannel, enabled: boolean): string {
  if (enabled) return `${CHANNEL_NAME[channel]} ${channel === 'voice' ? 'are' : 'is'} switched on.`;
  return {
    sms: 'SMS is switched off: no text messages will be sent.',
    voice: 'Voice calls are switched off: no calls will be made.',
    email: 'Email is switched off: no codes will be emailed.',
  }[channel];
}

/** The flash message when a switch changed nothing (another admin, maybe on another instance, got there first). */
export function alreadyMessage(channel: CodeChannel, enabled: boolean): string {
  return `${CHANNEL_NAME[channel]} ${channel === 'voice' ? 'were' : 'was'} already switched ${enabled ? 'on' : 'off'}: nothing changed.`;
}

/** What switching a channel off does, for the confirmation page. */
export const SWITCH_OFF_CONSEQUENCE: Readonly<Record<CodeChannel, string>> = {
  sms: 'No text message will be sent, by any instance of the app. Users with an email address or a number for voice calls get their codes there instead; users with only numbers for text messages cannot complete sign-in until SMS is switched back on (or they are put on the exception list).',
  voice: 'No voice call will be made, by any instance of the app. Users with a number for text messages or an email address get their codes there instead; users with only numbers for voice calls cannot complete sign-in until voice calls are switched back on (or they are put on the exception list).',
  email: 'No code will be emailed, by any instance of the app. Users with a number get their codes by text message or voice call instead; users with only an email address cannot complete sign-in until email is switched back on (or they are put on the exception list).',
};

/** What an off channel means for sign-in, under the table. */
const OFF_NOTICE: Readonly<Record<CodeChannel, SafeHtml>> = {
  sms: html`<strong>SMS is switched off.</strong> No code is sent by text message: users with an email address or a number
    for voice calls get their code there; users with only numbers for text messages see “text messages are switched off” at
    sign-in and cannot complete it until SMS is back on (or an admin adds them to the exception list).`,
  voice: html`<strong>Voice calls are switched off.</strong> No code is sent by voice call: sign-in uses the user's next usable
    factor; users with only numbers for voice calls cannot complete it until voice calls are back on.`,
  email: html`<strong>Email is switched off.</strong> No code is sent by email: sign-in uses the user's next usable factor;
    users with only an email address cannot complete it until email is back on.`,
};

/** "by admin, 09:05 UTC: “carrier outage”", or that nobody changed it. */
function lastChange(s: ChannelSetting, ctx: PageContext, nameOf: (id: string) => string): string {
  if (s.changedAt === undefined) return 'never switched (on by default)';
  const who = s.changedBy !== undefined ? `by ${nameOf(s.changedBy)}, ` : '';
  return `switched ${s.enabled ? 'on' : 'off'} ${who}${formatTime(s.changedAt, ctx.now)}${s.reason !== undefined ? `: “${s.reason}”` : ''}`;
}

export function channelsSection(ctx: PageContext, rows: readonly ChannelRow[], nameOf: (id: string) => string): SafeHtml {
  return html`<section class="card" id="channels">
  <h2>Channels</h2>
  <p class="muted">Use a switch during a carrier or provider outage: sign-in falls back to the user's next usable factor
  (text message, voice call, email, authenticator app) automatically. The switches are shared through mfakit's store: every
  instance of the app obeys them at its next sign-in, without a restart.</p>
  <table id="channel-table"><thead><tr><th>Channel</th><th>State</th><th>Last change</th><th></th></tr></thead><tbody>
  ${rows.map(
    ({ channel, setting, offered }) => html`<tr id="channel-${channel}" data-channel="${channel}">
    <td>${CHANNEL_NAME[channel]}</td>
    <td><span class="badge ${setting.enabled ? 'on' : 'off'}" id="${channel}-state">${setting.enabled ? 'on' : 'off'}</span></td>
    <td class="muted" id="${channel}-changed">${lastChange(setting, ctx, nameOf)}${offered ? '' : ' (no sender configured: not offered)'}</td>
    <td>${setting.enabled
      ? html`<form class="inline" method="post" action="/admin/channels/${channel}">${csrfField(ctx)}
      <input type="hidden" name="enabled" value="off"><button class="danger" type="submit">Switch ${IN_SENTENCE[channel]} off</button></form>`
      : html`<form class="inline" method="post" action="/admin/channels/${channel}">${csrfField(ctx)}
      <input type="hidden" name="enabled" value="on">
      <input name="reason" type="text" maxlength="200" placeholder="Reason (optional)" aria-label="Reason for switching it on">
      <button type="submit">Switch ${IN_SENTENCE[channel]} on</button></form>`}</td>
  </tr>`,
  )}
  </tbody></table>
  ${rows.filter((r) => !r.setting.enabled).map((r) => html`<p class="notice warn" id="${r.channel}-off-notice">${OFF_NOTICE[r.channel]}</p>`)}
</section>`;
}
