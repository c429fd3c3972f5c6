/**
 * Prints the README's performance tables (side by side, and contention scaling) from a
 * results file, as Markdown:  npx tsx bench/tables.ts [bench/results.json]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A results file, read loosely: every field may be missing. */
interface J {
  readonly [key: string]: J | undefined | never;
}

const file = process.argv[2] ?? fileURLToPath(new URL('./results.json', import.meta.url));
const r = JSON.parse(readFileSync(file, 'utf8')) as J;
const n = (v: unknown, d = 0): string => (typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
const range = (xs: unknown): string => {
  if (!Array.isArray(xs) || xs.length === 0) return '–';
  const v = (xs as number[]).filter((x) => typeof x === 'number');
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return lo === hi ? n(lo) : `${n(lo)}–${n(hi)}`;
};

const m = r['machine'] as J;
console.log(`Measured ${String(m['date']).slice(0, 10)} on ${m['cpu']}, ${m['cores']} cores, ${m['memoryGb']} GB, Node ${m['node']}, Redis ${m['redis']}, library ${m['src']}, load average ${m['loadAverage1m']} at start.\n`);

const peers = (r['peers'] ?? {}) as Record<string, J>;
const run = (r['peersRun'] ?? {}) as J;
const order = ['mfakitMemory', 'mfakitRedis', 'betterAuthMemory', 'betterAuthRedis', 'rateLimiterFlexibleCountFirst', 'rateLimiterFlexibleCompareFirst'].filter((k) => peers[k]);
const head = order.map((k) => String(peers[k]?.['label'] as unknown));
const row = (label: string, f: (p: J) => string) => `| ${label} | ${order.map((k) => f(peers[k] as J)).join(' | ')} |`;
console.log(`| | ${head.join(' | ')} |`);
console.log(`|---|${order.map(() => '---').join('|')}|`);
console.log(row(`cycles/s (start + verify, ${run['inFlight'] ?? 64} in flight): median (range over ${run['reps'] ?? '?'} reps)`, (p) => `${n(p['cyclesPerSec'])} (${range(p['cyclesPerSecReps'])})`));
console.log(row('verify p50 / p99 ms', (p) => `${n(p['verifyP50Ms'], 2)} / ${n(p['verifyP99Ms'], 2)}`));
console.log(row('Redis commands per verify / start (commandstats incl. scripts)', (p) => (p['commands'] ? `${n(p['commands']['commandsPerVerify'], 1)} / ${n(p['commands']['commandsPerStart'], 1)} (${n(p['commands']['serverCallsPerVerify'], 1)} / ${n(p['commands']['serverCallsPerStart'], 1)})` : '–')));
console.log(row(`${run['wrongRequests'] ?? 200} concurrent wrong codes: guesses compared`, (p) => String(p['guessesCompared'])));
console.log(row('tries per code', (p) => String(p['rules']?.['triesPerCode'] ?? '')));
console.log(row('lockout', (p) => String(p['rules']?.['lockout'] ?? '')));
console.log(row('cooldown', (p) => String(p['rules']?.['cooldown'] ?? '')));
console.log(row('send budget', (p) => String(p['rules']?.['sendBudget'] ?? '')));
console.log(row('code expiry · storage', (p) => `${p['rules']?.['codeExpiry'] ?? ''} · ${p['rules']?.['codeStorage'] ?? ''}`));
console.log(row('versions', (p) => Object.entries((p['versions'] ?? {}) as unknown as Record<string, string>).map(([k, v]) => `${k} ${v}`).join(', ')));
if (Array.isArray(run['redisVsRateLimiterFlexible'])) console.log(`\nmfakit Redis ÷ the faster rate-limiter-flexible flow, per rep: ${(run['redisVsRateLimiterFlexible'] as number[]).join(', ')}.`);

const c = (r['contention'] ?? {}) as J;
console.log('\n| concurrent wrong codes (one user, Redis, 4 connections) | CAS retries | retries per request | guesses compared | errors | wall ms |');
console.log('|---|---|---|---|---|---|');
for (const s of (c['scaling'] ?? []) as J[]) console.log(`| ${n(s['requests'])} | ${n(s['casRetries'])} | ${n(s['retriesPerRequest'], 2)} | ${s['guessesCompared']} | ${s['errors']} | ${n(s['wallMs'], 1)} |`);

const mem = (r['memory'] ?? {}) as J;
const red = (r['redis'] ?? {}) as J;
const cr = (r['crypto'] ?? {}) as J;
console.log('\n| measure | result |');
console.log('|---|---|');
console.log(`| crypto ceiling (HMAC/s ÷ 3) · bare plain-JS floor | ${n(cr['cryptoCeilingCyclesPerSec'])} · ${n(mem['floorCyclesPerSec'])} cycles/s |`);
const slices = (mem['floorSliceRatios'] ?? []) as number[];
const sliceRange = slices.length > 0 ? ` (median of ${slices.length} slice pairs, ${Math.min(...slices)}–${Math.max(...slices)})` : '';
console.log(`| memory: cycles/s · ÷ ceiling · ÷ floor (floorRatio${sliceRange}) | ${n(mem['cyclesPerSec'])} · ${n(mem['ratio'], 3)} · ${n(mem['floorRatio'], 3)} |`);
console.log(`| memory store heap per user at 1M users: idle (after the sweeps) · just written | ${n(mem['bytesPerUserAt1M'])} B (${n(mem['heap']?.['heapAfterMb'])} MB) · ${n(mem['bytesPerUserAt1MJustWritten'])} B |`);
console.log(`| Redis: cycles/s · verify/s · store limit · ratio | ${n(red['cyclesPerSec'])} · ${n(red['verifyPerSec'])} · ${n(red['storeLimitPerSec'])} · ${n(red['ratio'], 3)} |`);
console.log(`| Redis commands per verify (this process wrote last · another did) · per start | ${n(red['commandsPerVerifyWarm'], 2)} · ${n(red['commandsPerVerifyCold'], 2)} · ${n(red['commandsPerStart'], 2)} |`);
console.log('\n| target | result | met |');
console.log('|---|---|---|');
for (const t of (r['targets'] ?? []) as J[]) console.log(`| ${t['name']} ${t['target']} | ${t['actual'] ?? 'not measured'} | ${t['met'] === null ? 'n/a' : t['met'] ? 'yes' : 'no'} |`);
