/**
 * Typed events. Payloads carry masked numbers and ids, never a code or a full number.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { FailureCode } from './results.js';
import type { Channel, Purpose } from './types.js';

/**
 * Every event mfakit emits, with its payload.
 *
 * @example
 * ```ts
 * mfa.on('user.locked', (e) => audit.log('locked', e.userId, e.lockedUntil));
 * ```
 */
export interface MfaEventMap {
  /** A code was handed to the sender and accepted. */
  'code.sent': {
    userId: string; factorId: string; channel: Channel; purpose: Purpose;
    maskedPhone: string; challengeId: string; expiresAt: number; sender: string; messageId: string;
  };
  /** The sender rejected a message (or the destination's budget ran out after the commit). */
  'delivery.failed': {
    userId: string; factorId: string; channel: Channel; purpose: Purpose; maskedPhone: string;
    sender: string; reason: 'sender_error' | 'destination_limit'; errorName?: string;
  };
  /** A code was accepted. */
  'verification.succeeded': { userId: string; factorId: string; channel: Channel; purpose: Purpose };
  /** A code was refused. */
  'verification.failed': {
    userId: string; purpose: Purpose; error: FailureCode; attemptsLeft?: number; failuresLeft?: number;
  };
  /** The last try of a code was used: a new one must be requested. */
  'code.exhausted': { userId: string; factorId: string; purpose: Purpose };
  /** The user was locked; `lockedUntil` is `null` when only an admin can unlock. */
  'user.locked': { userId: string; lockedUntil: number | null; consecutiveFailures: number };
  /** An admin cleared the lock and the counters. */
  'user.unlocked': { userId: string };
  /** An enrollment was confirmed. */
  'factor.enrolled': { userId: string; factorId: string; channel: Channel; maskedPhone?: string };
  /** A factor was removed. */
  'factor.removed': { userId: string; factorId: string; channel: Channel };
  /** A factor stopped being usable (STOP reply, undeliverable number). */
  'factor.invalidated': {
    userId: string; factorId: string; channel: Channel; maskedPhone?: string; reason: 'opt_out' | 'undeliverable';
  };
  /** The preferred factor changed (`null`: cleared). */
  'preferred.changed': { userId: string; factorId: string | null };
  /** A user was put on the exception list. */
  'exception.added': { userId: string; addedBy: string; reason: string; expiresAt?: number };
  /** A user was taken off the exception list. */
  'exception.removed': { userId: string };
  /** A channel was switched on or off. */
  'channel.changed': { channel: Channel; enabled: boolean };
}

/** Name of an mfakit event. */
export type MfaEventName = keyof MfaEventMap;

/** A listener of event `K`. */
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
}
