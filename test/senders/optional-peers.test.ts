/**
 * `@aws-sdk/client-sns` and `nodemailer` are optional peers: `mfakit/senders` must load without
 * them, so the sources may import their types only; the SNS sender loads `PublishCommand` on
 * its first send.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/senders');
const OPTIONAL = ['@aws-sdk/client-sns', 'nodemailer'];

/** The module specifiers a file imports at load time (type-only imports are erased). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const typeOnly = clause?.isTypeOnly === true || (clause?.namedBindings && ts.isNamedImports(clause.namedBindings) && !clause.name && clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push(statement.moduleSpecifier.text);
    }
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) && !statement.isTypeOnly) {
      found.push(statement.moduleSpecifier.text);
    }
  }
  return found;
}

describe('optional peer dependencies of mfakit/senders', () => {
  it('no file of src/senders imports @aws-sdk/client-sns or nodemailer at load time', () => {
    const offending = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => runtimeImports(join(dir, f)).filter((m) => OPTIONAL.includes(m)).map((m) => `${f} -> ${m}`));
    expect(offending).toEqual([]);
  });

  it('the SNS sender imports PublishCommand lazily, on send', () => {
    expect(readFileSync(join(dir, 'sns.ts'), 'utf8')).toMatch(/await import\('@aws-sdk\/client-sns'\)/);
  });
});
