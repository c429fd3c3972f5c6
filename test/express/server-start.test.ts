import { randomBytes } from 'node:crypto';
/**
 * `server.ts` (the `npm start` entry) when it cannot start: one line that says what to fix,
 * exit code 1, no stack trace.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs server.ts with `env` until it exits (it must exit on its own). */
async function runServer(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/express/server.ts'], {
    env: { ...process.env, PORT: '0', NODE_ENV: 'development', REDIS_URL: '', MFAKIT_TEST_CLOCK: '', SMS_WEBHOOK_TOKEN: '', SMS_PROVIDER: '', SMS_FAILOVER: '', SMTP_URL: '', MAIL_FROM: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // Generous: a loaded machine may take long to start tsx; the server must exit by itself.
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe('server.ts start-up failures', () => {
  it('Redis down at REDIS_URL: one line saying to check REDIS_URL, exit 1, no stack, password hidden', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await runServer({ REDIS_URL: `redis://demo:s3cret-pw@127.0.0.1:${port}` });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mfakit example: cannot start: Cannot connect to Redis at redis:\/\/demo:\*\*\*@127\.0\.0\.1:\d+ \(connect ECONNREFUSED [^)]*\)\. Check REDIS_URL/);
    const all = stdout + stderr;
    expect(all).not.toMatch(/^\s+at /m);
    expect(all).not.toContain('Unhandled error event');
    expect(all).not.toContain('s3cret-pw');
  });

  it('production without an SMS sender: one line, exit 1, no stack', async () => {
    const { code, stderr } = await runServer({ NODE_ENV: 'production', MFA_SECRET: randomBytes(32).toString('base64url'), SESSION_SECRET: 's'.repeat(32) });
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/^mfakit example: cannot start: No SMS sender/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  const twilio = { SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: '', TWILIO_MESSAGING_SERVICE_SID: '', TWILIO_FROM: '+15005550006', PUBLIC_URL: 'https://mfa.example.com', REDIS_URL: 'redis://127.0.0.1:1' };

  it('SMS_PROVIDER=twilio without TWILIO_AUTH_TOKEN: one line naming it, exit 1', async () => {
    const missing = await runServer(twilio);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([
      'mfakit example: cannot start: TWILIO_AUTH_TOKEN must be set when Twilio is the SMS_PROVIDER or the SMS_FAILOVER (Twilio Console → Account info).',
    ]);
    // The environment is checked before any store connects: no Redis error for the unreachable REDIS_URL.
    expect(missing.stdout).toBe('');
  });

  it('SMS_PROVIDER=twilio with a malformed TWILIO_AUTH_TOKEN: one line naming it, exit 1, the value never echoed', async () => {
    const secret = 'my secret auth token, 1234';
    const malformed = await runServer({ ...twilio, TWILIO_AUTH_TOKEN: secret });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.trim().split('\n')).toEqual(['mfakit example: cannot start: TWILIO_AUTH_TOKEN is malformed: expected 32 hex digits (the value is not shown).']);
    expect(malformed.stdout + malformed.stderr).not.toContain('secret auth token');
  });
});
