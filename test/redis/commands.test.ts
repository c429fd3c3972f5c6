/**
 * How many Redis commands each call sends, counted at the client: an uncontended
 * `startChallenge` or `resend` costs 2 on a single node (issue 3), a `verify` 1 when this
 * process wrote the user's record last and 2 when another process did (issue 15). Every
 * command passes through a bare-function client that records it.
 */
import { describe, expect, inject, it } from 'vitest';
import { fakeClock } from '../../src/testing/clock.js';
import { outboxSender } from '../../src/testing/outbox.js';
import { countingRedis } from '../helpers/counting-redis.js';
import { warnSkipped } from '../helpers/redis-server.js';
import { must, PHONE, wrong } from '../helpers/setup.js';

const url = inject('redisUrl');
if (url === null) warnSkipped('no Redis for the command-count tests');

describe.skipIf(url === null)('Redis commands per call (single node)', () => {
  // The base costs, without the prefix budget (on by default: its cost is counted on its own below).
  const { server, count, uncounted } = countingRedis(`mfakit-commands:${process.pid}:`, { sending: { perPrefix: false } });

  it('verify after this process wrote last: EVALSHA; startChallenge and resend: EVALSHA (user, factors and the shared settings) + EVALSHA', async () => {
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const mfa = server(clock, outbox);
    // Enroll (this also loads the scripts, so no NOSCRIPT round trip is counted below).
    expect((await mfa.enrollSms('u1', PHONE)).ok).toBe(true);
    expect((await mfa.confirmEnrollment('u1', outbox.last()?.code ?? '')).ok).toBe(true);
    clock.advance(30_000);
    await mfa.startChallenge('warm-up'); // loads the read script

    expect(await count(() => mfa.startChallenge('u1'))).toEqual(['EVALSHA', 'EVALSHA']);
    const code = outbox.last()?.code ?? '';
    // A wrong code is counted by a commit, which also proves the copy this process wrote.
    expect(await count(async () => expect((await mfa.verify('u1', wrong(code))).ok).toBe(false))).toEqual(['EVALSHA']);
    clock.advance(30_000);
    expect(await count(async () => expect((await mfa.resend('u1')).ok).toBe(true))).toEqual(['EVALSHA', 'EVALSHA']);
    const fresh = outbox.last()?.code ?? '';
    expect(await count(async () => expect((await mfa.verify('u1', fresh)).ok).toBe(true))).toEqual(['EVALSHA']);
    // The verify recorded the factor's use in the same command.
    expect((await mfa.listFactors('u1')).factors[0]?.lastUsedAt).toBe(clock.now());
  });

  it('on a cluster client the shared settings (another hash slot) are one GET beside the load, and the number\'s record one more EVALSHA', async () => {
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    // A single node accepts what a cluster would route: the counts are the cluster's.
    const mfa = server(clock, outbox, {}, { cluster: true });
    expect((await mfa.enrollSms('c1', '+14155550188')).ok).toBe(true);
    expect((await mfa.confirmEnrollment('c1', outbox.last()?.code ?? '')).ok).toBe(true);
    clock.advance(30_000);
    await mfa.startChallenge('warm-up');
    const start = await count(async () => must(await mfa.startChallenge('c1')));
    expect([...start].sort()).toEqual(['EVALSHA', 'EVALSHA', 'EVALSHA', 'GET']);
    expect(await count(() => mfa.listFactors('c1'))).toEqual(expect.arrayContaining(['EVALSHA', 'GET']));
    expect(await count(() => mfa.listFactors('c1'))).toHaveLength(2);
    expect(await count(async () => expect((await mfa.verify('c1', outbox.last()?.code ?? '')).ok).toBe(true))).toEqual(['EVALSHA']);
  });

  it('the other calls cost what the README table says', async () => {
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const mfa = server(clock, outbox);
    await mfa.startChallenge('warm-up');
    const n = async (op: () => Promise<unknown>) => (await count(op)).length;
    // The issue starts from the user's record read by the step-up check (no second read).
    expect(await n(() => mfa.enrollSms('t1', '+14155550199'))).toBe(6);
    expect(await n(() => mfa.confirmEnrollment('t1', outbox.last()?.code ?? ''))).toBe(6); // its check starts from the copy enrollSms wrote
    expect(await n(() => mfa.requiresMfa('t1'))).toBe(2);
    expect(await n(() => mfa.getStatus('t1'))).toBe(1); // the user and the shared settings in one script
    expect(await n(() => mfa.listFactors('t1'))).toBe(1); // factors, preferred, state and the shared settings in one script
    expect(await n(() => mfa.startChallenge('t1'))).toBe(2);
    expect(await n(() => mfa.startChallenge('t1'))).toBe(1); // refused: cooldown
    expect(await n(() => mfa.verify('t1', 'abc'))).toBe(1); // refused: malformed (read, never the remembered copy alone)
    // No code pending: one more read, of the factors, to look for an authenticator app.
    expect(await n(() => mfa.verify('nobody', '123456'))).toBe(2);
    expect(await n(() => mfa.unlock('t1'))).toBe(1); // a commit from the copy this process wrote
    // A backup code: commit from the copy this process wrote (marks it used and touches the factor).
    const { codes } = must(await mfa.generateBackupCodes('t1'));
    expect(await count(async () => expect((await mfa.verify('t1', codes[0] ?? '')).ok).toBe(true))).toEqual(['EVALSHA']);
    expect(await count(async () => expect((await mfa.verify('t1', 'zzzzz-zzzzz')).ok).toBe(false))).toEqual(['EVALSHA']);
  });

  it('with deliveryReports on, a send costs one more command (its message record, after the send); verify does not', async () => {
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const mfa = server(clock, outbox, { deliveryReports: true });
    expect((await mfa.enrollSms('r1', '+14155550177')).ok).toBe(true);
    expect((await mfa.confirmEnrollment('r1', outbox.last()?.code ?? '')).ok).toBe(true);
    clock.advance(30_000);
    await mfa.startChallenge('warm-up');

    expect(await count(() => mfa.startChallenge('r1'))).toEqual(['EVALSHA', 'EVALSHA', 'EVALSHA']);
    const code = outbox.last()?.code ?? '';
    expect(await count(async () => expect((await mfa.verify('r1', code)).ok).toBe(true))).toEqual(['EVALSHA']);
    // A report: one GET of the record; a delivery or an unknown id reads and writes nothing more.
    const messageId = outbox.last()?.id ?? '';
    expect(await count(async () => expect(await mfa.handleDeliveryReport({ messageId, status: 'delivered' })).toEqual({ ok: true, matched: true }))).toEqual(['GET']);
    expect(await count(async () => expect(await mfa.handleDeliveryReport({ messageId: 'nope', status: 'delivered' })).toEqual({ ok: true, matched: false }))).toEqual(['GET']);
  });

  it('each shared budget in force costs one EVALSHA per send (the prefix budget, on by default; the IP budget when ip is passed; the global cap)', async () => {
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const mfa = server(clock, outbox, { sending: { perPrefix: false, globalCap: 1000 } });
    const { factors } = uncounted();
    for (const [i, userId] of ['b0', 'b1', 'b2'].entries()) {
      await factors.putFactor({ id: `f_${userId}`, userId, channel: 'sms', status: 'active', phone: `+1415555013${i}`, createdAt: 1 });
    }
    expect((await mfa.startChallenge('b0')).ok).toBe(true); // loads both scripts
    expect(await count(() => mfa.startChallenge('b1', { ip: '203.0.113.9' }))).toEqual(['EVALSHA', 'EVALSHA', 'EVALSHA', 'EVALSHA']);
    const defaults = server(clock, outbox, { sending: {} });
    expect(await count(() => defaults.startChallenge('b2'))).toEqual(['EVALSHA', 'EVALSHA', 'EVALSHA']);
  });

  /** Two instances on one clock and outbox; `userId` enrolled on `phone` through `a`, the cooldown past. */
  async function twoInstances(userId: string, phone: string) {
    const clock = fakeClock(Date.now());
    const outbox = outboxSender();
    const a = server(clock, outbox);
    const b = server(clock, outbox);
    expect((await a.enrollSms(userId, phone)).ok).toBe(true);
    expect((await a.confirmEnrollment(userId, outbox.last()?.code ?? '')).ok).toBe(true);
    clock.advance(30_000);
    return { clock, outbox, a, b };
  }

  it('verify when another process wrote last: 2 commands (GET + EVALSHA, or a refused EVALSHA answering the record + EVALSHA)', async () => {
    const { outbox, a, b } = await twoInstances('x1', '+14155550142');
    await b.startChallenge('warm-up');

    // b never saw x1: it reads the record, then commits.
    must(await a.startChallenge('x1'));
    const first = outbox.last()?.code ?? '';
    expect(await count(async () => expect((await b.verify('x1', wrong(first))).ok).toBe(false))).toEqual(['GET', 'EVALSHA']);
    // a's copy is stale now (b wrote since): its commit is refused and answers with b's
    // record, on which a decides again and commits. Both wrong entries counted.
    expect(await count(async () => expect(await a.verify('x1', wrong(first))).toMatchObject({ error: 'code_mismatch', attemptsLeft: 2 }))).toEqual(['EVALSHA', 'EVALSHA']);
    // Now b's copy is stale: the same for b, and the right code succeeds once.
    expect(await count(async () => expect((await b.verify('x1', first)).ok).toBe(true))).toEqual(['EVALSHA', 'EVALSHA']);
    expect(await count(async () => expect(await a.verify('x1', first)).toMatchObject({ ok: false, error: 'no_pending_code' }))).toHaveLength(2);
    expect((await a.getStatus('x1')).failures).toBe(0);
  });

  it('a refusal is never based on the remembered copy alone', async () => {
    const { clock, outbox, a, b } = await twoInstances('y1', '+14155550143');
    await a.startChallenge('warm-up');
    await b.startChallenge('warm-up');

    // a remembers y1 with no code pending (its enrollment consumed it); b sends a sign-in code.
    must(await b.startChallenge('y1'));
    const code = outbox.last()?.code ?? '';
    // a's copy says "no code": a refusal that writes nothing, so a reads before answering.
    expect(await count(async () => expect((await a.verify('y1', code)).ok).toBe(true))).toEqual(['GET', 'EVALSHA']);

    // a remembers a live code; b then kills it with 4 wrong entries: a's right code is
    // refused on the record the refused commit answered with, not on a's copy.
    clock.advance(30_000);
    must(await a.startChallenge('y1'));
    const live = outbox.last()?.code ?? '';
    for (let i = 0; i < 4; i++) await b.verify('y1', wrong(live));
    expect(await count(async () => expect(await a.verify('y1', live)).toMatchObject({ ok: false, error: 'code_exhausted' }))).toEqual(['EVALSHA']);
    expect((await a.getStatus('y1')).failures).toBe(4);
  });

  it('a process whose copy of the number\'s budget is stale pays one more EVALSHA, and counts right', async () => {
    const clock = fakeClock(Date.now());
    const outboxA = outboxSender();
    const outboxB = outboxSender();
    const a = server(clock, outboxA);
    const b = server(clock, outboxB);
    const { factors } = uncounted();
    for (const userId of ['s1', 's2', 's3']) {
      await factors.putFactor({ id: `f_${userId}`, userId, channel: 'sms', status: 'active', phone: '+14155550123', createdAt: 1 });
    }
    expect(await count(() => a.startChallenge('s1'))).toEqual(['EVALSHA', 'EVALSHA']);
    // b has never seen the number: it starts from "no sends", the commit answers with a's record.
    expect(await count(() => b.startChallenge('s2'))).toEqual(['EVALSHA', 'EVALSHA', 'EVALSHA']);
    // a's copy is now stale (b wrote since): one more again.
    expect(await count(() => a.startChallenge('s3'))).toEqual(['EVALSHA', 'EVALSHA', 'EVALSHA']);
    const status = await a.getStatus('s3');
    expect(status.pending?.state).toBe('live');
    expect(outboxA.messages.length + outboxB.messages.length).toBe(3);
  });
});
