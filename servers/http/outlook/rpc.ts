// RPC over HTTP (`/rpc/rpcproxy.dll`, Outlook Anywhere). After sign-in the RPC proxy would open
// the RPC_IN_DATA / RPC_OUT_DATA channels of MS-RPCH; exogate emulates the sign-in only, so every
// signed-in request gets an empty RPC answer (200, application/rpc, no body): the channel ends
// at once, and Outlook, which Autodiscover also offers MAPI/HTTP, moves on to it.
import type { Request, Response } from 'express';
import { RPC_CONTENT_TYPE } from './replies.js';

export function rpcHandler(_req: Request, res: Response): void {
  res.status(200).setHeader('Content-Type', RPC_CONTENT_TYPE);
  res.setHeader('Content-Length', '0');
  // The request body (RPC_IN_DATA announces up to 1 GiB) is never read: Node discards it.
  res.end();
}
