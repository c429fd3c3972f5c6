import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The README's quickstart, with `mfakit/*` pointed at this checkout's sources. */
function quickstart(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /## Quickstart[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README has no js quickstart block');
  const paths: Record<string, string> = {
    mfakit: 'src/index.ts',
    'mfakit/memory': 'src/memory.ts',
    'mfakit/senders': 'src/senders.ts',
  };
  return block.replace(/from '(mfakit(?:\/\w+)?)'/g, (_m, spec: string) => {
    const target = paths[spec];
    if (!target) throw new Error(`unmapped import ${spec}`);
    return `from ${JSON.stringify(join(root, target))}`;
  });
}

describe('README quickstart', () => {
  it('runs as written: enrolls, confirms, challenges and verifies with the printed codes', async () => {
    const dir = join(root, 'test-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'readme-quickstart.mts');
    writeFileSync(file, quickstart());
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const answered = new Set<number>();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const prompts = out.split('Code: ').length - 1;
      if (prompts > answered.size) {
        const codes = [...out.matchAll(/NOT DELIVERED\][^\n]*\n\s*(\d{6})/g)].map((m) => m[1]);
        answered.add(prompts);
        child.stdin.write(`${codes[codes.length - 1]}\n`);
      }
    });
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.match(/ok: true/g)).toHaveLength(4);
    expect(out).toContain("maskedPhone: '+1 ••• ••• 2671'");
    expect(out).toContain("purpose: 'sign_in'");
  });
});
