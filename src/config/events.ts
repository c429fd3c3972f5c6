/**
 * Typed events. Payloads carry masked numbers and ids, never a code or a full number.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { FailureCode } from '../core/outcomes.js';
import type { Channel, InvalidReason, Purpose } from '../core/types.js';
import type { DeliveryAttempt, DeliveryFailureReason, DeliveryStatus } from '../ports/delivery.js';

/**
 * Fields every per-user event carries.
 *
 * @example
 * ```ts
 * mfa.on('user.unlocked', (e: UserEvent) => audit('unlocked', e.userId));
 * ```
 */
export interface UserEvent {
  /** The host's user id. */
  userId: string;
}

/**
 * The audit fields of an admin action (unlock, exception list, channel switch, verified
 * binding, removal by an admin): who, when, and why. `by` and `reason` are what the host
 * passed; `at` is the instance's clock.
 *
 * @example
 * ```ts
 * mfa.on('user.unlocked', (e) => auditLog.push({ action: 'unlock', user: e.userId, by: e.by, at: e.at, reason: e.reason }));
 * ```
 */
export interface AdminAudit {
  /** Who did it, when the host said (`{ by }`). */
  by?: string;
  /** When (epoch ms). */
  at: number;
  /** Why, when the host said (`{ reason }`). */
  reason?: string;
}

/**
 * Fields of events about one factor.
 *
 * @example
 * ```ts
 * mfa.on('factor.removed', (e: FactorEvent) => audit('removed', e.userId, e.factorId));
 * ```
 */
export interface FactorEvent extends UserEvent {
  /** The factor's id. */
  factorId: string;
  /** The factor's channel. */
  channel: Channel;
}

/**
 * Payload of `factor.removed`: with `by` (and `reason`) when an admin removed it.
 *
 * @example
 * ```ts
 * mfa.on('factor.removed', (e: FactorRemovedEvent) => audit('removed', e.userId, e.factorId, e.by ?? 'the user'));
 * ```
 */
export interface FactorRemovedEvent extends FactorEvent, AdminAudit {
  /** The admin who removed it (absent: the user did). */
  by?: string;
  /** Why, as the admin said. */
  reason?: string;
  /** The factor that replaced it (a number change: `enrollSms(userId, phone, { replaces })`, confirmed). */
  replacedBy?: string;
  /** Its number, masked (`sms`, `voice`). */
  maskedPhone?: string;
  /** Its address, masked (`email`). */
  maskedEmail?: string;
}

/**
 * Payload of `code.sent`.
 *
 * @example
 * ```ts
 * mfa.on('code.sent', (e: CodeSentEvent) => log.info('code sent to %s', e.maskedPhone));
 * ```
 */
export interface CodeSentEvent extends FactorEvent {
  /** Why the code was sent. */
  purpose: Purpose;
  /** The destination, masked (`+1 ••• ••• 2671`, `a•••@example.com`). */
  maskedTo: string;
  /** The number, masked (`sms` and `voice`). */
  maskedPhone?: string;
  /** The address, masked (`email`). */
  maskedEmail?: string;
  /** The challenge the code belongs to. */
  challengeId: string;
  /** When the code stops being valid (epoch ms). */
  expiresAt: number;
  /** The sender's name. */
  sender: string;
  /** The provider's message id. */
  messageId: string;
  /** The provider that delivered, when the sender chose among several (`failoverSender`). */
  provider?: string;
  /** With `provider`: the attempts that failed before it, in order (empty when the first delivered). */
  attempts?: readonly DeliveryAttempt[];
}

/**
 * Payload of `delivery.failed`.
 *
 * @example
 * ```ts
 * mfa.on('delivery.failed', (e: DeliveryFailedEvent) => alerts.warn(e.sender, e.reason));
 * ```
 */
