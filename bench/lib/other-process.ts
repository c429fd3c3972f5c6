/**
 * A second process for the Redis section's "another process wrote last" count: starts a
 * challenge for each given user on the same Redis and prefix, at the given fake time, and
 * prints the codes it sent (phone → code) as JSON. Nothing it holds is shared with the
 * parent, as with another server of the same deployment.
 *
 *   node --import tsx bench/lib/other-process.ts <redis url> <key prefix> <now ms> <users json> [--src]
 */
import { Redis } from 'ioredis';
import { benchClock, captureSender, expectOk, makeMfa } from './fixture.js';
import { loadLibrary } from './mfakit.js';

const [url, prefix, now, usersJson] = process.argv.slice(2);
if (!url || prefix === undefined || !now || !usersJson) throw new Error('other-process: <url> <prefix> <now> <users json>');
const users = JSON.parse(usersJson) as { id: string; phone: string }[];
const lib = await loadLibrary({ fromSrc: process.argv.includes('--src'), build: false });
const io = new Redis(url, { maxRetriesPerRequest: 1 });
try {
  const clock = benchClock(Number(now));
  const sender = captureSender();
  const mfa = makeMfa(lib, lib.redisStores(io, { keyPrefix: prefix }), clock, sender);
  for (const u of users) expectOk(await mfa.startChallenge(u.id), `startChallenge(${u.id}) in the other process`);
  process.stdout.write(`${JSON.stringify(Object.fromEntries(sender.codes))}\n`);
} finally {
  io.disconnect();
}
