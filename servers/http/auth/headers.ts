// The diagnostic headers every Exchange Online HTTP response carries (reference §5.1, §5.2,
// §10.7): which front end and which mailbox server answered, the request id, and the back end's
// status. Set on every response of an Exchange path, success or not, so clients and scripts that
// log them (and enumeration tools that read them) see what they would see against the service.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { FrontEnd, FrontEnds } from '../../../core/frontends.js';

/** The Exchange build the headers name (§5.1's sample shows 15.20.x). */
export const EXCHANGE_BUILD = '15.20.8466.031';

export function exchangeHeaders(frontEnds: FrontEnds): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const fe: FrontEnd = frontEnds.pick();
    const backendShort = fe.backend.slice(0, fe.backend.indexOf('.'));
    res.locals.frontEnd = fe;
    res.setHeader('Server', 'Microsoft-IIS/10.0');
    res.setHeader('request-id', randomUUID());
    res.setHeader('X-CalculatedBETarget', fe.backend);
    res.setHeader('X-ServerApplication', `Exchange/${EXCHANGE_BUILD}`);
    res.setHeader('X-DiagInfo', backendShort);
    res.setHeader('X-BEServer', backendShort);
    res.setHeader('X-Proxy-RoutingCorrectness', '1');
    res.setHeader('X-FEServer', fe.name);
    res.setHeader('X-Powered-By', 'ASP.NET');
    // The back end's status is the response's own: known only when the head is written.
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      const status = String(args[0]);
      this.setHeader('X-BackEndHttpStatus', status);
      this.setHeader('X-Proxy-BackendServerStatus', status);
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as typeof res.writeHead;
    next();
  };
}
