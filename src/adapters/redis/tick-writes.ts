/**
 * For an ioredis client, the commands of one turn of the event loop written together (one
 * socket write per 16 commands) instead of one by one: ioredis writes each command to its
 * socket at once (one `write` system call each); node-redis gathers a turn's commands itself.
 * @internal
 * @module
 */

/** A writable stream that can hold its writes (`net.Socket`). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * At most this many commands wait in one write. Every write system call costs the sender
 * (and wakes Redis); a turn's whole load in one write leaves Redis idle until the turn ends
 * and Node idle while Redis works through it. 16 cuts the writes 16-fold and lets Redis
 * start on a turn's first commands (64 verifies in flight on a busy 2-core machine: verify/s
 * level with one write per turn, both well above one write per command).
 */
const FLUSH_EVERY = 16;

const isCorkable = (s: unknown): s is Corkable =>
  typeof s === 'object' && s !== null && typeof (s as Corkable).cork === 'function' && typeof (s as Corkable).uncork === 'function';

/**
 * The sockets an ioredis client writes to now: a `Redis` client's `stream` (its socket, set
 * at each connect), a `Cluster`'s nodes' streams (`nodes('all')`). `null` for any other
 * client (node-redis gathers the writes of a turn itself; a bare function is the caller's).
 */
function socketsOf(client: object): (() => unknown[]) | null {
  const c = client as Record<string, unknown>;
  if (typeof c['call'] !== 'function') return null;
  if (c['isCluster'] === true) {
    const nodes = c['nodes'];
    if (typeof nodes !== 'function') return null;
    return () => {
      const list: unknown = (nodes as (role: string) => unknown).call(client, 'all');
      return Array.isArray(list) ? list.map((node: unknown) => (node as Record<string, unknown> | null)?.['stream']) : [];
    };
  }
  // A `Redis` client says `isCluster: false`; its `stream` exists once it connects.
  if (c['isCluster'] !== false) return null;
  return () => [c['stream']];
}

/**
 * For an ioredis client, a function to call just before sending a command: the first call
 * of a turn holds the client's sockets (`cork`) and releases them (`uncork`) in a
 * `process.nextTick`, which runs once the current callbacks and promise continuations are
 * done. The commands sent meanwhile leave in one `writev` per {@link FLUSH_EVERY} commands
 * (and one for the rest at the end of the turn), in the order they were sent;
 * each reply and error still goes to its own command (the client matches replies to
 * commands as before). A command sent alone waits for nothing but the end of the code
 * running now: no timer, no I/O. `null` for other clients.
 *
 * A socket being replaced (reconnect) is released all the same: each held socket is
 * uncorked exactly once.
 * @internal
 */
export function tickWrites(client: object): (() => void) | null {
  const sockets = socketsOf(client);
  if (sockets === null) return null;
  let held: Corkable[] | null = null;
  let count = 0;
  const release = (): void => {
    const list = held;
    held = null;
    if (list !== null) for (const s of list) s.uncork();
  };
  return () => {
    if (held !== null) {
      // A long turn does not keep Redis idle until its end: each FLUSH_EVERY commands leave at once.
      if (count === FLUSH_EVERY) {
        count = 0;
        for (const s of held) {
          s.uncork();
          s.cork();
        }
      }
      count++;
      return;
    }
    count = 1;
    const list: Corkable[] = [];
    held = list;
    process.nextTick(release);
    try {
      for (const s of sockets()) {
        if (isCorkable(s)) {
          s.cork();
          list.push(s);
        }
      }
    } catch {
      // Only a saving: a client that cannot say its sockets writes as it always does.
    }
  };
}
