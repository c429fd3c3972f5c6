/** The stdout table. */

export type Row = readonly [label: string, value: string, target?: string, met?: boolean | null];

export const fmt = (n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function printTable(title: string, rows: readonly Row[]): void {
  const w0 = Math.max(6, ...rows.map((r) => r[0].length));
  const w1 = Math.max(5, ...rows.map((r) => r[1].length));
  const w2 = Math.max(6, ...rows.map((r) => (r[2] ?? '').length));
  const line = `+${'-'.repeat(w0 + 2)}+${'-'.repeat(w1 + 2)}+${'-'.repeat(w2 + 2)}+------+`;
  console.log(`\n${title}`);
  console.log(line);
  console.log(`| ${'metric'.padEnd(w0)} | ${'value'.padStart(w1)} | ${'target'.padEnd(w2)} | met  |`);
  console.log(line);
  for (const [label, value, target, met] of rows) {
    const m = met === undefined || met === null ? '' : met ? 'yes' : 'NO';
    console.log(`| ${label.padEnd(w0)} | ${value.padStart(w1)} | ${(target ?? '').padEnd(w2)} | ${m.padEnd(4)} |`);
  }
  console.log(line);
}

/** A loud, boxed message on stderr. */
export function loud(message: string): void {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n${message.split('\n').map((l) => `!!! ${l}`).join('\n')}\n${bar}\n`);
}
