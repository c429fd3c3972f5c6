/**
 * TEST ONLY: moves the app's fake clock, so browser tests can let a 30 s cooldown pass
 * without sleeping. Mounted only when the app was created with a fake clock
 * (`MFAKIT_TEST_CLOCK=1`, refused in production). Never copy this into a real server.
 * @module
 */
import { Router } from 'express';
import type { FakeClock } from 'mfakit/testing';

export function testClockRoutes(clock: FakeClock): Router {
  const router = Router();
  router.post('/__test/advance', (req, res) => {
    const ms = Number(req.query['ms']);
    if (!Number.isFinite(ms) || ms < 0 || ms > 7 * 24 * 60 * 60_000) return res.status(400).json({ error: 'ms must be 0..604800000' });
    clock.advance(ms);
    res.json({ now: clock.now() });
  });
  return router;
}
