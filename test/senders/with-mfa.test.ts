/**
 * The provider senders behind createMfa: what the factor kinds render reaches the provider's
 * wire (a voice code in TwiML, in the user's language; an email with its code over SMTP), and
 * the code that arrives verifies.
 */
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMfa } from 'mfakit';
import { memoryStores } from 'mfakit/memory';
import { smtpEmailSender, twilioSmsSender, twilioVoiceSender } from 'mfakit/senders';
import { SECRET } from '../helpers/setup.js';
import { startServer, type TestServer } from './helpers/http-server.js';

const SID = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX';
let twilio: TestServer;
const mails: string[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      mails.push(Buffer.concat(chunks).toString('utf8'));
      callback(null);
    });
  },
});
let smtpPort = 0;

beforeAll(async () => {
  twilio = await startServer({ status: 201, body: { sid: 'CA0000000000000000000000000000000a', status: 'queued' } });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await twilio.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const mfaWith = () =>
  createMfa({
    stores: memoryStores(),
    secret: SECRET,
    appName: 'Acme',
    senders: {
      sms: twilioSmsSender({ accountSid: SID, authToken: 'token', from: '+15557122661', baseUrl: twilio.url }),
      voice: twilioVoiceSender({ accountSid: SID, authToken: 'token', from: '+15557122661', baseUrl: twilio.url }),
      email: smtpEmailSender({ transport: nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true }), from: 'Acme <no-reply@acme.example>' }),
    },
  });

describe('provider senders behind createMfa', () => {
  it('a voice enrollment in French calls Twilio with the spoken code in fr-FR; the code verifies', async () => {
    const mfa = mfaWith();
    expect((await mfa.enrollVoice('u1', '+1 415 555 2671', { locale: 'fr' })).ok).toBe(true);
    const req = twilio.requests.at(-1);
    expect(req?.url).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    expect(req?.form['To']).toBe('+14155552671');
    const twiml = req?.form['Twiml'] ?? '';
    expect(twiml).toMatch(/^<Response><Say language="fr-FR">[^<]+<\/Say><\/Response>$/);
    const spoken = /(\d(?:, \d){5})/.exec(twiml)?.[1] ?? '';
    expect(spoken).not.toBe('');
    expect((await mfa.confirmEnrollment('u1', spoken.replace(/\D/g, ''))).ok).toBe(true);
  });

  it('an SMS enrollment posts the rendered text to Twilio Messaging', async () => {
    twilio.answer({ status: 201, body: { sid: 'SM0000000000000000000000000000000b', status: 'queued' } });
    const mfa = mfaWith();
    expect((await mfa.enrollSms('u2', '+1 415 555 2672')).ok).toBe(true);
    const req = twilio.requests.at(-1);
    expect(req?.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    const code = /\b(\d{6})\b/.exec(req?.form['Body'] ?? '')?.[1] ?? '';
    expect((await mfa.confirmEnrollment('u2', code)).ok).toBe(true);
  });

  it('an email enrollment reaches the SMTP server with its code; a refused provider answer is delivery_failed', async () => {
    const mfa = mfaWith();
    expect((await mfa.enrollEmail('u3', 'ada@example.com')).ok).toBe(true);
    const raw = mails.at(-1) ?? '';
    expect(raw).toMatch(/^To: ada@example\.com\r?$/m);
    const code = /\b(\d{6})\b/.exec(raw.split(/\r?\n\r?\n/).slice(1).join('\n'))?.[1] ?? '';
    expect((await mfa.confirmEnrollment('u3', code)).ok).toBe(true);
    twilio.answer({ status: 400, body: { code: 21614, message: "'To' number +14155552673 is not a valid mobile number", status: 400 } });
    expect(await mfa.enrollSms('u4', '+1 415 555 2673')).toEqual({ ok: false, error: 'delivery_failed' });
  });
});
