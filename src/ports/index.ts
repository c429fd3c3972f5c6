export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { FactorStore, Stores } from './factor-store.js';
export type { EmailMessage, EmailSender, SendReceipt, SmsMessage, SmsSender, VoiceMessage, VoiceSender } from './sender.js';
export type { StateStore, VersionedRecord } from './state-store.js';
export type { CombinedStore, CommitResult, FactorTouch, StateWrite, UserSnapshot, UserSnapshotWith } from './combined-store.js';
