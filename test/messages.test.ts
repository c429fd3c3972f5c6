import { describe, expect, it } from 'vitest';
import { enrolled, setup } from './helpers/setup.js';

describe('messages', () => {
  it('renders the default English templates with app name and minutes', async () => {
    const { mfa, outbox } = await enrolled();
    expect(outbox.messages[0]!.body).toMatch(/^\d{6} is your Acme code to confirm this phone number\. It expires in 10 minutes\.$/);
    await mfa.startChallenge('u1');
    expect(outbox.last()!.body).toMatch(/^\d{6} is your Acme sign-in code\. It expires in 10 minutes\. Never share it\.$/);
  });

  it('uses custom templates by locale, falling back to the language, and adds the origin-bound line', async () => {
    const { mfa, outbox } = setup({
      messages: {
        templates: { fr: { enroll: 'Code {appName} : {code} ({minutes} min)' } },
        origin: 'example.com',
      },
    });
    await mfa.enrollSms('u1', '+14155552671', { locale: 'fr-CA' });
    const m = outbox.last()!;
    expect(m.locale).toBe('fr-CA');
    expect(m.body).toBe(`Code Acme : ${m.code} (10 min)\n\n@example.com #${m.code}`);
  });

  it('refuses a template without {code}', () => {
    expect(() => setup({ messages: { templates: { en: { sign_in: 'no code here' } } } })).toThrow(/messages\.templates\.en\.sign_in/);
  });
});
