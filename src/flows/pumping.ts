/**
 * The SMS-pumping defences a send passes after its user's record is committed and before the
 * message goes out: the number's prefix budget, the client IP's budget, the host's
 * `riskCheck`, then the deployment's global cap. Each budget counts atomically across
 * processes (`store/budgets.ts`); a refusal gives back what was already counted, so a send
 * refused anywhere is charged nowhere.
 * @internal
 * @module
 */
import { ipBudgetKey } from '../config/ip.js';
import type { RiskContext, RiskVerdict } from '../config/risk.js';
import type { Failure } from '../core/outcomes.js';
import type { Factor, Purpose } from '../core/types.js';
import { type Counted, countGlobal, countWindow } from '../store/budgets.js';
import type { Context } from './context.js';

/** What the defences know of one send. */
export interface SendFacts {
  readonly userId: string;
  readonly factor: Factor;
  readonly purpose: Purpose;
  /** The number's prefix (`+1 415555`), for `sms` and `voice`. */
  readonly prefix?: string | undefined;
  /** The number's country, when known. */
  readonly country?: string | undefined;
  /** The client IP the caller passed. */
  readonly ip?: string | undefined;
}

/** A refusal of the defences, with what `delivery.failed` says about it. */
export type PumpingRefusal =
  | { readonly failure: Failure<'send_limit_reached'>; readonly event: 'prefix_limit' | 'ip_limit' | 'global_limit' }
  | { readonly failure: Failure<'send_refused'>; readonly event: 'risk_refused'; readonly errorName?: string };

/** Longest reason of a `riskCheck` refusal that is passed on. */
const MAX_RISK_REASON = 200;

/**
 * Whether any defence applies to this send (a prefix or IP budget, `riskCheck`, the global
 * cap). When none does, the send skips {@link passDefences} altogether (its fast path).
 */
export function anyDefence(ctx: Context, send: Pick<SendFacts, 'prefix' | 'ip'>): boolean {
  const p = ctx.policy;
  return (send.prefix !== undefined && p.sendsPerPrefix !== null) || (send.ip !== undefined && p.sendsPerIp !== null) || Boolean(ctx.options.riskCheck) || p.globalCap !== null;
}

/**
 * Runs the defences in order; each counted send is pushed onto `counted` (the caller gives
 * them back, last first, when the send does not go out). Resolves the first refusal, or
 * `undefined` when the send may go out.
 */
export async function passDefences(ctx: Context, send: SendFacts, counted: Counted[]): Promise<PumpingRefusal | undefined> {
  const p = ctx.policy;
  if (send.prefix !== undefined && p.sendsPerPrefix !== null) {
    const r = await countWindow(ctx, 'prefix', ctx.hasher.budgetKey('prefix', send.prefix), p.sendsPerPrefix, p.sendWindowMs);
    if (!r.ok) return { failure: r, event: 'prefix_limit' };
    counted.push(r);
  }
  if (send.ip !== undefined && p.sendsPerIp !== null) {
    const r = await countWindow(ctx, 'ip', ctx.hasher.budgetKey('ip', ipBudgetKey(send.ip)), p.sendsPerIp, p.sendWindowMs);
    if (!r.ok) return { failure: r, event: 'ip_limit' };
    counted.push(r);
  }
  const risk = await riskVerdict(ctx, send);
  if (risk) return risk;
  if (p.globalCap !== null) {
    const r = await countGlobal(ctx, p.globalCap, p.sendWindowMs);
    if (!r.ok) return { failure: r, event: 'global_limit' };
    counted.push(r);
  }
  return undefined;
}

/** Asks the host's `riskCheck`, if any; anything but `{ allow: true }` refuses (fails closed). */
async function riskVerdict(ctx: Context, send: SendFacts): Promise<PumpingRefusal | undefined> {
  const hook = ctx.options.riskCheck;
  if (!hook) return undefined;
  const f = send.factor;
  const context: RiskContext = {
    userId: send.userId,
    factorId: f.id,
    channel: f.channel as RiskContext['channel'],
    purpose: send.purpose,
    ...(f.phone !== undefined ? { phone: f.phone } : {}),
    ...(f.email !== undefined ? { email: f.email } : {}),
    ...(send.country !== undefined ? { countryCode: send.country } : {}),
    ...(send.ip !== undefined ? { ip: send.ip } : {}),
  };
  let verdict: unknown;
  try {
    verdict = await hook(context);
  } catch (err) {
    return { failure: { ok: false, error: 'send_refused', reason: 'risk_check_failed' }, event: 'risk_refused', errorName: err instanceof Error ? err.name : typeof err };
  }
  const v = readVerdict(verdict);
  if (v === undefined) return { failure: { ok: false, error: 'send_refused', reason: 'risk_check_failed' }, event: 'risk_refused' };
  if (v.allow) return undefined;
  return { failure: { ok: false, error: 'send_refused', ...(v.reason !== undefined ? { reason: v.reason } : {}) }, event: 'risk_refused' };
}

/** A verdict read once into plain values, or `undefined` when it is not one. */
function readVerdict(raw: unknown): RiskVerdict | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { allow, reason } = raw as { allow?: unknown; reason?: unknown };
  if (allow === true) return { allow: true };
  if (allow !== false) return undefined;
  // A reason is passed on only when it is short printable text.
  // eslint-disable-next-line no-control-regex
  const ok = typeof reason === 'string' && reason.length > 0 && reason.length <= MAX_RISK_REASON && !/[\u0000-\u001f\u007f]/.test(reason);
  return ok ? { allow: false, reason } : { allow: false };
}

/** Gives back every counted send, last first; the first failure is rethrown after all were tried. */
export async function giveBack(counted: Counted[]): Promise<void> {
  let failed: unknown;
  for (const c of counted.splice(0).reverse()) {
    try {
      await c.release();
    } catch (err) {
      failed ??= err;
    }
  }
  if (failed !== undefined) throw failed;
}
