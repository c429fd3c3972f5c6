import { createMfa, type MfaOptions } from '../../src/index.js';
import { memoryStores } from '../../src/adapters/memory/index.js';
import { fakeClock, outboxSender } from '../../src/testing/index.js';

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const PHONE = '+14155552671';

/** A fresh mfakit on memory stores with a fake clock and an outbox. */
export function setup(overrides: Partial<MfaOptions> = {}) {
  const clock = fakeClock();
  const stores = memoryStores({ clock });
  const outbox = outboxSender();
  const mfa = createMfa({ stores, senders: { sms: outbox }, secret: SECRET, appName: 'Acme', clock, ...overrides });
  return { mfa, clock, stores, outbox };
}

/** Enrolls and confirms an SMS factor; leaves the cooldown elapsed. */
export async function enrolled(overrides: Partial<MfaOptions> = {}, userId = 'u1', phone = PHONE) {
  const env = setup(overrides);
  const started = await env.mfa.enrollSms(userId, phone);
  if (!started.ok) throw new Error(`enroll failed: ${started.error}`);
  const confirmed = await env.mfa.confirmEnrollment(userId, env.outbox.last()!.code!);
  if (!confirmed.ok) throw new Error(`confirm failed: ${confirmed.error}`);
  env.clock.advance(30_000);
  return { ...env, factorId: confirmed.factorId };
}

/** A well-formed code that is not `right`. */
export function wrong(right: string): string {
  return right === '000000' ? '111111' : '000000';
}

/** The success of a result, or a thrown error naming the refusal (for steps a test relies on). */
export function must<R extends { readonly ok: boolean; readonly error?: string }>(res: R): Extract<R, { ok: true }> {
  if (!res.ok) throw new Error(`expected ok, got ${res.error ?? 'a refusal'}`);
  return res as Extract<R, { ok: true }>;
}
