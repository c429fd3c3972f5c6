/**
 * The bounded maps behind the `maskPhone` cache (least recently used forgotten first) and
 * the gateway's remembered records (least recently written forgotten first): full, they
 * forget one entry at a time, never everything at once.
 */
import { describe, expect, it } from 'vitest';
import { LruMap, WriteOrderMap } from '../src/config/lru.js';
import { maskPhone } from '../src/config/phone.js';

describe('LruMap', () => {
  it('past its bound forgets only the least recently used entry', () => {
    const m = new LruMap<string, number>(3);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect(m.get('a')).toBe(1); // a is now the most recent: b is the oldest
    m.set('d', 4);
    expect(m.size).toBe(3);
    expect(m.has('b')).toBe(false);
    expect([m.get('a'), m.get('c'), m.get('d')]).toEqual([1, 3, 4]);
  });

  it('maskPhone answers the same past 10 000 distinct numbers', () => {
    for (let i = 0; i < 12_000; i++) maskPhone(`+1415${2_000_000 + i}`);
    expect(maskPhone('+14155552671')).toBe('+1 ••• ••• 2671');
    expect(maskPhone('+14152000001')).toBe('+1 ••• ••• 0001');
  });
});

describe('WriteOrderMap', () => {
  it('past its bound forgets the least recently written entry; a read does not keep one', () => {
    const m = new WriteOrderMap<string, number>(3);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect(m.get('a')).toBe(1); // read, not written: a stays the oldest
    m.set('d', 4);
    expect(m.size).toBe(3);
    expect(m.get('a')).toBeUndefined();
    expect([m.get('b'), m.get('c'), m.get('d')]).toEqual([2, 3, 4]);
  });

});

describe.each([
  // An LRU keeps an entry that is read; a write-order map one that is written again (as a
  // remembered record is at each commit).
  ['LruMap', 'read', (m: WriteOrderMap<number, string>) => expect(m.get(-1)).toBe('hot'), () => new LruMap<number, string>(100)],
  ['WriteOrderMap', 'written again', (m: WriteOrderMap<number, string>) => (expect(m.get(-1)).toBe('hot'), m.set(-1, 'hot')), () => new WriteOrderMap<number, string>(100)],
] as const)('%s: a hot entry', (_name, use, keepHot, make) => {
  it(`${use} often enough is kept however many cold keys pass through (no emptying when full)`, () => {
    const m = make();
    m.set(-1, 'hot');
    for (let i = 0; i < 10_000; i++) {
      m.set(i, String(i));
      if (i % 50 === 0) keepHot(m);
      expect(m.size).toBeLessThanOrEqual(100);
    }
    expect(m.size).toBe(100);
    expect(m.get(-1)).toBe('hot');
    expect(m.get(9_999)).toBe('9999');
  });
});

describe.each([
  ['LruMap', LruMap],
  ['WriteOrderMap', WriteOrderMap],
] as const)('%s, as both maps behave', (_name, Bounded) => {
  it('setting a held key replaces it without growing; delete forgets it', () => {
    const m = new Bounded<string, number>(2);
    m.set('a', 1);
    m.set('a', 2);
    expect(m.size).toBe(1);
    expect(m.get('a')).toBe(2);
    expect(m.delete('a')).toBe(true);
    expect(m.get('a')).toBeUndefined();
    expect(m.delete('a')).toBe(false);
  });

  it('getOr derives a missing value once and remembers it', () => {
    const m = new Bounded<string, string>(2);
    let made = 0;
    const make = (k: string) => `v:${k}:${++made}`;
    expect(m.getOr('a', make)).toBe('v:a:1');
    expect(m.getOr('a', make)).toBe('v:a:1');
    expect(made).toBe(1);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new Bounded(0)).toThrow(RangeError);
    expect(() => new Bounded(2.5)).toThrow(RangeError);
  });
});
