// Microsoft Graph on the HTTPS listener, under /v1.0 and /beta as graph.microsoft.com serves it
// (DESIGN.md "Interfaces"): the sign-in logs and the service communications of the programme.
import { Router } from 'express';
import type { HttpContext } from '../context.js';
import { graphError } from './auth.js';
import { serviceAnnouncementRoutes } from './service-announcements.js';
import { signInRoutes } from './signins.js';

export function graphRoutes(ctx: HttpContext): Router {
  const graph = Router({ caseSensitive: false });
  graph.use(signInRoutes(ctx));
  graph.use(serviceAnnouncementRoutes(ctx));
  graph.use((req, res) => graphError(res, 400, 'BadRequest', `Resource not found for the segment '${req.path.split('/').filter(Boolean).pop() ?? ''}'.`));
  const router = Router();
  router.use(['/v1.0', '/beta'], graph);
  return router;
}
