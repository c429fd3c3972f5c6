/**
 * `GET /admin/audit`: this instance's audit trail (audit-trail.ts), fed by mfakit's events.
 * Mounted behind the admin guard (routes/admin.ts).
 * @module
 */
import { Router } from 'express';
import { type AppContext, pageContext } from '../context.js';
import { auditPage } from '../views/audit.js';

export function adminAuditRoutes(app: AppContext): Router {
  const router = Router();
  router.get('/admin/audit', async (req, res) => {
    const nameOf = (id: string) => app.users.get(id)?.username ?? id;
    res.set('Cache-Control', 'no-store');
    res.send(auditPage(await pageContext(app, req, res), { entries: app.audit.list(), limit: app.audit.limit, nameOf }));
  });
  return router;
}
