/**
 * The webhook blocks of the README's "Send real messages" section run as printed: its code is loaded as a module
 * (with `export { app }` appended, and a recording `mfa` where the README's prelude declares
 * one), served on a loopback port, and called with requests signed as Twilio signs them.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'readme-webhook-token';
const VONAGE_SECRET = 'readme-vonage-signature-secret';
const optOuts: string[] = [];
const reports: unknown[] = [];
let server: Server;
let base = '';
let vonageServer: Server;
let vonageBase = '';

/** A Vonage signed-webhook JWT over a raw body. */
function vonageJwt(body: string, secret = VONAGE_SECRET): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = { iat: Math.floor(Date.now() / 1000), jti: 'j1', iss: 'Vonage', api_key: 'abcd1234', application_id: 'app', payload_hash: createHash('sha256').update(body).digest('hex') };
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const postJson = (path: string, body: string, jwt?: string) =>
  fetch(`${vonageBase}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) }, body });

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
  const draft = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...draft.matchAll(/^```ts\n([^]*?)^```$/gm)].map((m) => m[1] ?? '');
  const twilioBlock = blocks.find((code) => code.includes('verifyTwilioSignature'));
  const vonageBlock = blocks.find((code) => code.includes('verifyVonageSignature'));
  expect(twilioBlock).toBeDefined();
  expect(vonageBlock).toBeDefined();
  const dir = join(root, 'test-results', 'readme-senders-run');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'twilio-webhooks-block.ts'), `${twilioBlock}\nexport { app };\n`);
  writeFileSync(join(dir, 'vonage-webhooks-block.ts'), `${vonageBlock}\nexport { vonageApp };\n`);
  process.env['TWILIO_AUTH_TOKEN'] = TOKEN;
  process.env['VONAGE_SIGNATURE_SECRET'] = VONAGE_SECRET;
  (globalThis as { mfa?: unknown }).mfa = {
    handleOptOut: async (phone: string) => void optOuts.push(phone),
    handleDeliveryReport: async (report: unknown) => void reports.push(report),
  };
  const { app } = (await import(/* @vite-ignore */ join(dir, 'twilio-webhooks-block.ts'))) as { app: Express };
  const { vonageApp } = (await import(/* @vite-ignore */ join(dir, 'vonage-webhooks-block.ts'))) as { vonageApp: Express };
  server = app.listen(0, '127.0.0.1');
  vonageServer = vonageApp.listen(0, '127.0.0.1');
  await Promise.all([new Promise((r) => server.once('listening', r)), new Promise((r) => vonageServer.once('listening', r))]);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  vonageBase = `http://127.0.0.1:${(vonageServer.address() as AddressInfo).port}`;
});
afterAll(() => Promise.all([new Promise<void>((r) => server.close(() => r())), new Promise<void>((r) => vonageServer.close(() => r()))]));

describe('the README Twilio webhook block, run as printed', () => {
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
    const before = reports.length;
    expect((await post('/webhooks/twilio/status', status, sign('/webhooks/twilio/status', status))).status).toBe(204);
    expect(reports.slice(before)).toEqual([expect.objectContaining({ messageId: 'SM1', status: 'failed', errorCode: '30006' })]);
    expect((await post('/webhooks/twilio/status', status)).status).toBe(403);
    expect(reports).toHaveLength(before + 1);
  });
});

describe('the README Vonage webhook block, run as printed', () => {
  const inbound = JSON.stringify({ channel: 'sms', message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab', from: '447700900001', to: '447700900000', text: 'STOP', message_type: 'text' });

  it('a signed STOP reaches mfa.handleOptOut with the number in E.164', async () => {
    const before = optOuts.length;
    expect((await postJson('/webhooks/vonage/inbound', inbound, vonageJwt(inbound))).status).toBe(200);
    expect(optOuts.slice(before)).toEqual(['+447700900001']);
  });

  it('no token, a token under another secret, or a body that is not the signed one: 401, nothing done', async () => {
    const before = optOuts.length;
    expect((await postJson('/webhooks/vonage/inbound', inbound)).status).toBe(401);
    expect((await postJson('/webhooks/vonage/inbound', inbound, vonageJwt(inbound, 'another-secret'))).status).toBe(401);
    const tampered = inbound.replace('447700900001', '447700900002');
    expect((await postJson('/webhooks/vonage/inbound', tampered, vonageJwt(inbound))).status).toBe(401);
    expect(optOuts.length).toBe(before);
  });

  it('a signed status webhook is accepted', async () => {
    const status = JSON.stringify({ message_uuid: 'u1', to: '447700900000', status: 'delivered', timestamp: '2020-01-01T14:00:00.000Z', channel: 'sms' });
    expect((await postJson('/webhooks/vonage/status', status, vonageJwt(status))).status).toBe(200);
    expect((await postJson('/webhooks/vonage/status', status)).status).toBe(401);
  });
});
