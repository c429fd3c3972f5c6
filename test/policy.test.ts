import { describe, expect, it } from 'vitest';
import type { MfaOptions, MfaRequirement } from '../src/index.js';
import { setup } from './helpers/setup.js';

type Policy = NonNullable<MfaOptions['policy']>;
type User = 'enrolled' | 'not enrolled' | 'only pending' | 'only invalid (STOP)' | 'excepted' | 'excepted, now admin';

const admins = new Set(['boss']);
const ssoSkips: Policy = (_userId, { method }) => (method === 'sso' ? 'skip' : 'required');

/** A user in the given situation; returns the id to ask about. */
async function arrange(env: ReturnType<typeof setup>, user: User): Promise<string> {
  const { mfa, outbox } = env;
  const enroll = async (id: string, phone: string) => {
    await mfa.enrollSms(id, phone);
    const confirmed = await mfa.confirmEnrollment(id, outbox.last()?.code ?? '');
    if (!confirmed.ok) throw new Error(confirmed.error);
  };
  switch (user) {
    case 'enrolled':
      await enroll('ada', '+14155552671');
      return 'ada';
    case 'not enrolled':
      return 'bob';
    case 'only pending':
      await mfa.enrollSms('cy', '+14155552672');
      return 'cy';
    case 'only invalid (STOP)':
      await enroll('dee', '+14155552673');
      await mfa.handleOptOut('+14155552673');
      return 'dee';
    case 'excepted':
      await mfa.exceptions.add('eve', { by: 'root', reason: 'kiosk' });
      return 'eve';
    case 'excepted, now admin':
      await mfa.exceptions.add('boss', { by: 'root', reason: 'kiosk' }).catch(() => undefined); // refused: an admin
      await env.stores.factors.putException({ userId: 'boss', addedBy: 'root', addedAt: env.clock.now(), reason: 'added before promotion' });
      return 'boss';
  }
}

const REQUIRED = { required: true } as const;
const ENROLL = { required: true, reason: 'must_enroll' } as const;
const OFF = { required: false, reason: 'not_enrolled' } as const;
const EXCEPTED = { required: false, reason: 'exception' } as const;
const SKIPPED = { required: false, reason: 'policy' } as const;

describe('policy × user × sign-in method → requiresMfa', () => {
  it.each<[string, User, string | undefined, Partial<MfaRequirement>, Policy | undefined]>([
    ['default (required)', 'enrolled', undefined, REQUIRED, undefined],
    ['default (required)', 'not enrolled', undefined, ENROLL, undefined],
    ['default (required)', 'only pending', undefined, ENROLL, undefined],
    ['default (required)', 'only invalid (STOP)', undefined, REQUIRED, undefined],
    ['default (required)', 'excepted', undefined, EXCEPTED, undefined],
    ['default (required)', 'excepted, now admin', undefined, ENROLL, undefined],
    ['required', 'enrolled', 'sso', REQUIRED, 'required'],
    ['required', 'not enrolled', 'sso', ENROLL, 'required'],
    ['optional', 'enrolled', undefined, REQUIRED, 'optional'],
    ['optional', 'not enrolled', undefined, OFF, 'optional'],
    ['optional', 'only pending', undefined, OFF, 'optional'],
    ['optional', 'only invalid (STOP)', undefined, REQUIRED, 'optional'],
    ['optional', 'excepted', undefined, EXCEPTED, 'optional'],
    ['optional', 'excepted, now admin', undefined, OFF, 'optional'],
    ['function', 'enrolled', 'password', REQUIRED, ssoSkips],
    ['function', 'enrolled', 'sso', SKIPPED, ssoSkips],
    ['function', 'not enrolled', 'password', ENROLL, ssoSkips],
    ['function', 'not enrolled', 'sso', SKIPPED, ssoSkips],
    ['function', 'only invalid (STOP)', undefined, REQUIRED, ssoSkips],
    ['function', 'excepted', 'password', EXCEPTED, ssoSkips],
    ['function', 'excepted, now admin', 'password', ENROLL, ssoSkips],
    ['function (per user)', 'not enrolled', undefined, OFF, async (userId) => (userId === 'bob' ? 'optional' : 'required')],
  ])('%s policy, %s user, method %s → %j', async (_name, user, method, expected, policy) => {
    const env = setup({ isAdmin: (id) => admins.has(id), ...(policy ? { policy } : {}) });
    const userId = await arrange(env, user);
    const res = await env.mfa.requiresMfa(userId, method === undefined ? undefined : { method });
    expect(res).toMatchObject({ ok: true, ...expected });
    if (expected.required && !('reason' in expected)) expect(res).toEqual({ ok: true, required: true });
  });

  it('removing the last factor under the default policy leaves the user "must enroll", never "MFA off"', async () => {
    const env = setup();
    const userId = await arrange(env, 'enrolled');
    const [factor] = (await env.mfa.listFactors(userId)).factors;
    expect(await env.mfa.removeFactor(userId, factor?.id ?? '')).toMatchObject({ ok: true });
    expect(await env.mfa.requiresMfa(userId)).toEqual({ ok: true, required: true, reason: 'must_enroll' });
  });

  it('the policy function gets the user and the context; a bad answer is a clear error, not a decision', async () => {
    const seen: unknown[] = [];
    const env = setup({ policy: (userId, context) => (seen.push([userId, context]), 'required') });
    await env.mfa.requiresMfa('ada', { method: 'password' });
    await env.mfa.requiresMfa('bob');
    expect(seen).toEqual([['ada', { method: 'password' }], ['bob', { method: undefined }]]);
    const bad = setup({ policy: () => 'maybe' as 'skip' });
    await expect(bad.mfa.requiresMfa('ada')).rejects.toMatchObject({ code: 'invalid_options' });
    const throwing = setup({ policy: () => Promise.reject(new Error('directory down')) });
    await expect(throwing.mfa.requiresMfa('ada')).rejects.toThrow('directory down');
  });

  it('refuses a policy that is neither a known name nor a function, and a bad context', async () => {
    expect(() => setup({ policy: 'sometimes' as 'required' })).toThrow(expect.objectContaining({ code: 'invalid_options', message: expect.stringContaining('policy') }));
    const { mfa } = setup();
    await expect(mfa.requiresMfa('ada', { method: 42 as unknown as string })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
