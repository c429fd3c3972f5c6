/**
 * A user's record and a number's send-budget record, compare-and-set in one commit (both
 * or neither), for stores whose `combined` fast paths span keys.
 * @internal
 * @module
 */
import {
  backOff,
  contention,
  type Decision,
  decodeWith,
  destinationCodec,
  destinationKey,
  guard,
  type Snapshot,
  userCodec,
  userKey,
  writeOf,
} from './cas.js';
import type { Context } from './context.js';
import type { DestinationState, UserState } from './core/state.js';
import { MfaError } from './errors.js';
import type { CommitResult, StateWrite } from './ports/combined-store.js';
import type { VersionedRecord } from './ports/state-store.js';

/** The user's outcome, or the number's refusal (then nothing was written). */
export type PairOutcome<RU, RD> = { readonly user: RU } | { readonly destination: RD };

/**
 * Atomically updates a user's state and a number's send history in one commit (both
 * or neither). Needs `ctx.combined` with `multiKey`. The user's record comes from
 * `snapshot` or a read; the number's from the remembered copy, proven by the commit.
 * Resolves the number's outcome only when it refused (nothing written).
 */
export async function updateUserAndDestination<RU, RD>(
  ctx: Context,
  userId: string,
  destinationHash: string,
  decideUser: (state: UserState, now: number) => Decision<UserState, RU>,
  decideDestination: (state: DestinationState | null, now: number) => Decision<DestinationState, RD>,
  snapshot?: Snapshot,
): Promise<PairOutcome<RU, RD>> {
  const combined = ctx.combined;
  if (!combined?.multiKey) throw new MfaError('invalid_argument', 'updateUserAndDestination needs a multi-key combined store');
  const uKey = userKey(userId);
  const dKey = destinationKey(destinationHash);
  const uCodec = userCodec(ctx);
  const dCodec = destinationCodec(ctx);
  let userRec = snapshot?.record;
  let destRec: VersionedRecord | null | undefined = ctx.destinations.get(dKey) ?? null;
  let destGuessed = true;
  for (let attempt = 0; attempt < ctx.options.maxCasAttempts; attempt++) {
    const uRec: VersionedRecord | null = userRec === undefined ? await guard('read', () => ctx.state.read(uKey)) : userRec;
    let dRec: VersionedRecord | null;
    if (destRec === undefined) {
      dRec = await guard('read', () => ctx.state.read(dKey));
      destGuessed = false;
      ctx.destinations.set(dKey, dRec);
    } else dRec = destRec;
    userRec = uRec;
    destRec = dRec;
    const now = ctx.clock.now();
    const u = decideUser(decodeWith(uCodec, uRec), now);
    if (u.state === undefined) return { user: u.outcome };
    const d = decideDestination(decodeWith(dCodec, dRec), now);
    if (d.state === undefined) {
      if (!destGuessed) return { destination: d.outcome };
      destRec = undefined; // refused on a remembered record: read the real one first
      continue;
    }
    const uWrite: StateWrite | null = writeOf(uKey, uCodec, uRec, u.state, now);
    const dWrite: StateWrite | null = writeOf(dKey, dCodec, dRec, d.state, now);
    // Issuing a code and counting a send always write both records.
    if (!uWrite || !dWrite) throw new MfaError('invalid_argument', 'updateUserAndDestination: both records must change');
    const r: CommitResult = await guard('write', () => combined.commit([uWrite, dWrite]));
    if (r.ok) {
      const version = r.versions[1];
      ctx.destinations.set(dKey, dWrite.value === null || version == null ? null : { value: dWrite.value, version });
      return { user: u.outcome };
    }
    userRec = r.current[0] ?? null;
    destRec = r.current[1] ?? null;
    destGuessed = false;
    ctx.destinations.set(dKey, destRec);
    await backOff(attempt);
  }
  throw contention(ctx);
}