export interface DeliveryFailedEvent extends FactorEvent {
  /** Why the code was sent. */
  purpose: Purpose;
  /** The destination, masked. */
  maskedTo: string;
  /** The number, masked (`sms` and `voice`). */
  maskedPhone?: string;
  /** The address, masked (`email`). */
  maskedEmail?: string;
  /** The sender's name. */
  sender: string;
  /**
   * Why: the sender rejected (`sender_error`), a budget ran out (`destination_limit`: the
   * number's or address's; `prefix_limit`, `ip_limit`, `global_limit`), or the host's
   * `riskCheck` refused or failed (`risk_refused`; then `errorName` when it threw).
   */
  reason: 'sender_error' | 'destination_limit' | 'prefix_limit' | 'ip_limit' | 'global_limit' | 'risk_refused';
  /** With `risk_refused`: the reason the `riskCheck` gave (`'risk_check_failed'` when it threw or answered nonsense). */
  riskReason?: string;
  /** The name of the sender's error (its message is not passed on: it may hold the number). */
  errorName?: string;
  /** When the sender rejected with a `DeliveryError`: the provider that failed (a failover's name, with `attempts`). */
  provider?: string;
  /** When the sender rejected with a `DeliveryError`: why (`'opted_out'`, `'timeout'`, ...). */
  deliveryReason?: DeliveryFailureReason;
  /** When the sender rejected with a `DeliveryError`: whether another try could help. */
  retryable?: boolean;
  /** When the sender rejected with a `DeliveryError` and the provider gave one: its error code (`'21610'`). */
  providerCode?: string;
  /** When a failover rejected: each provider's attempt, in order. */
  attempts?: readonly DeliveryAttempt[];
  /** Present when the failure made the factor `invalid` (a `factor.invalidated` event follows). */
  invalidated?: InvalidReason;
}

/**
 * Payload of `delivery.reported`: a provider's delivery report (`mfa.handleDeliveryReport`)
 * for a code mfakit sent, so support can see that a code reached the phone (or why not).
 * It carries the message id and the provider's error code, never the number or the code.
 *
 * @example
 * ```ts
 * mfa.on('delivery.reported', (e: DeliveryReportedEvent) => audit('sms', e.userId, e.messageId, e.status, e.errorCode));
 * ```
 */
export interface DeliveryReportedEvent extends FactorEvent {
  /** What the code was for. */
  purpose: Purpose;
  /** The provider's message id, as the sender resolved it. */
  messageId: string;
  /** Where the message stands. */
  status: DeliveryStatus;
  /** The provider's error code, for a failure. */
  errorCode?: string;
  /** Why it failed, when the report said. */
  deliveryReason?: DeliveryFailureReason;
  /** Present when the report made the factor `invalid` (a `factor.invalidated` event follows). */
  invalidated?: InvalidReason;
}

/**
 * Payload of `verification.succeeded`.
 *
 * @example
 * ```ts
 * mfa.on('verification.succeeded', (e: VerificationSucceededEvent) => audit('mfa ok', e.userId));
 * ```
 */
export interface VerificationSucceededEvent extends FactorEvent {
  /** What the code was for. */
  purpose: Purpose;
}

/**
 * Payload of `verification.failed`.
 *
 * @example
 * ```ts
 * mfa.on('verification.failed', (e: VerificationFailedEvent) => metrics.inc(`mfa.${e.error}`));
 * ```
 */
export interface VerificationFailedEvent extends UserEvent {
  /** What the code was for. */
  purpose: Purpose;
  /** The refusal. */
  error: FailureCode;
  /** Tries left on the code. */
  attemptsLeft?: number;
  /** Wrong entries left before the lock. */
  failuresLeft?: number;
}

/**
 * Payload of `code.exhausted`.
 *
 * @example
 * ```ts
 * mfa.on('code.exhausted', (e: CodeExhaustedEvent) => audit('code exhausted', e.userId));
 * ```
 */
export interface CodeExhaustedEvent extends UserEvent {
  /** The factor the code was sent to. */
  factorId: string;
  /** What the code was for. */
  purpose: Purpose;
}

/**
 * Payload of `user.locked`.
 *
 * @example
 * ```ts
 * mfa.on('user.locked', (e: UserLockedEvent) => notifyUser(e.userId, e.lockedUntil));
 * ```
 */
export interface UserLockedEvent extends UserEvent {
  /** End of the lock (epoch ms); `null` when only an admin can unlock. */
  lockedUntil: number | null;
  /** Consecutive wrong entries so far (the hard ceiling counts these). */
  consecutiveFailures: number;
  /** Who locked the user (`mfa.lock`); absent when wrong entries did. */
  by?: string;
  /** When an admin locked the user (epoch ms), with `by`. */
  at?: number;
  /** Why, as `mfa.lock` was told. */
  reason?: string;
}

/**
 * Payload of `devices.revoked`: every device token of the user stopped working
 * (`mfa.revokeTrustedDevices`). Never carries a token.
 *
 * @example
 * ```ts
 * mfa.on('devices.revoked', (e: DevicesRevokedEvent) => audit('devices revoked', e.userId, e.by ?? 'the user', e.reason));
 * ```
 */
export interface DevicesRevokedEvent extends UserEvent, AdminAudit {
  /** Who revoked them (an admin id); absent when the user did. */
  by?: string;
  /** When (epoch ms). */
  at: number;
  /** Why, when given. */
  reason?: string;
}

