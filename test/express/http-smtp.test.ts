/**
 * The example app with `SMTP_URL` and `MAIL_FROM`: email codes go out over SMTP (nodemailer,
 * through mfakit's `smtpEmailSender`) to a real SMTP server the test starts on a loopback
 * port (`smtp-server`), and the code in the mail confirms the address.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFromEnv } from '../../examples/express/delivery-env.js';
import { startApp, type RunningApp } from './helpers/app.js';
import { Client } from './helpers/client.js';
import { BOB_ID, login } from './helpers/flows.js';

interface Mail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

let smtp: SMTPServer;
let mails: Mail[];
let app: RunningApp;

beforeEach(async () => {
  mails = [];
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'], // plain SMTP on loopback: no certificate to trust
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  const { port } = smtp.server.address() as AddressInfo;
  const delivery = await deliveryFromEnv({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'mfakit demo <no-reply@mfa.example.test>' });
  app = await startApp({ delivery });
});
afterEach(async () => {
  await app.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('SMTP_URL and MAIL_FROM', () => {
  it('an email enrollment is delivered by SMTP, and the code in the mail confirms the address', async () => {
    const c = new Client(app.url);
    await login(c, 'bob');
    const page = await c.post('/settings/email', { email: 'bob@example.net' });
    expect(page.path).toBe('/settings/confirm');
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail?.from).toBe('no-reply@mfa.example.test');
    expect(mail?.to).toEqual(['bob@example.net']);
    expect(mail?.raw).toMatch(/^From: mfakit demo <no-reply@mfa\.example\.test>\r?$/m);
    expect(mail?.raw).toMatch(/^Subject: .*mfakit demo.*\r?$/m);
    expect(app.outbox?.list().filter((m) => m.channel === 'email')).toEqual([]); // nothing in the dev outbox
    const code = /(?<!\d)(\d{6}) is your mfakit demo code/.exec(mail?.raw ?? '')?.[1] ?? '';
    expect((await c.post('/settings/confirm', { code })).path).toBe('/settings');
    expect((await app.mfa.listFactors(BOB_ID)).factors.map((f) => [f.channel, f.status])).toEqual([['email', 'active']]);
  });
});
