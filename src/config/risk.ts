/**
 * The host's risk check before each send (`createMfa({ riskCheck })`): what it is told and
 * what it answers.
 * @module
 */

/**
 * What the {@link RiskCheck} hook is told about a send that every rule and budget allowed.
 * It carries the full number (a SIM-swap lookup needs it; the host owns that data), never
 * the code. mfakit puts the number in no event or result.
 *
 * @example
 * ```ts
 * const send: RiskContext = { userId: 'u1', factorId: 'f_1', channel: 'sms', purpose: 'sign_in', phone: '+14155552671', countryCode: 'US', ip: '203.0.113.7' };
 * ```
 */
export interface RiskContext {
  /** The user the code is for. */
  readonly userId: string;
  /** The factor it goes to. */
  readonly factorId: string;
  /** How it goes: `'sms'`, `'voice'` or `'email'`. */
  readonly channel: 'sms' | 'voice' | 'email';
  /** What the code is for. */
  readonly purpose: 'sign_in' | 'enroll';
  /** The number, E.164 (`sms` and `voice`). */
  readonly phone?: string;
  /** The address (`email`). */
  readonly email?: string;
  /** The number's country (ISO 3166-1 alpha-2), when known. */
  readonly countryCode?: string;
  /** The client IP the caller passed, if any. */
  readonly ip?: string;
}

/**
 * The verdict of a {@link RiskCheck}: allow, or refuse with a short reason (returned to the
 * caller as `send_refused` and put in the `delivery.failed` event: no number in it).
 *
 * @example
 * ```ts
 * const verdict: RiskVerdict = { allow: false, reason: 'sim_swap' };
 * ```
 */
export type RiskVerdict =
  | {
      /** Send the code. */
      readonly allow: true;
    }
  | {
      /** Do not send it: the caller gets `send_refused`. */
      readonly allow: false;
      /** A short reason (at most 200 printable characters), passed on in the result and the event. */
      readonly reason?: string;
    };

/**
 * The host's last word before each code is sent (after the rules and budgets, before the
 * message goes out): e.g. a SIM-swap or fraud-score lookup. A refusal is `send_refused`; a
 * hook that throws or answers anything but a verdict refuses too (fails closed). Either way
 * nothing is sent and nothing is charged.
 *
 * @example
 * ```ts
 * const riskCheck: RiskCheck = async ({ phone, channel }) =>
 *   channel !== 'email' && phone && (await simSwappedWithin(phone, '7d')) ? { allow: false, reason: 'sim_swap' } : { allow: true };
 * ```
 */
export type RiskCheck = (context: RiskContext) => RiskVerdict | Promise<RiskVerdict>;
