/** A start-up problem the operator can fix; `server.ts` prints its message as one line, without a stack. @module */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
