import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, snsSmsSender } from 'mfakit/senders';
import { closedPortUrl, everythingOf, startServer, type TestServer } from './helpers/http-server.js';

const message = { to: '+14155552671', body: '482913 is your Acme code', purpose: 'sign_in', locale: 'en' } as const;
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** The documented PublishResponse (query protocol, XML). */
const published = `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult>
    <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>
  </PublishResult>
  <ResponseMetadata>
    <RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId>
  </ResponseMetadata>
</PublishResponse>`;

/** The documented ErrorResponse; SNS repeats the number in the message of an invalid PhoneNumber. */
const errorXml = (type: string, code: string, text: string) => `<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
  <Error>
    <Type>${type}</Type>
    <Code>${code}</Code>
    <Message>${text}</Message>
  </Error>
  <RequestId>9c1a5ec6-4c8a-5bb6-a0b6-2ff4f1d0e5a1</RequestId>
</ErrorResponse>`;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ status: 200, body: published });
});
afterAll(() => server.close());

const client = (endpoint: string) =>
  new SNSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET_KEY }, maxAttempts: 1 });

describe('snsSmsSender', () => {
  it('sends a signed Publish with PhoneNumber, Message and SMSType Transactional through the real SNSClient; resolves to the MessageId', async () => {
    server.answer({ status: 200, body: published });
    const sms = snsSmsSender({ client: client(server.url) });
    expect(sms.name).toBe('sns');
    await expect(sms.send(message)).resolves.toEqual({ id: '567910cd-659e-55d4-8ccb-5aaf14679dc0' });
    const req = server.requests.at(-1);
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/');
    expect(req?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/sns\/aws4_request/);
    expect(req?.form).toMatchObject({
      Action: 'Publish',
      Version: '2010-03-31',
      PhoneNumber: '+14155552671',
      Message: '482913 is your Acme code',
      'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
    });
  });

  it('adds the sender id when given', async () => {
    server.answer({ status: 200, body: published });
    await snsSmsSender({ client: client(server.url), senderId: 'Acme' }).send(message);
    expect(server.requests.at(-1)?.form).toMatchObject({
      'MessageAttributes.entry.2.Name': 'AWS.SNS.SMS.SenderID',
      'MessageAttributes.entry.2.Value.StringValue': 'Acme',
    });
  });

  it.each([
    [400, 'Sender', 'Throttling', 'Rate exceeded', 'rate_limited', true],
    [400, 'Sender', 'InvalidParameter', 'Invalid parameter: PhoneNumber Reason: +14155552671 is not valid to publish to', 'invalid_number', false],
    [400, 'Sender', 'InvalidParameter', 'Invalid parameter: Message too long', 'provider_error', true],
    [403, 'Sender', 'AuthorizationError', 'User: arn:aws:iam::123456789012:user/mfa is not authorized to perform: SNS:Publish', 'account', true],
    [500, 'Receiver', 'InternalError', 'Internal failure', 'provider_error', true],
  ] as const)('HTTP %i %s %s → %s (retryable %s), keeping the code, not the message', async (status, type, code, text, reason, retryable) => {
    server.answer({ status, body: errorXml(type, code, text) });
    const err = await snsSmsSender({ client: client(server.url) }).send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ provider: 'sns', reason, retryable, httpStatus: status });
    expect((err as DeliveryError).providerCode).toMatch(new RegExp(`^${code}`));
    const all = everythingOf(err);
    for (const secret of ['5552671', '482913', SECRET_KEY, '123456789012']) expect(all).not.toContain(secret);
  });

  it('no endpoint → retryable network error; no answer → timeout', async () => {
    const down = await snsSmsSender({ client: client(await closedPortUrl()) }).send(message).catch((e: unknown) => e);
    expect(down).toMatchObject({ name: 'DeliveryError', reason: 'network', retryable: true });
    expect(everythingOf(down)).not.toContain('5552671');
    server.answer({ hang: true });
    await expect(snsSmsSender({ client: client(server.url), timeoutMs: 150 }).send(message)).rejects.toMatchObject({ reason: 'timeout', retryable: true });
  });
});
