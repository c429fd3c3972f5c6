/**
 * mfakit: SMS multi-factor authentication for Node.js auth servers.
 *
 * @example
 * ```ts
 * import { createMfa } from 'mfakit';
 * import { memoryStores } from 'mfakit/memory';
 * import { consoleSender } from 'mfakit/senders';
 *
 * const mfa = createMfa({ stores: memoryStores(), senders: { sms: consoleSender() }, secret: process.env.MFA_SECRET! });
 * await mfa.enrollSms('u1', '+1 415 555 2671');
 * ```
 * @module
 */
export { createMfa, Mfa, type ExceptionList } from './mfa.js';
export { MfaError, type MfaErrorCode } from './errors.js';
export type {
  ChannelChangedEvent,
  CodeExhaustedEvent,
  CodeSentEvent,
  DeliveryFailedEvent,
  ExceptionAddedEvent,
  FactorEnrolledEvent,
  FactorEvent,
  FactorInvalidatedEvent,
  MfaEventMap,
  MfaEventName,
  MfaListener,
  PreferredChangedEvent,
  UserEvent,
  UserLockedEvent,
  VerificationFailedEvent,
  VerificationSucceededEvent,
} from './events.js';
export {
  DEFAULT_CHANNEL_PRIORITY,
  DEFAULT_CODE_LENGTH,
  DEFAULT_CODE_TTL_MS,
  DEFAULT_COOLDOWN_MS,
  DEFAULT_FAILURE_MEMORY_MS,
  DEFAULT_HARD_LIMIT,
  DEFAULT_LOCK_MS,
  DEFAULT_MAX_CAS_ATTEMPTS,
  DEFAULT_MAX_FAILURES,
  DEFAULT_SEND_WINDOW_MS,
  DEFAULT_SENDS_PER_DESTINATION,
  DEFAULT_SENDS_PER_USER,
  DEFAULT_TEMPLATES,
  DEFAULT_TRIES_PER_CODE,
  MIN_SECRET_LENGTH,
  type IsAdmin,
  type MfaOptions,
  type PhoneCheck,
  type Policy,
} from './options.js';
export type { ExceptionInput } from './ops/exceptions.js';
export { maskPhone } from './phone.js';
export type {
  Clock,
  CombinedStore,
  CommitResult,
  FactorStore,
  FactorTouch,
  SendReceipt,
  SmsMessage,
  SmsSender,
  StateStore,
  StateWrite,
  Stores,
  UserSnapshot,
  VersionedRecord,
} from './ports/index.js';
export { systemClock } from './ports/index.js';
export type {
  CodeSent,
  ExceptionAdded,
  ExceptionRemoved,
  Failure,
  FailureCode,
  FactorList,
  FactorRemoved,
  MfaRequirement,
  MfaStatus,
  Ok,
  OptOutHandled,
  PreferredChanged,
  Result,
  Unlocked,
  Verified,
} from './results.js';
export type { Channel, ExceptionEntry, Factor, FactorStatus, FactorView, Purpose } from './types.js';
