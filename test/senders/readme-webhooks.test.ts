/**
 * The webhook block of notes/README-senders.md runs as printed: its code is loaded as a module
 * (with `export { app }` appended, and a recording `mfa` where the README's prelude declares
 * one), served on a loopback port, and called with requests signed as Twilio signs them.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'readme-webhook-token';
const optOuts: string[] = [];
let server: Server;
let base = '';

const sign = (path: string, params: Record<string, string>): string =>
  createHmac('sha1', TOKEN)
    .update(`https://acme.example${path}${Object.keys(params).sort().map((k) => k + params[k]).join('')}`)
    .digest('base64');

const post = (path: string, params: Record<string, string>, signature?: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
    body: new URLSearchParams(params).toString(),
  });

beforeAll(async () => {
  const draft = readFileSync(join(root, 'notes', 'README-senders.md'), 'utf8');
  const block = [...draft.matchAll(/^```ts\n([^]*?)^```$/gm)].map((m) => m[1] ?? '').find((code) => code.includes('verifyTwilioSignature'));
  expect(block).toBeDefined();
  const dir = join(root, 'test-results', 'readme-senders-run');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'webhooks-block.ts');
  writeFileSync(file, `${block}\nexport { app };\n`);
  process.env['TWILIO_AUTH_TOKEN'] = TOKEN;
  (globalThis as { mfa?: unknown }).mfa = { handleOptOut: async (phone: string) => void optOuts.push(phone) };
  const { app } = (await import(/* @vite-ignore */ file)) as { app: Express };
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the README webhook block, run as printed', () => {
  const stop = { MessageSid: 'SM1', AccountSid: 'AC1', From: '+14155552671', To: '+15557122661', Body: 'STOP' };

  it('a signed STOP reply reaches mfa.handleOptOut with the number', async () => {
    const res = await post('/webhooks/twilio/inbound', stop, sign('/webhooks/twilio/inbound', stop));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<Response/>');
    expect(optOuts).toEqual(['+14155552671']);
  });

  it('a missing or wrong signature, or a tampered parameter, is refused with 403 and does nothing', async () => {
    expect((await post('/webhooks/twilio/inbound', stop)).status).toBe(403);
    expect((await post('/webhooks/twilio/inbound', stop, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).status).toBe(403);
    expect((await post('/webhooks/twilio/inbound', { ...stop, From: '+14155550000' }, sign('/webhooks/twilio/inbound', stop))).status).toBe(403);
    expect(optOuts).toEqual(['+14155552671']);
  });

  it('a signed status callback is accepted (204), an unsigned one refused', async () => {
    const status = { MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: '30006', To: '+14155552671' };
    expect((await post('/webhooks/twilio/status', status, sign('/webhooks/twilio/status', status))).status).toBe(204);
    expect((await post('/webhooks/twilio/status', status)).status).toBe(403);
  });
});
