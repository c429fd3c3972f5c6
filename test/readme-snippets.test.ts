/**
 * Every code block of the root README is checked, so a reader who copies one gets code that works.
 *
 * The convention, by the block's language tag:
 * - ```js — a complete program. It is run (`node --import tsx`, so `mfakit`, `mfakit/memory`,
 *   `mfakit/redis`, `mfakit/senders` and `mfakit/testing` resolve to this checkout through
 *   tsconfig's `paths`) and must exit with status 0 and print nothing on stderr. It gets
 *   `MFA_SECRET` (a fresh random secret) and, when it imports `mfakit/redis`, `REDIS_URL` (the
 *   test Redis). A program that asks `Code: ` is answered with the last code the console sender
 *   printed. It is also type-checked, as TypeScript, like a fragment.
 * - ```ts — a fragment: a piece of a larger program, type-checked with `tsc` (strict, the
 *   repository's tsconfig) but not run. Its imports are kept and the rest is wrapped in an async
 *   function, so `await` and `return` work. Names a fragment uses without defining (`mfa`,
 *   `userId`, `req`, `showError`, …) come from the prelude below, which declares them the way a
 *   host application would have them; a fragment's own declarations shadow the prelude's.
 *   Relative imports (`./my-stores.js`) get the stub modules of `STUBS`.
 * - ```sh and other languages: exempt.
 *
 * A failure names the block (its number and line in README.md) and says why.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { warnSkipped } from './helpers/redis-server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'test-results', 'readme-snippets');
const redisUrl = inject('redisUrl');

/** A fenced code block of the README. */
interface Block {
  /** 1-based, counting every fenced block. */
  readonly index: number;
  /** Line of the opening fence in README.md. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

/** Every fenced block of `markdown`, in order. */
export function extractBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i += 1) body.push(lines[i] ?? '');
    blocks.push({ index: blocks.length + 1, line: start + 1, lang: open[1] ?? '', code: body.join('\n') });
  }
  return blocks;
}

const name = (b: Block): string => `block ${b.index} (\`\`\`${b.lang}, README.md line ${b.line})`;

/** Names fragments use without defining them, declared as a host application has them. */
const PRELUDE = `import type { Clock as MfakitClock, Mfa, SmsSender as MfakitSmsSender } from 'mfakit';
declare global {
  type SmsSender = MfakitSmsSender;
  type Clock = MfakitClock;
  const mfa: Mfa;
  const userId: string;
  const factorId: string;
  const code: string;
  const phoneNumber: string;
  const user: { readonly id: string };
  const req: { readonly body: { readonly code: string } };
  const provider: { messages: { create(message: { to: string; body: string }): Promise<{ id: string }> } };
  function audit(event: object): void;
  function allUserIds(): Promise<string[]>;
  const metrics: { increment(name: string): void };
  function showError(error: string, retryAfterMs?: number): Response;
  function showCodeForm(maskedPhone: string, resendAfterMs: number): Response;
  function completeSignIn(user: { readonly id: string }): Response;
  function showEnrollment(user: { readonly id: string }): Response;
  function retry(message: string): Response;
  function locked(until: number | null): Response;
}
export {};
`;

/** Stub modules for a fragment's relative imports. */
const STUBS: Record<string, string> = {
  'my-stores.ts': `import type { Stores } from 'mfakit';
export declare function myStores(): Stores;
export declare function wipeMyStores(): Promise<void>;
`,
};

/** A block as a type-checkable module (imports first, the rest inside an async function), with the README line of each of its lines. */
function asModule(b: Block): { text: string; readmeLine: number[] } {
  const imports: [string, number][] = [];
  const rest: [string, number][] = [];
  let inImport = false;
  b.code.split('\n').forEach((line, i) => {
    const at = b.line + 1 + i;
    if (inImport || /^import\s/.test(line)) {
      imports.push([line, at]);
      inImport = !/from\s+['"][^'"]+['"]/.test(line) && !/^import\s+['"]/.test(line);
    } else {
      rest.push([line, at]);
    }
  });
  const lines: [string, number][] = [
    ...imports,
    ['export {};', b.line],
    [`export async function snippet${b.index}() {`, b.line],
    ...rest,
    ['}', b.line],
  ];
  return { text: `${lines.map(([l]) => l).join('\n')}\n`, readmeLine: lines.map(([, at]) => at) };
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; answerCodes?: boolean } = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let prompts = 0;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const asked = stdout.split('Code: ').length - 1;
      if (options.answerCodes && asked > prompts) {
        prompts = asked;
        const codes = [...stdout.matchAll(/NOT DELIVERED\][^\n]*\n\s*(\d{4,10})/g)].map((m) => m[1]);
        child.stdin.write(`${codes[codes.length - 1] ?? ''}\n`);
      }
    });
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

