/** The example app's audit trail: bounded, newest first. */
import { describe, expect, it } from 'vitest';
import { AUDIT_TRAIL_LIMIT, AuditTrail } from '../../examples/express/audit-trail.js';

describe('AuditTrail', () => {
  it('keeps the newest entries up to its limit, newest first', () => {
    const trail = new AuditTrail(3);
    for (let i = 1; i <= 5; i++) trail.record({ action: 'user.unlocked', at: i, userId: `u${i}` });
    expect(trail.list().map((e) => e.at)).toEqual([5, 4, 3]);
    expect(new AuditTrail().limit).toBe(AUDIT_TRAIL_LIMIT);
  });

  it('keeps a copy: changing the entry passed in, or the list returned, changes nothing', () => {
    const trail = new AuditTrail(2);
    const entry = { action: 'user.unlocked' as const, at: 1, userId: 'u1' };
    trail.record(entry);
    entry.userId = 'u2';
    const first = trail.list()[0] as { userId?: string };
    expect(() => {
      first.userId = 'u3';
    }).toThrow(TypeError);
    expect(trail.list()).toEqual([{ action: 'user.unlocked', at: 1, userId: 'u1' }]);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => new AuditTrail(limit)).toThrow(RangeError);
  });
});
