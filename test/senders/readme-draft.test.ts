/**
 * The code blocks of notes/README-senders.md (the draft of the README's "Send real messages"
 * section) are checked the way test/readme-snippets.test.ts checks the README's: each ```ts
 * block is a fragment, type-checked with the same prelude (read from that test, so the two
 * stay in step), its imports kept and the rest wrapped in an async function.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, 'test-results', 'readme-senders-draft');
const draft = readFileSync(join(root, 'notes', 'README-senders.md'), 'utf8');

interface Block {
  readonly index: number;
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

function extractBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    blocks.push({ index: blocks.length + 1, line: start + 1, lang: open[1] ?? '', code: body.join('\n') });
  }
  return blocks;
}

function asModule(b: Block): string {
  const imports: string[] = [];
  const rest: string[] = [];
  let inImport = false;
  for (const line of b.code.split('\n')) {
    if (inImport || /^import\s/.test(line)) {
      imports.push(line);
      inImport = !/from\s+['"][^'"]+['"]/.test(line) && !/^import\s+['"]/.test(line);
    } else rest.push(line);
  }
  return [...imports, 'export {};', `export async function snippet${b.index}() {`, ...rest, '}', ''].join('\n');
}

const prelude = /const PRELUDE = `([^`]*)`;/.exec(readFileSync(join(root, 'test', 'readme-snippets.test.ts'), 'utf8'))?.[1];
const blocks = extractBlocks(draft);

describe('notes/README-senders.md code blocks', () => {
  it('are all ```ts fragments, and there are some', () => {
    expect(blocks.length).toBeGreaterThan(4);
    expect(blocks.filter((b) => b.lang !== 'ts').map((b) => `block ${b.index} line ${b.line}: ${b.lang}`)).toEqual([]);
    expect(prelude).toBeDefined();
  });

  it('type-check against the README prelude', async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'prelude.d.ts'), prelude ?? '');
    for (const b of blocks) writeFileSync(join(dir, `block-${b.index}.ts`), asModule(b));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true }, include: ['*.ts'] }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const out = await new Promise<{ status: number | null; text: string }>((done) => {
      const child = spawn(process.execPath, [tsc, '--noEmit', '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: root });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.on('close', (status) => done({ status, text }));
    });
    const problems = out.text.split('\n').filter((l) => l.trim() !== '').map((l) => {
      const m = /block-(\d+)\.ts\((\d+),(\d+)\): (.*)$/.exec(l);
      const b = m ? blocks[Number(m[1]) - 1] : undefined;
      return b && m ? `block ${b.index} (README-senders.md line ${b.line}), block line ${m[2]}: ${m[4]}` : l;
    });
    expect(problems).toEqual([]);
    expect(out.status).toBe(0);
  }, 120_000);
});
