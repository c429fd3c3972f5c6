/** The dev outbox page. Mounted only when NODE_ENV is not `production`. @module */
import { Router } from 'express';
import { type AppContext, pageContext } from '../context.js';
import type { DevOutbox } from '../dev-outbox.js';
import { outboxPage } from '../views/outbox.js';

export function devRoutes(app: AppContext, outbox: DevOutbox): Router {
  const router = Router();
  router.get('/dev/outbox', async (req, res) => {
    res.set('Cache-Control', 'no-store').send(outboxPage(await pageContext(app, req, res), outbox.list()));
  });
  return router;
}
