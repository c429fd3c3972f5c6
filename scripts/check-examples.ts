/**
 * Every public export of every entry point carries a TSDoc `@example` (its own, or its
 * declaration's). Run by `npm run check`; prints the exports that miss one.
 */
import ts from 'typescript';

const entries = ['src/index.ts', 'src/memory.ts', 'src/redis.ts', 'src/kysely.ts', 'src/senders.ts', 'src/testing.ts'];
const program = ts.createProgram(entries, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true });
const checker = program.getTypeChecker();
const missing: string[] = [];
for (const entry of entries) {
  const file = program.getSourceFile(entry);
  const moduleSymbol = file && checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error(`cannot read ${entry}`);
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const tags = symbol.getJsDocTags(checker);
    if (!tags.some((t) => t.name === 'example')) missing.push(`${entry}: ${exported.name}`);
  }
}
if (missing.length > 0) {
  console.error(`Public exports without an @example (${missing.length}):\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log('every public export has an @example');
