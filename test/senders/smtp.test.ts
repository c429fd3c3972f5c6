import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MfaError } from 'mfakit';
import { DeliveryError, smtpEmailSender } from 'mfakit/senders';
import { closedPortUrl, everythingOf } from './helpers/http-server.js';

interface Received {
  readonly mailFrom: string;
  readonly rcptTo: string[];
  readonly raw: string;
}

const received: Received[] = [];
let port = 0;
/** Addresses the server refuses at RCPT TO with 550. */
const unknownMailboxes = new Set(['nobody@example.com']);

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onRcptTo(address, _session, callback) {
    if (unknownMailboxes.has(address.address)) {
      const err = Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 });
      callback(err);
      return;
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const mailFrom = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
      received.push({ mailFrom, rcptTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
      callback(null);
    });
  },
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const transport = () => nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
const mail = {
  to: 'ada@example.com',
  subject: 'Your Acme sign-in code',
  text: '482913 is your Acme sign-in code.',
  html: '<p><b>482913</b> is your Acme sign-in code.</p>',
  purpose: 'sign_in',
  locale: 'en',
} as const;

describe('smtpEmailSender', () => {
  it('delivers from, to, subject, text and html to a real SMTP server and resolves to the Message-ID', async () => {
    const email = smtpEmailSender({ transport: transport(), from: 'Acme <no-reply@acme.example>' });
    expect(email.name).toBe('smtp');
    const receipt = await email.send(mail);
    expect(receipt.id).toMatch(/^<[^@\s]+@[^>\s]+>$/);
    const got = received.at(-1);
    expect(got?.mailFrom).toBe('no-reply@acme.example');
    expect(got?.rcptTo).toEqual(['ada@example.com']);
    const raw = got?.raw ?? '';
    expect(raw).toMatch(/^From: Acme <no-reply@acme\.example>\r?$/m);
    expect(raw).toMatch(/^To: ada@example\.com\r?$/m);
    expect(raw).toMatch(/^Subject: Your Acme sign-in code\r?$/m);
    expect(raw).toContain(`Message-ID: ${receipt.id}`);
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(raw).toMatch(/Content-Type: text\/plain[^]*482913 is your Acme sign-in code\./);
    expect(raw).toMatch(/Content-Type: text\/html[^]*<p><b>482913<\/b> is your Acme sign-in code\.<\/p>/);
  });

  it('sends a text-only mail when the template has no html', async () => {
    const { html: _html, ...textOnly } = mail;
    await smtpEmailSender({ transport: transport(), from: 'no-reply@acme.example' }).send(textOnly);
    const raw = received.at(-1)?.raw ?? '';
    expect(raw).not.toMatch(/text\/html/);
    expect(raw).toContain('482913 is your Acme sign-in code.');
  });

  it('a refused recipient (550 at RCPT TO) is a permanent invalid_address, without the address or the code', async () => {
    const err = await smtpEmailSender({ transport: transport(), from: 'no-reply@acme.example' })
      .send({ ...mail, to: 'nobody@example.com' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ provider: 'smtp', reason: 'invalid_address', retryable: false, providerCode: '550' });
    const all = everythingOf(err);
    for (const secret of ['nobody@example.com', 'nobody', '482913']) expect(all).not.toContain(secret);
  });

  it('a server that cannot be reached is a retryable network error', async () => {
    const closed = Number(new URL(await closedPortUrl()).port);
    const err = await smtpEmailSender({ transport: nodemailer.createTransport({ host: '127.0.0.1', port: closed, ignoreTLS: true }), from: 'no-reply@acme.example' })
      .send(mail)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DeliveryError', reason: 'network', retryable: true });
    expect(everythingOf(err)).not.toContain('ada@example.com');
  });

  it('a transport that never finishes fails as a timeout', async () => {
    const stuck = { sendMail: () => new Promise<{ messageId: string }>(() => undefined) };
    await expect(smtpEmailSender({ transport: stuck, from: 'no-reply@acme.example', timeoutMs: 100 }).send(mail)).rejects.toMatchObject({ reason: 'timeout', retryable: true });
  });

  it('refuses a missing transport or from', () => {
    // @ts-expect-error: a transport is required
    expect(() => smtpEmailSender({ from: 'no-reply@acme.example' })).toThrow(MfaError);
    expect(() => smtpEmailSender({ transport: transport(), from: '' })).toThrow(MfaError);
  });
});
