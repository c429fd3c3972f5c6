/**
 * The bounded maps behind the `maskPhone` cache and the remembered records: full, they
 * forget the least recently used entry, one at a time, never everything at once.
 */
import { describe, expect, it } from 'vitest';
import { LruMap } from '../src/config/lru.js';
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

  it('keeps a hot entry however many cold keys pass through (no emptying when full)', () => {
    const m = new LruMap<number, string>(100);
    m.set(-1, 'hot');
    for (let i = 0; i < 10_000; i++) {
      m.set(i, String(i));
      if (i % 50 === 0) expect(m.get(-1)).toBe('hot');
      expect(m.size).toBeLessThanOrEqual(100);
    }
    expect(m.size).toBe(100);
    expect(m.get(9_999)).toBe('9999');
  });

  it('setting a held key replaces it without growing', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('a', 2);
    expect(m.size).toBe(1);
    expect(m.get('a')).toBe(2);
    expect(m.delete('a')).toBe(true);
    expect(m.get('a')).toBeUndefined();
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
    expect(() => new LruMap(1.5)).toThrow(RangeError);
  });

  it('maskPhone answers the same past 10 000 distinct numbers', () => {
    for (let i = 0; i < 12_000; i++) maskPhone(`+1415${2_000_000 + i}`);
    expect(maskPhone('+14155552671')).toBe('+1 ••• ••• 2671');
    expect(maskPhone('+14152000001')).toBe('+1 ••• ••• 0001');
  });
});
