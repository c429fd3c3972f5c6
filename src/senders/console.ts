import { maskPhone } from '../config/phone.js';
import type { SmsSender } from '../ports/sender.js';

/**
 * A development sender that prints each message to the console, clearly marked so it is
 * never mistaken for a delivery. It prints the code (the number is masked): never use it in production.
 *
 * @example
 * ```ts
 * import { consoleSender } from 'mfakit/senders';
 * const mfa = createMfa({ senders: { sms: consoleSender() }, ...rest });
 * ```
 */
export function consoleSender(options: { write?: (line: string) => void } = {}): SmsSender {
  const write = options.write ?? ((line: string) => console.log(line));
  let n = 0;
  return {
    name: 'console',
    async send({ to, body, purpose }) {
      n += 1;
      write(`[mfakit console sender: DEVELOPMENT ONLY, NOT DELIVERED] ${purpose} SMS to ${maskPhone(to)}:\n  ${body.replace(/\n/g, '\n  ')}`);
      return { id: `console-${n}` };
    },
  };
}
