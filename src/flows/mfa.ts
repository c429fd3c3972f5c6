/**
 * The facade: validates arguments, then runs a flow (load, decide in core, commit, then
 * send or emit). It holds no rule of its own.
 * @module
 */
import type { CountryCode } from 'libphonenumber-js';
import { MfaError } from '../config/errors.js';
import { ipArgument } from '../config/ip.js';
import { MfaEmitter, type MfaEventName, type MfaListener } from '../config/events.js';
import { type MfaOptions, parseOptions, policyOf } from '../config/options.js';
import { auditInput, locale, loose, MAX_REASON_LENGTH, options, purposeOf, text } from '../config/validate.js';
import type {
  AppChallenge, ChallengeError, CodeSent, EnrollEmailError, EnrollError, ExceptionAdded, ExceptionRemoved, FactorList, FactorRemoved, MfaRequirement, MfaStatus, Ok,
  OptOutHandled, PreferredChanged, ResendError, Result, Unlocked, Verified, VerifyError, ConfirmEnrollmentError,
} from '../core/outcomes.js';
import type { AuditInput } from '../core/audit.js';
import type { Policy } from '../core/policy.js';
import type { MfaSettings } from '../core/settings.js';
import { CHANNELS, type Channel, type ExceptionEntry, type Purpose } from '../core/types.js';
import { CodeHasher } from '../factors/code.js';
import { DeviceSigner } from '../factors/device-token.js';
import { SecretBox } from '../factors/secret-box.js';
import { codeKinds } from '../factors/index.js';
import { systemClock } from '../ports/clock.js';
import { createGateway } from '../store/gateway.js';
import { getStatus, unlock } from './admin.js';
import { type AddVerifiedError, addVerifiedFactor, type VerifiedBy, type VerifiedDestination, type VerifiedFactor } from './provision.js';
import { type BackupCodes, generateBackupCodes } from './backup.js';
import type { Context } from './context.js';
import { type DeliveryReportHandled, type DeliveryReportInput, handleDeliveryReport, reportOf } from './delivery-reports.js';
import { confirmEnrollment, enrollEmail, enrollNumber } from './enroll.js';
import { activeException, addException, type ExceptionInput, listExceptions, removeException } from './exceptions.js';
import { invalidateNumber, listFactors, removeFactor, setPreferred } from './factors.js';
import { type ChannelSwitched, getSettings, setChannelEnabled } from './settings.js';
import { requiresMfa, resend, startChallenge } from './sign-in.js';
import { enrollTotp, type TotpEnrollment } from './totp.js';
import { verify } from './verify.js';
import { type DevicesRevoked, type RequiresMfaContext, revokeTrustedDevices, trustedRequirement, type VerifyOptions } from './devices.js';
import { type LockAudit, lockUser, type UserLocked } from './admin-lock.js';
import { MAX_DEVICE_TOKEN_LENGTH } from '../core/devices.js';

/**
 * Options of `enrollSms` and `enrollVoice`.
 *
 * @example
 * ```ts
 * const opts: EnrollNumberOptions = { country: 'JP', locale: 'ja' }; // '090-1234-5678' is then read as Japanese
 * ```
 */
export interface EnrollNumberOptions {
  /** Country to read a national-format number in (overrides `phone.defaultCountry`). */
  readonly country?: CountryCode;
  /** Locale of the message. */
  readonly locale?: string;
  /**
   * A number change: the id of the user's confirmed factor this one replaces. Once the new
   * number is confirmed, the old factor is removed (a code sent to it dies with it) and, if it
   * was preferred, the new one is. Until then the old factor keeps working.
   */
  readonly replaces?: string;
  /** The client's IP (IPv4 or IPv6), for the per-IP send budget and `riskCheck`. */
  readonly ip?: string;
}

/**
 * The exception list: users who skip MFA. Admins can never be added.
 *
 * @example
 * ```ts
 * await mfa.exceptions.add('kiosk-7', { by: 'admin-1', reason: 'shared kiosk', expiresAt: Date.now() + 86_400_000 });
 * await mfa.exceptions.has('kiosk-7'); // true
 * ```
 */