const blocks = extractBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
const programs = blocks.filter((b) => b.lang === 'js');
const fragments = blocks.filter((b) => b.lang === 'ts');

describe('README code blocks', () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  it('has programs and fragments, and no block in a language the convention does not cover', () => {
    expect(programs.length).toBeGreaterThan(0);
    expect(fragments.length).toBeGreaterThan(0);
    const unknown = blocks.filter((b) => !['js', 'ts', 'sh', 'bash', 'text', ''].includes(b.lang)).map(name);
    expect(unknown).toEqual([]);
    expect(blocks.filter((b) => b.lang === '').map(name), 'a block without a language tag').toEqual([]);
  });

  it('type-checks every block (fragments against the prelude, programs as TypeScript)', async () => {
    const files = new Map<string, Block>();
    writeFileSync(join(dir, 'prelude.d.ts'), PRELUDE);
    for (const [file, text] of Object.entries(STUBS)) writeFileSync(join(dir, file), text);
    const lineMaps = new Map<string, number[]>();
    for (const b of [...fragments, ...programs]) {
      const file = `block-${b.index}.ts`;
      files.set(file, b);
      const mod = b.lang === 'ts' ? asModule(b) : { text: `${b.code}\nexport {};\n`, readmeLine: b.code.split('\n').map((_, i) => b.line + 1 + i) };
      lineMaps.set(file, mod.readmeLine);
      writeFileSync(join(dir, file), mod.text);
    }
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noEmit: true },
        include: ['*.ts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const { status, stdout, stderr } = await run(process.execPath, [tsc, '--noEmit', '-p', join(dir, 'tsconfig.json'), '--pretty', 'false']);
    // Name each failing block with its README line: tsc prints `block-N.ts(line,col): error TSxxxx: …`.
    const problems = `${stdout}${stderr}`
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const m = /(block-\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(l);
        const b = m ? files.get(m[1] ?? '') : undefined;
        if (!m || !b) return l;
        const line = lineMaps.get(m[1] ?? '')?.[Number(m[2]) - 1] ?? b.line;
        return `${name(b)}, README.md line ${line}: ${m[4]}`;
      });
    expect(problems, 'tsc errors in README blocks').toEqual([]);
    expect(status).toBe(0);
  }, 120_000);

  for (const b of programs) {
    const needsRedis = /from ['"]mfakit\/redis['"]/.test(b.code);
    it.skipIf(needsRedis && redisUrl === null)(`${name(b)} runs as written and exits cleanly`, async () => {
      const file = join(dir, `program-${b.index}.mjs`);
      writeFileSync(file, b.code);
      const env: NodeJS.ProcessEnv = { MFA_SECRET: randomBytes(32).toString('base64url') };
      if (redisUrl !== null) env['REDIS_URL'] = redisUrl;
      const r = await run(process.execPath, ['--import', 'tsx', file], { env, answerCodes: true });
      expect({ block: name(b), status: r.status, stderr: r.stderr }).toEqual({ block: name(b), status: 0, stderr: '' });
      expect(r.stdout, `${name(b)} prints a result`).toMatch(/ok: (true|false)/);
    }, 60_000);
  }

  afterAll(async () => {
    if (redisUrl === null) return;
    // The programs use the README's `acme:mfa:` prefix: leave nothing behind.
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'acme:mfa:*', 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  });
});

if (redisUrl === null && programs.some((b) => /mfakit\/redis/.test(b.code))) warnSkipped('no Redis for the README programs that use mfakit/redis');
