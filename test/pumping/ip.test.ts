/** Client IPs: what `{ ip }` accepts, and what the per-IP budget counts an address by. */
import { describe, expect, it } from 'vitest';
import { ipArgument, ipBudgetKey } from '../../src/config/ip.js';

describe('ipArgument', () => {
  it.each(['203.0.113.7', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:203.0.113.7'])('accepts %s', (ip) => {
    expect(ipArgument(ip)).toBe(ip);
  });
  it.each([['not an ip'], [''], ['203.0.113'], ['203.0.113.7:80'], ['1.2.3.256'], [42], [null], [{}], ['1'.repeat(100)]])('refuses %j with invalid_argument', (v) => {
    expect(() => ipArgument(v)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
  it('passes undefined through (no IP: not counted)', () => {
    expect(ipArgument(undefined)).toBeUndefined();
  });
});

describe('ipBudgetKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s → %s', (ip, key) => {
    expect(ipBudgetKey(ip)).toBe(key);
  });
});
