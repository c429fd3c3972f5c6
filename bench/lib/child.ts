/** A bench script run in a child process (tsx), answering with one JSON line. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs `bench/lib/<script>` with Node (`nodeArgs` first, then tsx), and resolves the JSON of
 * the last line it printed. A non-zero exit rejects with the tail of its stderr; output that
 * is not JSON rejects with its start. `name` says which child in those errors.
 */
export function runChild(name: string, script: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<unknown> {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    p.stderr.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
    p.once('error', reject);
    p.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${name} exited ${code}:\n${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch (e) {
        reject(new Error(`${name}: unreadable output ${out.slice(0, 500)} (${String(e)})`));
      }
    });
  });
}
