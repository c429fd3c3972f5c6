/** Challenge and factor ids: 128 random bits each, cut from pooled CSPRNG blocks, never repeated. */
import { describe, expect, it } from 'vitest';
import { randomId } from '../src/factors/code.js';

describe('randomId', () => {
  it('draws distinct 128-bit ids across many pool refills', () => {
    const ids = Array.from({ length: 2_000 }, () => randomId('ch'));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^ch_[A-Za-z0-9_-]{22}$/);
    // Every position of the id varies (no stuck or zeroed bytes from the pool); the last
    // character holds the last 2 bits of the 128.
    for (let pos = 3; pos < 24; pos++) expect(new Set(ids.map((id) => id[pos])).size).toBeGreaterThan(20);
    expect(new Set(ids.map((id) => id[24])).size).toBe(4);
  });
});
