/** What every system of the side-by-side section provides to the harness (bench/peers/harness.ts). */
import type { Redis } from 'ioredis';

/** The rules a system enforces as configured in the bench, stated in the results and the README. */
export interface PeerRules {
  readonly codeExpiry: string;
  readonly triesPerCode: string;
  readonly lockout: string;
  readonly cooldown: string;
  readonly sendBudget: string;
  readonly codeStorage: string;
  readonly notes?: string;
}

/** One user's slot in a round: started, then verified with the code it was sent. */
export interface PeerSystem {
  /** Key in `peers.<name>` (results.json) — stable, read by tools. */
  readonly name: string;
  readonly label: string;
  /** Package versions measured, e.g. `{ "better-auth": "1.7.25" }`. */
  readonly versions: Record<string, string>;
  readonly rules: PeerRules;
  /** The ioredis client the system talks through (null: no Redis). Its commands are counted. */
  readonly redis: Redis | null;
  /**
   * Readies `count` users for a round of cycles and resolves the ms spent in steps that are
   * not part of the cycle (better-auth: the password sign-in that precedes its OTP step).
   */
  prepareRound(count: number): Promise<number>;
  /** Sends user `i` (of the prepared round) a code. */
  start(i: number): Promise<void>;
  /** Verifies user `i` with the code it was sent; throws unless it is accepted. */
  verify(i: number): Promise<void>;
  /**
   * One user, one live code, `requests` concurrent wrong codes: how many were compared
   * against the code (and the responses by kind).
   */
  wrongCodes(requests: number): Promise<{ guessesCompared: number; outcomes: Record<string, number> }>;
  close(): Promise<void>;
}
