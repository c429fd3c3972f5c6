/**
 * A permanent failure acts on the factor it was reported for, never on the other factors of
 * the same number: a voice call refused as a landline invalidates the voice factor, the SMS
 * factor on that number keeps working (and the other way round for a STOP reply).
 */
import { describe, expect, it } from 'vitest';
import type { VoiceMessage, VoiceSender } from '../../src/index.js';
import { DeliveryError } from '../../src/senders/index.js';
import { outboxSender } from '../../src/testing/index.js';
import { PHONE, setup } from '../helpers/setup.js';

/** A voice sender that answers each call with the next scripted outcome. */
function scriptedVoice(outcomes: ('ok' | 'landline')[]): VoiceSender & { calls: VoiceMessage[] } {
  const calls: VoiceMessage[] = [];
  return {
    name: 'twilio-voice',
    calls,
    async send(m) {
      calls.push(m);
      if (outcomes.shift() === 'landline') throw new DeliveryError('twilio', 'landline', { providerCode: '21614', httpStatus: 400 });
      return { id: `CA${calls.length}` };
    },
  };
}

async function userWithBoth(voice: VoiceSender, deliveryReports = false) {
  const sms = outboxSender();
  const env = setup({ senders: { sms, voice }, deliveryReports });
  await env.stores.factors.putFactor({ id: 'f_voice', userId: 'u', channel: 'voice', status: 'active', phone: PHONE, createdAt: 1, lastUsedAt: 10 });
  await env.stores.factors.putFactor({ id: 'f_sms', userId: 'u', channel: 'sms', status: 'active', phone: PHONE, createdAt: 2 });
  const invalidated: string[] = [];
  env.mfa.on('factor.invalidated', (e) => invalidated.push(e.factorId));
  return { ...env, sms, invalidated };
}

const statusOf = async (env: Awaited<ReturnType<typeof userWithBoth>>, id: string) =>
  (await env.mfa.listFactors('u')).factors.find((f) => f.id === id)?.status;

describe('a permanent failure invalidates only the factor it was for', () => {
  it('a landline answer to a voice call: the voice factor becomes invalid, the SMS factor on the same number stays active and is used next', async () => {
    const env = await userWithBoth(scriptedVoice(['landline']));
    expect(await env.mfa.startChallenge('u')).toEqual({ ok: false, error: 'delivery_failed', invalidReason: 'undeliverable' });
    expect(env.invalidated).toEqual(['f_voice']);
    expect(await statusOf(env, 'f_voice')).toBe('invalid');
    expect(await statusOf(env, 'f_sms')).toBe('active');
    expect(await env.mfa.startChallenge('u')).toMatchObject({ ok: true, channel: 'sms', factorId: 'f_sms' });
  });

  it('a late landline report for the voice call does the same', async () => {
    const voice = scriptedVoice(['ok']);
    const env = await userWithBoth(voice, true);
    expect(await env.mfa.startChallenge('u')).toMatchObject({ ok: true, channel: 'voice' });
    expect(await env.mfa.handleDeliveryReport({ messageId: 'CA1', status: 'failed', reason: 'landline', errorCode: '30006' })).toEqual({ ok: true, matched: true, invalidated: 'undeliverable' });
    expect(env.invalidated).toEqual(['f_voice']);
    expect(await statusOf(env, 'f_sms')).toBe('active');
  });

  it('a STOP reply invalidates the SMS factor only; the voice factor on the number keeps working', async () => {
    const env = await userWithBoth(scriptedVoice(['ok']));
    expect(await env.mfa.handleOptOut(PHONE)).toEqual({ ok: true, invalidated: 1 });
    expect(env.invalidated).toEqual(['f_sms']);
    expect(await statusOf(env, 'f_voice')).toBe('active');
    expect(await env.mfa.startChallenge('u')).toMatchObject({ ok: true, channel: 'voice' });
  });
});
