// Placeholder: the programme's JSON API under /admin/api (usage, diagnostic) is being built (issue 5).
import { Router } from 'express';
import type { HttpContext } from '../context.js';

export function programmeRoutes(_ctx: HttpContext): Router {
  return Router();
}
