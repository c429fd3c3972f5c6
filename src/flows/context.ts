/**
 * What every flow needs: validated options, the rule numbers, the store gateway, clock,
 * hasher, emitter, senders and channel switches of one `Mfa` instance.
 * @internal
 * @module
 */
import type { Channels } from '../core/choice.js';
import type { ResolvedOptions } from '../config/options.js';
import type { MfaEmitter } from '../config/events.js';
import type { CodeHasher } from '../factors/code.js';
import type { CodeKinds } from '../factors/index.js';
import type { DeviceSigner } from '../factors/device-token.js';
import type { SecretBox } from '../factors/secret-box.js';
import type { StateContext } from '../store/user-state.js';

/** Shared by the flows of one `Mfa` instance. */
export interface Context extends StateContext {
  readonly options: ResolvedOptions;
  readonly hasher: CodeHasher;
  /** Signs and checks device tokens (trusted devices). */
  readonly devices: DeviceSigner;
  /** Seals the secrets read back in clear (TOTP). */
  readonly box: SecretBox;
  readonly events: MfaEmitter;
  /** The code-sending factor kinds that have a sender. */
  readonly kinds: CodeKinds;
  /**
   * The channels with a sender, and their order; `off` is empty here: the switches are
   * shared settings in the store, read per call (`loadUserAndChannels` in `settings.ts`).
   */
  readonly channels: Channels;
}
