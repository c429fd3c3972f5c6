/**
 * A real HTTP server on a free loopback port that records each request and answers with what
 * the test's handler says: the providers' documented payloads, never a mock of `fetch`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** The raw body, as sent. */
  readonly body: string;
  /** The body read as a form (`application/x-www-form-urlencoded`). */
  readonly form: Record<string, string>;
}

export interface Answer {
  readonly status?: number;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  readonly contentType?: string;
  /** Never answer (a provider that hangs). */
  readonly hang?: boolean;
}

export interface TestServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** What the next requests get; the last answer repeats. */
  answer(...answers: Answer[]): void;
  close(): Promise<void>;
}

export async function startServer(first: Answer = { status: 200, body: {} }): Promise<TestServer> {
  let queue: Answer[] = [first];
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, form: Object.fromEntries(new URLSearchParams(body)) });
      const answer = (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 200 };
      if (answer.hang) {
        hanging.add(res);
        return;
      }
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      res.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? (typeof answer.body === 'string' ? 'text/xml' : 'application/json') });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(...answers) {
      queue = answers;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** An error as everything a log could show of it: message, fields and the whole cause chain. */
export function everythingOf(err: unknown): string {
  const seen: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) {
      seen.push(String(current), current.stack ?? '', JSON.stringify({ ...current }), JSON.stringify(Object.getOwnPropertyNames(current).map((k) => (current as unknown as Record<string, unknown>)[k])));
      current = current.cause;
    } else {
      seen.push(JSON.stringify(current));
      current = undefined;
    }
  }
  return seen.join('\n');
}