/**
 * Payload of `factor.enrolled`.
 *
 * @example
 * ```ts
 * mfa.on('factor.enrolled', (e: FactorEnrolledEvent) => email(e.userId, `New number ${e.maskedPhone}`));
 * ```
 */
export interface FactorEnrolledEvent extends FactorEvent, AdminAudit {
  /** The number, masked (`sms`, `voice`). */
  maskedPhone?: string;
  /** The address, masked (`email`). */
  maskedEmail?: string;
  /** Who bound it without a code (`addVerifiedFactor`); absent when the user confirmed a code. */
  by?: string;
  /** When it became active. */
  at: number;
  /** Why, as `addVerifiedFactor` was told. */
  reason?: string;
}

/**
 * Payload of `backup.generated`: a new set of backup codes replaced the earlier one.
 *
 * @example
 * ```ts
 * mfa.on('backup.generated', (e: BackupGeneratedEvent) => email(e.userId, 'New backup codes were generated'));
 * ```
 */
export interface BackupGeneratedEvent extends UserEvent {
  /** The backup-codes factor. */
  factorId: string;
  /** Codes in the new set. */
  count: number;
}

/**
 * Payload of `backup.low`: a backup code was used and few are left.
 *
 * @example
 * ```ts
 * mfa.on('backup.low', (e: BackupLowEvent) => email(e.userId, `${e.remaining} backup codes left: generate new ones`));
 * ```
 */
export interface BackupLowEvent extends UserEvent {
  /** The backup-codes factor. */
  factorId: string;
  /** Codes left (2 or fewer). */
  remaining: number;
}

/**
 * Payload of `factor.invalidated`.
 *
 * @example
 * ```ts
 * mfa.on('factor.invalidated', (e: FactorInvalidatedEvent) => email(e.userId, 'Your number replied STOP'));
 * ```
 */
export interface FactorInvalidatedEvent extends FactorEvent {
  /** The number, masked. */
  maskedPhone?: string;
  /** The address, masked (an `email` factor). */
  maskedEmail?: string;
  /** A STOP reply, or an undeliverable number or address. */
  reason: InvalidReason;
  /** What told mfakit: a STOP reply (`handleOptOut`), a sender's refusal, or a delivery report. */
  source?: 'opt_out' | 'send' | 'report';
  /** For a sender's refusal or a report: the provider's reason (`'landline'`, `'opted_out'`, ...). */
  deliveryReason?: DeliveryFailureReason;
  /** For a sender's refusal or a report: the provider's error code, when it gave one. */
  providerCode?: string;
}

/**
 * Payload of `preferred.changed`.
 *
 * @example
 * ```ts
 * mfa.on('preferred.changed', (e: PreferredChangedEvent) => audit('preferred', e.factorId));
 * ```
 */
export interface PreferredChangedEvent extends UserEvent {
  /** The new preferred factor; `null` when cleared. */
  factorId: string | null;
}

/**
 * Payload of `exception.added`.
 *
 * @example
 * ```ts
 * mfa.on('exception.added', (e: ExceptionAddedEvent) => audit('exception', e.userId, e.addedBy, e.reason));
 * ```
 */
export interface ExceptionAddedEvent extends UserEvent, AdminAudit {
  /** Who added the entry (the same as `by`). */
  addedBy: string;
  /** Who added the entry. */
  by: string;
  /** Why. */
  reason: string;
  /** When the entry stops applying. */
  expiresAt?: number;
}

/**
 * Payload of `exception.removed`.
 *
 * @example
 * ```ts
 * mfa.on('exception.removed', (e: ExceptionRemovedEvent) => audit('exception removed', e.userId, e.by, e.reason));
 * ```
 */
export interface ExceptionRemovedEvent extends UserEvent, AdminAudit {
  /** Whether there was an entry to remove. */
  removed: boolean;
}

/**
 * Payload of `user.unlocked` (an admin unlock).
 *
 * @example
 * ```ts
 * mfa.on('user.unlocked', (e: UserUnlockedEvent) => audit('unlocked', e.userId, e.by ?? 'unknown admin', e.reason));
 * ```
 */
export interface UserUnlockedEvent extends UserEvent, AdminAudit {
  /** Whether the user was locked. */
  wasLocked: boolean;
}

/**
 * Payload of `channel.changed`: emitted by the instance that made the switch (every other
 * instance on the store obeys it at its next call, without an event).
 *
 * @example
 * ```ts
 * mfa.on('channel.changed', (e: ChannelChangedEvent) => audit(`${e.channel} ${e.enabled ? 'on' : 'off'}`, e.by, e.reason));
 * ```
 */
