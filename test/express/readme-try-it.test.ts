/**
 * The "Try it" walkthroughs say what a newcomer will meet: the 30 s wait between codes, the
 * admin's own code, the webhook token, the confirmation steps.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Step `n` of the first numbered list after `## Try it`, whitespace collapsed. */
function step(file: string, n: number): string {
  const text = readFileSync(file, 'utf8');
  const section = text.slice(text.indexOf('## Try it'));
  const m = new RegExp(`\\n${n}\\. ([\\s\\S]*?)(?=\\n\\d+\\. |\\n\\n)`).exec(section);
  if (!m?.[1]) throw new Error(`${file}: no step ${n} under "## Try it"`);
  return m[1].replace(/\s+/g, ' ');
}

describe('README "Try it"', () => {
  it('root step 3 says a new code can be requested only 30 s after the last one', () => {
    expect(step('README.md', 3)).toMatch(/30 s after the last code was sent/);
  });

  it('root step 5 says the admin needs a code too', () => {
    expect(step('README.md', 5)).toMatch(/admin needs a code too/);
  });

  it('example step 8 sends the webhook token (the webhook refuses calls without it)', () => {
    const s = step('examples/express/README.md', 8);
    expect(s).toContain('SMS_WEBHOOK_TOKEN=demo-hook-token npm start');
    expect(s).toContain("'http://127.0.0.1:3000/webhooks/sms?token=demo-hook-token'");
  });
});
