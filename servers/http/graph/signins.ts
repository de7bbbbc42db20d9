// Placeholder: GET /v1.0/auditLogs/signIns is being built (issue 5).
import { Router } from 'express';
import type { HttpContext } from '../context.js';

export function signInRoutes(_ctx: HttpContext): Router {
  return Router();
}