export interface ChannelChangedEvent extends AdminAudit {
  /** The channel switched. */
  channel: Channel;
  /** Whether it is on now. */
  enabled: boolean;
}

/**
 * Every event mfakit emits, with its payload. Payloads carry masked numbers and ids,
 * never a code or a full number.
 *
 * @example
 * ```ts
 * mfa.on('user.locked', (e) => audit.log('locked', e.userId, e.lockedUntil));
 * ```
 */
export interface MfaEventMap {
  /** A code was handed to the sender and accepted. */
  'code.sent': CodeSentEvent;
  /** The sender rejected a message (or the destination's budget ran out after the commit). */
  'delivery.failed': DeliveryFailedEvent;
  /** A provider's delivery report arrived for a code mfakit sent (`mfa.handleDeliveryReport`). */
  'delivery.reported': DeliveryReportedEvent;
  /** A code was accepted. */
  'verification.succeeded': VerificationSucceededEvent;
  /** A code was refused. */
  'verification.failed': VerificationFailedEvent;
  /** The last try of a code was used (or a lock killed it): a new one must be requested. */
  'code.exhausted': CodeExhaustedEvent;
  /** The user was locked. */
  'user.locked': UserLockedEvent;
  /** An admin cleared the lock and the counters. */
  'user.unlocked': UserUnlockedEvent;
  /** An enrollment was confirmed. */
  'factor.enrolled': FactorEnrolledEvent;
  /** A factor was removed. */
  'factor.removed': FactorRemovedEvent;
  /** A factor stopped being usable (STOP reply, undeliverable number or address). */
  'factor.invalidated': FactorInvalidatedEvent;
  /** A new set of backup codes was generated (the earlier set stopped working). */
  'backup.generated': BackupGeneratedEvent;
  /** A backup code was used and 2 or fewer are left. */
  'backup.low': BackupLowEvent;
  /** Every trusted device of a user stopped being trusted (`revokeTrustedDevices`). */
  'devices.revoked': DevicesRevokedEvent;
  /** The preferred factor changed. */
  'preferred.changed': PreferredChangedEvent;
  /** A user was put on the exception list. */
  'exception.added': ExceptionAddedEvent;
  /** A user was taken off the exception list. */
  'exception.removed': ExceptionRemovedEvent;
  /** A channel was switched on or off. */
  'channel.changed': ChannelChangedEvent;
}

/**
 * Name of an mfakit event.
 *
 * @example
 * ```ts
 * const names: MfaEventName[] = ['code.sent', 'user.locked'];
 * ```
 */
export type MfaEventName = keyof MfaEventMap;

/**
 * A listener of event `K`.
 *
 * @example
 * ```ts
 * const onLock: MfaListener<'user.locked'> = (e) => console.warn(e.userId);
 * ```
 */
export type MfaListener<K extends MfaEventName> = (payload: MfaEventMap[K]) => void;

/**
 * The emitter behind `mfa.on`. Listeners are guarded: one that throws is reported on
 * stderr and never breaks the operation nor the listeners after it.
 * @internal
 */
export class MfaEmitter {
  // Untyped inside: the typed surface is this class's methods.
  readonly #ee = new EventEmitter();
  readonly #guards = new WeakMap<object, (payload: unknown) => void>();

  #guard<K extends MfaEventName>(name: K, fn: MfaListener<K>): MfaListener<K> {
    let g = this.#guards.get(fn) as MfaListener<K> | undefined;
    if (!g) {
      g = (payload) => {
        try {
          fn(payload);
        } catch (err) {
          console.error(`[mfakit] a '${name}' listener threw; the operation is not affected:`, err);
        }
      };
      this.#guards.set(fn, g as (payload: unknown) => void);
    }
    return g;
  }

  on<K extends MfaEventName>(name: K, fn: MfaListener<K>): void {
    this.#ee.on(name, this.#guard(name, fn));
  }

  once<K extends MfaEventName>(name: K, fn: MfaListener<K>): void {
    this.#ee.once(name, this.#guard(name, fn));
  }

  off<K extends MfaEventName>(name: K, fn: MfaListener<K>): void {
    const g = this.#guards.get(fn);
    if (g) this.#ee.off(name, g);
  }

  emit<K extends MfaEventName>(name: K, payload: MfaEventMap[K]): void {
    this.#ee.emit(name, payload);
  }

  /** Whether anyone listens to `name` (a hot path builds a payload only then). */
  listens(name: MfaEventName): boolean {
    return this.#ee.listenerCount(name) > 0;
  }
}
