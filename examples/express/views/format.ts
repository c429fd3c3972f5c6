/**
 * Time formatting for messages. The server does not know the visitor's time zone, so
 * times are shown in UTC with a relative hint; a real app would use the user's zone.
 * @module
 */

/** `14:20 UTC` (with the date when it is not the same day as `now`). */
export function formatTime(epochMs: number, now: number): string {
  const d = new Date(epochMs);
  const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
  const sameDay = new Date(now).toISOString().slice(0, 10) === d.toISOString().slice(0, 10);
  return sameDay ? time : `${d.toISOString().slice(0, 10)} ${time}`;
}

/** `45 seconds`, `1 minute`, `20 minutes`, `2 hours` (rounded up, so a wait is never understated). */
export function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return plural(minutes, 'minute');
  return plural(Math.ceil(minutes / 60), 'hour');
}

/** `1 attempt`, `3 attempts`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
