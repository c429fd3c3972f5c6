/**
 * The README section of the SQL store works as printed: its ```js program runs (`node
 * --import tsx`, SQLite in memory) with status 0, nothing on stderr and the output its
 * comments promise; every block type-checks (strict, the repository's tsconfig and its
 * `paths`, so `mfakit/kysely` is this checkout). The section is read from
 * `notes/README-kysely.md` (the draft) or, once merged, from README.md.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, 'test-results', 'readme-kysely');
const HEADING = '## Running on Postgres/MySQL/SQLite';

function section(): { text: string; from: string } {
  const draft = join(root, 'notes', 'README-kysely.md');
  if (existsSync(draft)) return { text: readFileSync(draft, 'utf8'), from: 'notes/README-kysely.md' };
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(HEADING);
  if (start < 0) throw new Error(`neither notes/README-kysely.md nor a "${HEADING}" section in README.md`);
  const end = readme.indexOf('\n## ', start + HEADING.length);
  return { text: readme.slice(start, end < 0 ? undefined : end), from: 'README.md' };
}

function blocks(markdown: string): { lang: string; code: string }[] {
  const out: { lang: string; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i += 1) body.push(lines[i] ?? '');
    out.push({ lang: open[1] ?? '', code: body.join('\n') });
  }
  return out;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('the SQL store README section', () => {
  const { text, from } = section();
  const code = blocks(text).filter((b) => b.lang === 'js' || b.lang === 'ts');
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`has a runnable program and fragments (${from})`, () => {
    expect(code.filter((b) => b.lang === 'js')).toHaveLength(1);
    expect(code.filter((b) => b.lang === 'ts').length).toBeGreaterThanOrEqual(2);
  });

  it('runs the program as printed: migrate, a status, a sweep', async () => {
    const program = code.find((b) => b.lang === 'js');
    const file = join(dir, 'program.mjs');
    writeFileSync(file, program?.code ?? '');
    const r = await run(['--import', 'tsx', file], { MFA_SECRET: randomBytes(32).toString('base64url') });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain("{ applied: [ '0001_initial', '0002_factor_email' ] }");
    expect(r.stdout).toMatch(/ok: true,\s+locked: false,\s+failures: 0/);
    expect(r.stdout.trimEnd().endsWith('0')).toBe(true);
  });

  it('type-checks every block', async () => {
    code.forEach((b, i) => writeFileSync(join(dir, `block-${i + 1}.ts`), `${b.code}\nexport {};\n`));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true }, include: ['*.ts'] }));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const r = await run([tsc, '--noEmit', '-p', join(dir, 'tsconfig.json'), '--pretty', 'false']);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
