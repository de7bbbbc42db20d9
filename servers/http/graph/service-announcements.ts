// Placeholder: /v1.0/admin/serviceAnnouncement/{messages,issues} are being built (issue 5).
import { Router } from 'express';
import type { HttpContext } from '../context.js';

export function serviceAnnouncementRoutes(_ctx: HttpContext): Router {
  return Router();
}
