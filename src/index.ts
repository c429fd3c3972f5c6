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
export { createMfa, Mfa, type EnrollNumberOptions, type ExceptionList } from './flows/mfa.js';
export { MfaError, type MfaErrorCode } from './config/errors.js';
export type {
  AdminAudit,
  BackupGeneratedEvent,
  BackupLowEvent,
  ChannelChangedEvent,
  CodeExhaustedEvent,
  CodeSentEvent,
  DeliveryFailedEvent,
  DeliveryReportedEvent,
  ExceptionAddedEvent,
  ExceptionRemovedEvent,
  FactorEnrolledEvent,
  FactorEvent,
  FactorInvalidatedEvent,
  FactorRemovedEvent,
  MfaEventMap,
  MfaEventName,
  MfaListener,
  PreferredChangedEvent,
  UserEvent,
  UserLockedEvent,
  UserUnlockedEvent,
  VerificationFailedEvent,
  VerificationSucceededEvent,
} from './config/events.js';
export { describeFailure, type DescribeLocale } from './config/describe.js';
export {
  DEFAULT_EMAIL_TEMPLATES,
  DEFAULT_TEMPLATES,
  DEFAULT_VOICE_TEMPLATES,
  type EmailTemplate,
  type PurposeTemplates,
  type ShippedTemplates,
} from './config/messages.js';
export { maskEmail } from './config/email.js';
export type { IsAdmin, MfaOptions, MfaPolicy, PhoneCheck, PolicyDecision, SignInContext } from './config/options.js';
export type { RiskCheck, RiskContext, RiskVerdict } from './config/risk.js';
export { maskPhone, type CountryCode } from './config/phone.js';
export { DEFAULTS, type Policy } from './core/policy.js';
export type { ExceptionInput } from './flows/exceptions.js';
export type { TotpEnrollment } from './flows/totp.js';
export type { BackupCodes } from './flows/backup.js';
export type { AddVerifiedError, VerifiedBy, VerifiedDestination, VerifiedFactor } from './flows/provision.js';
export type { DeliveryReportHandled, DeliveryReportInput } from './flows/delivery-reports.js';
export type { DevicesRevoked, RequiresMfaContext, VerifyOptions } from './flows/devices.js';
export type { LockAudit, UserLocked } from './flows/admin-lock.js';
export type { DevicesRevokedEvent } from './config/events.js';
export type { ChannelSwitched } from './flows/settings.js';
export type { ChannelSetting, MfaSettings } from './core/settings.js';
export type { AuditInput } from './core/audit.js';
export type {
  Clock,
  CombinedStore,
  CommitResult,
  FactorStore,
  FactorTouch,
  SendReceipt,
  EmailMessage,
  EmailSender,
  SmsMessage,
  SmsSender,
  VoiceMessage,
  VoiceSender,
  StateStore,
  StateWrite,
  Stores,
  UserSnapshot,
  UserSnapshotWith,
  VersionedRecord,
} from './ports/index.js';
export { systemClock } from './ports/index.js';
export type {
  CodeSent,
  ExceptionAdded,
  ExceptionRemoved,
  AppChallenge,
  ChallengeError,
  ConfirmEnrollmentError,
  EnrollEmailError,
  EnrollError,
  Failure,
  FailureCode,
  FailureDetails,
  FactorList,
  FactorRemoved,
  MfaRequirement,
  MfaStatus,
  Ok,
  OptOutHandled,
  PreferredChanged,
  ResendError,
  Result,
  SendError,
  Unlocked,
  Verified,
  VerifyError,
} from './core/outcomes.js';
export { CHANNELS, type Channel, type ExceptionEntry, type Factor, type FactorStatus, type FactorView, type InvalidReason, type Purpose, type UnusableReason } from './core/types.js';
