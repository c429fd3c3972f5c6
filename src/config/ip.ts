/**
 * Client IPs as the per-IP send budget counts them: checked with `net.isIP`, an IPv4 address
 * as it is, an IPv4-mapped IPv6 address as its IPv4 address, any other IPv6 address by its
 * /64 network (one subscriber usually holds a whole /64, so counting single addresses would
 * let one client rotate through billions of them).
 * @internal
 * @module
 */
import { isIP } from 'node:net';
import { MfaError } from './errors.js';

/** Longest accepted IP argument (an IPv6 address with a zone is at most ~50 characters). */
const MAX_IP_LENGTH = 64;

/**
 * Checks an `ip` argument: `undefined` passes through; anything that is not an IPv4 or IPv6
 * address throws `MfaError('invalid_argument')` (the message never echoes the value).
 */
export function ipArgument(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_IP_LENGTH || isIP(value) === 0) {
    throw new MfaError('invalid_argument', 'ip must be an IPv4 or IPv6 address (net.isIP)');
  }
  return value;
}

/**
 * What the per-IP budget counts an address by.
 *
 * @example
 * ```ts
 * ipBudgetKey('203.0.113.7');            // '203.0.113.7'
 * ipBudgetKey('::ffff:203.0.113.7');     // '203.0.113.7'
 * ipBudgetKey('2001:db8:1:2:3:4:5:6');   // '2001:db8:1:2::/64'
 * ```
 */
export function ipBudgetKey(ip: string): string {
  if (isIP(ip) === 4) return ip;
  const groups = expandIpv6(ip.split('%')[0] ?? ip);
  // ::ffff:a.b.c.d (IPv4-mapped): the IPv4 address itself.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a trailing IPv4 part). */
function expandIpv6(ip: string): number[] {
  let text = ip.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array.from({ length: zeros }, () => 0), ...right];
}
