/** The installed version of a package (read from node_modules: some packages do not export package.json). */
import { readFileSync } from 'node:fs';

export function versionOf(pkg: string): string {
  try {
    const url = new URL(`../../node_modules/${pkg}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
