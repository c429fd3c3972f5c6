/**
 * A provider's REST API on a free loopback port, for the example app's real senders
 * (`TWILIO_BASE_URL`, `VONAGE_BASE_URL` point here): it records every request as received
 * (method, path, headers, raw body, form fields) and answers with what `answer` returns, in
 * the provider's documented shape. Plus the providers' webhook signatures, computed here from
 * their documented algorithms (not with the code under test).
 */
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, as requested. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body read as an HTML form (empty when it is not one). */
  readonly form: URLSearchParams;
}

export interface Answer {
  readonly status: number;
  readonly json: unknown;
}

export interface FakeProvider {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function fakeProvider(answer: (req: ReceivedRequest, index: number) => Answer): Promise<FakeProvider> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body) : new URLSearchParams();
      const received: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, form };
      requests.push(received);
      const { status, json } = answer(received, requests.length - 1);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The first 6-digit run in a text (spoken digits "1, 2, 3" joined first). */
export function codeOf(text: string): string {
  const code = /(?<!\d)\d{6}(?!\d)/.exec(text.replace(/(\d), (?=\d)/g, '$1'))?.[0];
  if (!code) throw new Error('no code in the message');
  return code;
}

/**
 * Twilio's `X-Twilio-Signature` (https://www.twilio.com/docs/usage/security#validating-requests):
 * the full URL, then each POST parameter's name and value sorted by name, HMAC-SHA1 under the
 * Auth Token, base64.
 */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Vonage's SMS API `sig` (https://developer.vonage.com/en/getting-started/concepts/signing-messages):
 * the parameters sorted by name as `&name=value` (`&` and `=` in values replaced by `_`),
 * then MD5 of that followed by the secret (`md5hash`) or an HMAC under the secret; lower-case hex.
 */
export function vonageSmsSig(secret: string, params: Readonly<Record<string, string>>, method: 'md5hash' | 'sha256'): string {
  let data = '';
  for (const name of Object.keys(params).sort()) data += `&${name}=${(params[name] ?? '').replace(/[&=]/g, '_')}`;
  return method === 'md5hash' ? createHash('md5').update(data + secret, 'utf8').digest('hex') : createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

/**
 * A Vonage signed-webhook JWT (https://developer.vonage.com/en/getting-started/concepts/webhooks#validating-signed-webhooks):
 * HS256 under the signature secret, with `iat` and `payload_hash`, the SHA-256 (hex) of the raw body.
 */
export function vonageJwt(secret: string, body: string, iatSeconds: number): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iat: iatSeconds, jti: 'a7bcd1f2-0000-4000-8000-000000000001', iss: 'Vonage', payload_hash: createHash('sha256').update(body).digest('hex'), api_key: 'a1b2c3d4', application_id: 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab' })}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
