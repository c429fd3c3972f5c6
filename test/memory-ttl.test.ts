import { describe, expect, it } from 'vitest';
import { createMfa, MfaError } from '../src/index.js';
import { memoryStores } from '../src/adapters/memory/index.js';
import { fakeClock } from '../src/testing/index.js';
import { countingSender } from './helpers/store-wrappers.js';
import { SECRET, wrong } from './helpers/setup.js';

const HOUR = 3_600_000;

/** A distinct US number per user (factors are written directly, so no enrollment is needed). */
const numberOf = (i: number) => `+1415${String(2_000_000 + i).padStart(7, '0')}`;

async function population(n: number, maxKeys: number) {
  const clock = fakeClock();
  const stores = memoryStores({ clock, maxKeys });
  const sender = countingSender();
  // The numbers share 10 prefixes: the prefix budget (a key per prefix shard) is off, so the key counts stay per user.
  const mfa = createMfa({ stores, clock, secret: SECRET, senders: { sms: sender }, sending: { perPrefix: false } });
  for (let i = 0; i < n; i++) {
    await stores.factors.putFactor({ id: `f${i}`, userId: `u${i}`, channel: 'sms', status: 'active', phone: numberOf(i), createdAt: clock.now() });
  }
  return { clock, stores, sender, mfa };
}

describe('memory state store: bounded, and empty once every TTL has passed', () => {
  it('10^5 challenges (half with a wrong entry) → 0 entries after 25 h, never more than maxKeys on the way', async () => {
    const N = 100_000;
    const MAX_KEYS = 250_000; // one user key and one destination key per user
    const { clock, stores, sender, mfa } = await population(N, MAX_KEYS);
    let peak = 0;
    let withFailure = 0;
    const BATCH = 250;
    for (let start = 0; start < N; start += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, N - start) }, async (_, k) => {
          const i = start + k;
          const sent = await mfa.startChallenge(`u${i}`);
          if (!sent.ok) throw new Error(`u${i}: ${sent.error}`);
          if (i % 2 === 0) {
            const res = await mfa.verify(`u${i}`, wrong(sender.codeFor.get(numberOf(i))!));
            if (!res.ok && (res.error === 'code_mismatch' || res.error === 'code_exhausted')) withFailure++;
          }
        }),
      );
      if ((start / BATCH) % 40 === 0) peak = Math.max(peak, stores.state.size());
      clock.advance(1); // time moves a little between batches
    }
    peak = Math.max(peak, stores.state.size());
    expect(sender.count).toBe(N);
    expect(peak).toBeLessThanOrEqual(MAX_KEYS);
    expect(stores.state.size()).toBe(2 * N);

    // Past the send window (1 h): only the users with a remembered failure are left.
    clock.advance(HOUR);
    expect(stores.state.size()).toBe(withFailure);
    expect(withFailure).toBe(N / 2);

    // Past every rule window (failures are remembered 24 h).
    clock.advance(24 * HOUR);
    expect(stores.state.sweep()).toBe(withFailure);
    expect(stores.state.size()).toBe(0);
  }, 120_000);

  it('a full store refuses new keys (store_failed, nothing sent) and never evicts a live code', async () => {
    const MAX_KEYS = 200;
    const { clock, stores, sender, mfa } = await population(300, MAX_KEYS);
    const codes = new Map<number, string>();
    const refused: number[] = [];
    for (let i = 0; i < 300; i++) {
      const before = sender.count;
      try {
        const sent = await mfa.startChallenge(`u${i}`);
        expect(sent.ok).toBe(true);
        codes.set(i, sender.codeFor.get(numberOf(i))!);
      } catch (err) {
        expect(err).toBeInstanceOf(MfaError);
        expect((err as MfaError).code).toBe('store_failed');
        expect(sender.count).toBe(before);
        refused.push(i);
      }
      expect(stores.state.size()).toBeLessThanOrEqual(MAX_KEYS);
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(codes.size).toBeGreaterThan(0);
    // Every code that went out is still live and verifies.
    for (const [i, code] of codes) expect(await mfa.verify(`u${i}`, code)).toMatchObject({ ok: true });
    // Once the entries expire, the store takes new keys again.
    clock.advance(HOUR);
    const late = refused[0]!;
    expect(await mfa.startChallenge(`u${late}`)).toMatchObject({ ok: true });
  });
});
