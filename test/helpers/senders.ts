/** Recording voice and email senders for tests (the SMS outbox is `outboxSender`). */
import type { EmailMessage, EmailSender, VoiceMessage, VoiceSender } from '../../src/index.js';

/** A sender that records what it is given and can be told to fail once. */
export interface Recorder<M> {
  readonly name: string;
  readonly messages: M[];
  failNext: boolean;
  send(message: M): Promise<{ id: string }>;
  /** The code in the last message (the first run of 6 digits, spaces and commas removed). */
  lastCode(): string;
}

function recorder<M extends object>(name: string, textOf: (m: M) => string): Recorder<M> {
  const r: Recorder<M> = {
    name,
    messages: [],
    failNext: false,
    async send(message) {
      if (r.failNext) {
        r.failNext = false;
        throw new Error(`${name} told to fail`);
      }
      r.messages.push(message);
      return { id: `${name}-${r.messages.length}` };
    },
    lastCode() {
      const last = r.messages[r.messages.length - 1];
      const digits = last ? /\d(?:[ ,]*\d){5}/.exec(textOf(last))?.[0] : undefined;
      return digits ? digits.replace(/\D/g, '') : '';
    },
  };
  return r;
}

export const emailRecorder = (): Recorder<EmailMessage> & EmailSender => recorder<EmailMessage>('mail', (m) => m.text);
export const voiceRecorder = (): Recorder<VoiceMessage> & VoiceSender => recorder<VoiceMessage>('voice', (m) => m.text);