export interface ExceptionList {
  /** Adds or replaces an entry; `exception_not_allowed` for admins. */
  add(userId: string, entry: ExceptionInput): Promise<Result<ExceptionAdded, 'exception_not_allowed'>>;
  /** Removes an entry; `audit` (`{ by, reason }`) goes into the `exception.removed` event. */
  remove(userId: string, audit?: AuditInput): Promise<Ok<ExceptionRemoved>>;
  /** Whether an entry applies now. */
  has(userId: string): Promise<boolean>;
  /** Entries that apply now. */
  list(): Promise<ExceptionEntry[]>;
}

/**
 * An mfakit instance. Create it with {@link createMfa}.
 *
 * @example
 * ```ts
 * const res = await mfa.verify(userId, req.body.code);
 * if (res.ok) return signIn(userId);
 * if (res.error === 'code_mismatch') return retry(`${res.attemptsLeft} tries left`);
 * ```
 */
export class Mfa {
  readonly #ctx: Context;
  /** The exception list. */
  readonly exceptions: ExceptionList;

  /**
   * The rule numbers in force (defaults merged with your options), e.g. to show
   * "2 of 4 attempts left" or a cooldown.
   */
  get rules(): Policy {
    return this.#ctx.policy;
  }

  /** @internal use {@link createMfa} */
  constructor(input: MfaOptions) {
    const o = parseOptions(input);
    const secrets = typeof o.secret === 'string' ? [o.secret] : o.secret;
    const kinds = codeKinds(o);
    this.#ctx = {
      options: o,
      policy: policyOf(o),
      store: createGateway(o.stores),
      maxAttempts: o.maxCasAttempts,
      clock: o.clock ?? systemClock,
      hasher: new CodeHasher(secrets),
      devices: new DeviceSigner(secrets),
      box: new SecretBox(secrets),
      events: new MfaEmitter(),
      kinds,
      // An authenticator app and backup codes need no sender: the user holds the code.
      channels: { off: new Set(), withSender: new Set([...(Object.keys(kinds) as Channel[]), 'totp', 'backup']), priority: o.channels.priority },
    };
    const ctx = this.#ctx;
    this.exceptions = {
      add: async (userId, entry) => addException(ctx, text(userId, 'userId'), entry),
      remove: async (userId, audit) => removeException(ctx, text(userId, 'userId'), auditInput(audit)),
      has: async (userId) => (await activeException(ctx, text(userId, 'userId'))) !== null,
      list: async () => listExceptions(ctx),
    };
  }

  /**
   * Starts SMS enrollment: checks the number, sends an enrollment code by text message.
   * Without a number (`enrollSms(userId)`), the user's last confirmed number is enrolled
   * again (or, with `{ replaces }`, the replaced factor's); none → `no_verified_number`.
   *
   * @example
   * ```ts
   * await mfa.enrollSms('u1', '+1 415 555 2671');                        // a new number
   * await mfa.enrollSms('u1');                                           // the last confirmed number, again
   * await mfa.enrollSms('u1', '+1 415 555 0100', { replaces: oldFactorId }); // a number change
   * ```
   */
  async enrollSms(userId: string, phone?: string, opts?: EnrollNumberOptions): Promise<Result<CodeSent, EnrollError>> {
    return this.#enrollNumber('sms', userId, phone, opts);
  }

  /** Starts voice enrollment: checks the number, calls it to say an enrollment code (the number optional, as for `enrollSms`). */
  async enrollVoice(userId: string, phone?: string, opts?: EnrollNumberOptions): Promise<Result<CodeSent, EnrollError>> {
    return this.#enrollNumber('voice', userId, phone, opts);
  }

  #enrollNumber(channel: 'sms' | 'voice', userId: string, phone: string | undefined, opts: unknown): Promise<Result<CodeSent, EnrollError>> {
    const o = options<EnrollNumberOptions>(opts, 'options');
    const country = o.country === undefined ? undefined : (text(o.country, 'country', 2).toUpperCase() as CountryCode);
    const replaces = o.replaces === undefined ? undefined : text(o.replaces, 'replaces');
    return enrollNumber(this.#ctx, text(userId, 'userId'), channel, phone === undefined ? undefined : loose(phone, 'phone'), { country, locale: locale(o.locale), replaces, ip: ipArgument(o.ip) });
  }

  /** Starts email enrollment: checks the address, emails an enrollment code. */
  async enrollEmail(userId: string, email: string, opts?: { locale?: string; ip?: string }): Promise<Result<CodeSent, EnrollEmailError>> {
    const o = options<{ locale: string; ip: string }>(opts, 'options');
    return enrollEmail(this.#ctx, text(userId, 'userId'), loose(email, 'email'), { locale: locale(o.locale), ip: ipArgument(o.ip) });
  }

  /**
   * Adds an authenticator app: a pending TOTP factor, its secret (shown once) and the
   * `otpauth://` URI for a QR code (issuer = `appName`, label = `opts.label` or the user id).
   * The factor turns active when `confirmEnrollment` gets a first code from the app.
   */
  async enrollTotp(userId: string, opts?: { label?: string }): Promise<Result<TotpEnrollment, 'step_up_required'>> {
    const o = options<{ label: string }>(opts, 'options');
    const id = text(userId, 'userId');
    return enrollTotp(this.#ctx, id, o.label === undefined ? id : text(o.label, 'label'));
  }

  /**
   * Generates 10 single-use backup codes (`xxxxx-xxxxx`: no `0 1 i l o`, never all digits)
   * and returns them once; mfakit keeps only keyed hashes. The earlier set, if any, stops
   * working at once. A backup code is entered like any other code: `verify(userId, code)`.
   * The hashes are keyed by `secret`: keep a retired secret in the list while sets
   * generated under it should still work.
   */
  async generateBackupCodes(userId: string): Promise<Result<BackupCodes, 'step_up_required'>> {
    return generateBackupCodes(this.#ctx, text(userId, 'userId'));
  }

  /**
   * Confirms an enrollment code (of the named pending factor, if given); the factor becomes
   * `active`. With `destinations.unique`, `destination_in_use` when another user confirmed
   * the same number or address first (the enrollment is removed).
   */
  async confirmEnrollment(userId: string, code: string, opts?: { factorId?: string }): Promise<Result<Verified, ConfirmEnrollmentError>> {
    const o = options<{ factorId: string }>(opts, 'options');
    const factorId = o.factorId === undefined ? undefined : text(o.factorId, 'factorId');
    return confirmEnrollment(this.#ctx, text(userId, 'userId'), loose(code, 'code'), factorId);
  }

  /**
   * Whether this sign-in needs MFA, by the exception list and the `policy`:
   * `{ required: true }` (start a challenge), `{ required: true, reason: 'must_enroll' }` (no
   * confirmed factor: enroll first), or `{ required: false, reason }` (`'exception'`,
   * `'not_enrolled'` under `'optional'`, `'policy'` when a policy function skipped it).
   * `context.method` (`'password'`, `'sso'`, …) is passed to a policy function.
   * `context.deviceToken` (from a trusting `verify`): a user who would be challenged is
   * `{ required: false, reason: 'trusted_device', trustedUntil }` while the token is valid.
   */
  async requiresMfa(userId: string, context?: RequiresMfaContext): Promise<Ok<MfaRequirement>> {
    const o = options<RequiresMfaContext>(context, 'context');
    const method = o.method === undefined ? undefined : text(o.method, 'method');
    const token = o.deviceToken === undefined ? undefined : loose(o.deviceToken, 'deviceToken');
    if (token !== undefined && token.length > MAX_DEVICE_TOKEN_LENGTH) throw new MfaError('invalid_argument', `deviceToken must be at most ${MAX_DEVICE_TOKEN_LENGTH} characters, got ${token.length}`);
    const id = text(userId, 'userId');
    const res = await requiresMfa(this.#ctx, id, { method });
    return token === undefined ? res : { ok: true, ...(await trustedRequirement(this.#ctx, id, res, token)) };
  }

  /** Sends a sign-in code to the named factor, else the preferred one, else the next usable one. */
  async startChallenge(userId: string, opts?: { factorId?: string; locale?: string; ip?: string }): Promise<Result<CodeSent | AppChallenge, ChallengeError>> {
    const o = options<{ factorId: string; locale: string; ip: string }>(opts, 'options');
    const factorId = o.factorId === undefined ? undefined : text(o.factorId, 'factorId');
    return startChallenge(this.#ctx, text(userId, 'userId'), { factorId, locale: locale(o.locale), ip: ipArgument(o.ip) });
  }

  /**
   * Sends a new code to the factor of the last code of `purpose` (default `'sign_in'`;
   * an enrollment page passes `{ purpose: 'enroll' }`). Never switches purpose: with no
   * code of that purpose, `no_pending_code`. Cooldown and budgets apply.
   */
  async resend(userId: string, opts?: { purpose?: Purpose; locale?: string; ip?: string }): Promise<Result<CodeSent, ResendError>> {
    const o = options<{ purpose: Purpose; locale: string; ip: string }>(opts, 'options');
    const purpose = o.purpose === undefined ? 'sign_in' : purposeOf(o.purpose);
    return resend(this.#ctx, text(userId, 'userId'), { locale: locale(o.locale), purpose, ip: ipArgument(o.ip) });
  }

  /**
   * Verifies a sign-in code (sent to the named factor, if given). With `{ trustDevice: true }`
   * a success also answers `deviceToken` and `deviceTrustedUntil` ("remember this browser").
   */
  async verify(userId: string, code: string, opts?: VerifyOptions): Promise<Result<Verified, VerifyError>> {
    const o = options<VerifyOptions>(opts, 'options');
    const factorId = o.factorId === undefined ? undefined : text(o.factorId, 'factorId');
    if (o.trustDevice !== undefined && typeof o.trustDevice !== 'boolean') throw new MfaError('invalid_argument', 'trustDevice must be a boolean');
    return verify(this.#ctx, text(userId, 'userId'), loose(code, 'code'), factorId, o.trustDevice === true);
  }

  /**
   * Ends the trust of every device of the user ("sign out of all devices", a lost laptop):
   * every device token issued so far stops working. Emits `devices.revoked` with `by`, `at`
   * and `reason` when given.
   *
   * @example
   * ```ts
   * await mfa.revokeTrustedDevices('u1', { by: 'support-7', reason: 'lost laptop' }); // { ok: true, revoked: true }
   * ```
   */
  async revokeTrustedDevices(userId: string, audit?: AuditInput): Promise<Ok<DevicesRevoked>> {
    return revokeTrustedDevices(this.#ctx, text(userId, 'userId'), auditInput(audit));
  }

  /**
   * Admin lock: the user is locked until an admin unlocks (`unlock`), as at the 100-failure
   * ceiling; the live code dies and every trusted device stops being trusted. Emits
   * `user.locked` with `lockedUntil: null`, `by`, `at` and `reason`.
   *
   * @example
   * ```ts
   * await mfa.lock('u1', { by: 'admin-1', reason: 'account reported stolen' }); // { ok: true, wasLocked: false }
   * ```
   */
  async lock(userId: string, audit: LockAudit): Promise<Ok<UserLocked>> {
    const a = options<LockAudit>(audit, 'audit');
    return lockUser(this.#ctx, text(userId, 'userId'), { by: text(a.by, 'by'), reason: text(a.reason, 'reason', MAX_REASON_LENGTH) });
  }

  /** The user's factors, numbers masked. */
  async listFactors(userId: string): Promise<Ok<FactorList>> {
    return { ok: true, factors: await listFactors(this.#ctx, text(userId, 'userId')) };
  }

  /** Marks an active factor preferred (`null` clears the choice). */
  async setPreferred(userId: string, factorId: string | null): Promise<Result<PreferredChanged, 'factor_not_found' | 'factor_invalid'>> {
    return setPreferred(this.#ctx, text(userId, 'userId'), factorId === null ? null : text(factorId, 'factorId'));
  }

  /**
   * Removes a factor; a code sent to it dies with it. Removing a confirmed factor needs a
   * recent sign-in verify (`step_up_required` otherwise), unless an admin does it: pass
   * `{ by, reason }` (they appear in the `factor.removed` event).
   */
  async removeFactor(userId: string, factorId: string, opts?: { by?: string; reason?: string }): Promise<Result<FactorRemoved, 'factor_not_found' | 'step_up_required'>> {
    const o = options<{ by: string; reason: string }>(opts, 'options');
    const admin = o.by === undefined ? undefined : { by: text(o.by, 'by'), reason: o.reason === undefined ? undefined : text(o.reason, 'reason', MAX_REASON_LENGTH) };
    if (!admin && o.reason !== undefined) throw new MfaError('invalid_argument', 'reason is for an admin removal: pass by as well');
    return removeFactor(this.#ctx, text(userId, 'userId'), text(factorId, 'factorId'), admin);
  }

  /**
   * Binds a number or an address the host has already verified (at sign-up, from an HR
   * system, by an admin) as an active factor, with no code sent: checked like an enrollment
   * (a landline or a number from a country not allowed is refused), no step-up (the host
   * vouches), and audited: `factor.enrolled` carries `by` and `reason`.
   */
  async addVerifiedFactor(userId: string, destination: VerifiedDestination, audit: VerifiedBy): Promise<Result<VerifiedFactor, AddVerifiedError>> {
    const id = text(userId, 'userId');
    const d = options<{ phone: string; email: string; channel: string; country: string }>(destination, 'destination');
    const a = options<VerifiedBy>(audit, 'audit');
    const by = { by: text(a.by, 'by'), reason: text(a.reason, 'reason', MAX_REASON_LENGTH) };
    if ((d.phone === undefined) === (d.email === undefined)) throw new MfaError('invalid_argument', 'destination must have a phone or an email (one of them)');
    if (d.email !== undefined) return addVerifiedFactor(this.#ctx, id, { email: loose(d.email, 'email') }, by);
    if (d.channel !== undefined && d.channel !== 'sms' && d.channel !== 'voice') throw new MfaError('invalid_argument', "channel must be 'sms' or 'voice'");
    const country = d.country === undefined ? undefined : (text(d.country, 'country', 2).toUpperCase() as CountryCode);
    return addVerifiedFactor(this.#ctx, id, { phone: loose(d.phone, 'phone'), channel: d.channel ?? 'sms', country }, by);
  }

  /** A STOP reply from the provider: every factor on the number becomes `invalid`. */
  async handleOptOut(phoneNumber: string): Promise<Result<OptOutHandled, 'invalid_phone_number'>> {
    return invalidateNumber(this.#ctx, loose(phoneNumber, 'phoneNumber'), 'opt_out');
  }

  /**
   * A provider's delivery report (a status callback), after your webhook route has checked
   * its signature: pass what `parseTwilioStatus` / `parseVonageStatus` return, or at least
   * `{ messageId, status, errorCode? }`. Needs `createMfa({ deliveryReports: true })`, so
   * each send records whose message it was (for 24 h, under a keyed hash of the id);
   * otherwise it throws `MfaError('invalid_options')`.
   *
   * A matched report emits `delivery.reported` (support can see that a code reached the
   * phone). A `failed` report whose `reason` says the destination cannot receive
   * (`invalid_number`, `landline`, `opted_out`, `blocked`, `unreachable`, ...; not when
   * `permanent` is `false`) makes the factor `invalid` and emits `factor.invalidated`, if it
   * is still the factor and number the message went to: the next sign-in falls back to
   * another factor. An unknown or expired message id resolves `{ ok: true, matched: false }`
   * (answer the provider 2xx anyway). A malformed report throws `MfaError('invalid_argument')`.
   *
   * @example
   * ```ts
   * import { parseTwilioStatus, verifyTwilioSignature } from 'mfakit/senders';
   * app.post('/webhooks/twilio/status', express.urlencoded({ extended: false }), async (req, res) => {
   *   const url = `https://example.com${req.originalUrl}`;
   *   if (!verifyTwilioSignature({ authToken, url, params: req.body, signature: req.get('X-Twilio-Signature') ?? '' })) return res.sendStatus(403);
   *   const report = parseTwilioStatus(req.body);
   *   if (report) await mfa.handleDeliveryReport(report); // { ok: true, matched: true, invalidated: 'undeliverable' }
   *   res.sendStatus(204);
   * });
   * ```
   */
  async handleDeliveryReport(report: DeliveryReportInput): Promise<Ok<DeliveryReportHandled>> {
    return { ok: true, ...(await handleDeliveryReport(this.#ctx, reportOf(report))) };
  }

  /**
   * Admin unlock: clears the lock and the failure counters. `audit` (`{ by, reason }`) goes,
   * with the time, into the `user.unlocked` event.
   */
  async unlock(userId: string, audit?: AuditInput): Promise<Ok<Unlocked>> {
    return unlock(this.#ctx, text(userId, 'userId'), auditInput(audit));
  }

  /** Lock, counters, pending code, send budget and factors of a user. */
  async getStatus(userId: string, opts?: { purpose?: Purpose }): Promise<Ok<MfaStatus>> {
    const o = options<{ purpose: Purpose }>(opts, 'options');
    return { ok: true, ...(await getStatus(this.#ctx, text(userId, 'userId'), o.purpose === undefined ? undefined : purposeOf(o.purpose))) };
  }

  /**
   * Switches a channel on or off (e.g. SMS off during a carrier outage) for **every instance
   * on the same store**: the switch is a shared setting, read by each challenge, so another
   * process obeys it at its next call. Challenges then fall back to the user's next usable
   * factor. `audit` (`{ by, reason }`) is kept with the setting (`getSettings()`) and goes,
   * with the time, into the `channel.changed` event this instance emits.
   *
   * @example
   * ```ts
   * await mfa.setChannelEnabled('sms', false, { by: 'ops-1', reason: 'carrier outage, ticket #88' });
   * (await mfa.getSettings()).channels.sms; // { enabled: false, changedBy: 'ops-1', changedAt: …, reason: 'carrier outage, ticket #88' }
   * ```
   */
  async setChannelEnabled(channel: Channel, enabled: boolean, audit?: AuditInput): Promise<Ok<ChannelSwitched>> {
    if (!CHANNELS.includes(channel)) {
      throw new MfaError('invalid_argument', `channel must be one of ${CHANNELS.join(', ')}`);
    }
    if (typeof enabled !== 'boolean') throw new MfaError('invalid_argument', 'enabled must be a boolean');
    return { ok: true, ...(await setChannelEnabled(this.#ctx, channel, enabled, auditInput(audit))) };
  }

  /**
   * The shared settings, as every instance on the store sees them now: each channel's
   * switch, with who changed it, when and why.
   *
   * @example
   * ```ts
   * const { channels } = await mfa.getSettings();
   * if (!channels.sms.enabled) console.log(`SMS off since ${new Date(channels.sms.changedAt ?? 0).toISOString()} (${channels.sms.reason ?? 'no reason'})`);
   * ```
   */
  async getSettings(): Promise<MfaSettings> {
    return getSettings(this.#ctx);
  }

  /** Subscribes to an event. */
  on<K extends MfaEventName>(event: K, listener: MfaListener<K>): this {
    this.#ctx.events.on(event, listener);
    return this;
  }

  /** Subscribes to the next occurrence of an event. */
  once<K extends MfaEventName>(event: K, listener: MfaListener<K>): this {
    this.#ctx.events.once(event, listener);
    return this;
  }

  /** Unsubscribes. */
  off<K extends MfaEventName>(event: K, listener: MfaListener<K>): this {
    this.#ctx.events.off(event, listener);
    return this;
  }
}

/**
 * Creates an mfakit instance. Options are validated once; bad options throw
 * `MfaError('invalid_options')` naming the field.
 *
 * @example
 * ```ts
 * import { createMfa } from 'mfakit';
 * import { memoryStores } from 'mfakit/memory';
 * import { consoleSender } from 'mfakit/senders';
 *
 * const mfa = createMfa({
 *   stores: memoryStores(),
 *   senders: { sms: consoleSender() },
 *   secret: process.env.MFA_SECRET!,
 *   appName: 'Acme',
 * });
 * ```
 */
export function createMfa(options: MfaOptions): Mfa {
  return new Mfa(options);
}
