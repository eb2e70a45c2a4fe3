import express, { type Router } from 'express';
import type { ApiAccess } from 'adminjs-api-access';

/** The scopes of the three roles of the first seed document. */
export const SCOPES = {
  onboarding: 'onboarding:read',
  securityAudit: 'security-audit:read',
  vaultSummary: 'vault-summary:read',
} as const;

/** A small organisation-data API, guarded by the plugin's middleware, as a host would guard its own. */
export function sampleApi(apiAccess: ApiAccess, checkDatabase: () => Promise<void>): Router {
  const router = express.Router();

  router.get('/health', async (_req, res) => {
    try {
      await checkDatabase();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  router.get('/whoami', apiAccess.requireApiToken(), (req, res) => {
    res.json({ token: req.apiToken });
  });

  router.get('/onboarding', apiAccess.requireApiToken({ scopes: [SCOPES.onboarding] }), (_req, res) => {
    res.json({ licenses: { total: 250, used: 212 }, onboarding: { invited: 40, completed: 31 }, adoption: { weeklyActive: 0.86 } });
  });

  router.get('/security-audit', apiAccess.requireApiToken({ scopes: [SCOPES.securityAudit] }), (_req, res) => {
    res.json({ score: 87, weakPasswords: 14, reusedPasswords: 9, breachedAccounts: 2 });
  });

  router.get('/vaults', apiAccess.requireApiToken({ scopes: [SCOPES.vaultSummary] }), (_req, res) => {
    res.json({
      vaults: [
        { id: 'v1', name: 'Engineering', items: 412, health: 'good' },
        { id: 'v2', name: 'Finance', items: 97, health: 'fair' },
      ],
    });
  });

  router.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such API route.' });
  });

  return router;
}
