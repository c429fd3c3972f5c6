/**
 * Counts what leaves a client's socket: each write's number of chunks (commands), pushed
 * into `writes` (1 for a single `write`, n for a `writev` of n). Used by the tests that check
 * an ioredis client's commands of one turn leave together.
 */
interface Writable {
  _write(chunk: unknown, encoding: string, cb: (err?: Error | null) => void): void;
  _writev?(chunks: unknown[], cb: (err?: Error | null) => void): void;
}

export function countSocketWrites(socket: unknown, writes: number[]): void {
  const s = socket as Writable;
  const write = s._write.bind(s);
  const writev = s._writev?.bind(s);
  if (writev === undefined) throw new Error('countSocketWrites: the socket has no _writev');
  s._write = (chunk, encoding, cb) => {
    writes.push(1);
    write(chunk, encoding, cb);
  };
  s._writev = (chunks, cb) => {
    writes.push(chunks.length);
    writev(chunks, cb);
  };
}
