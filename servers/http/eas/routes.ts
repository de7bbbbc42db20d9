// Exchange ActiveSync on /Microsoft-Server-ActiveSync (reference §5.4, MS-ASHTTP): every request
// passes the one sign-in gate first (Basic or Bearer; the DeviceId goes into the sign-in record),
// then OPTIONS answers what the server speaks and POST runs one command:
//   parameters (DeviceId, DeviceType, Cmd, protocol version, Content-Type) → body (bounded by
//   httpMaxBodyBytes) → WBXML → policy key → the command, one at a time per device.
// Every refusal is in ./replies.ts; no error reaches the wire as more than a status and a line.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { FrontEnd } from '../../../core/frontends.js';
import { decisionOf, signIn } from '../auth/gate.js';
import type { HttpContext } from '../context.js';
import { COMMANDS } from './commands/index.js';
import type { CommandSpec, EasRequest, EasResult } from './commands/spec.js';
import { COMMON_STATUS, EAS_HEADERS, HTTP_ERRORS, offeredVersions, optionsHeaders, WBXML_TYPE, type EasHttpError } from './replies.js';
import { paramsOf, validDeviceId, validDeviceType, type EasParams } from './request.js';
import { DeviceStates, serialized } from './state.js';
import { PingWatchers } from './watchers.js';
import { decode, encode, WbxmlError, type WbxmlElement } from './wbxml/codec.js';
import { el } from './wbxml/tree.js';

const PATHS = ['/Microsoft-Server-ActiveSync', '/Microsoft-Server-ActiveSync/default.eas'];

/** Body types a command may carry: WBXML (the older generic name too), and MIME for SendMail 12.x. */
const WBXML_TYPES = new Set([WBXML_TYPE, 'application/vnd.ms-sync']);

interface Prepared {
  params: EasParams;
  spec: CommandSpec;
  version: number;
  contentType: string;
}

export function easRoutes(ctx: HttpContext): Router {
  const router = Router({ caseSensitive: false });
  const devices = new DeviceStates(ctx.limits.easMaxDeviceStates);
  const watchers = new PingWatchers(ctx.mail);
  const gate = signIn(ctx.auth, {
    protocol: 'eas',
    mailbox: (req) => paramsOf(req).user,
    deviceId: (req) => paramsOf(req).deviceId,
  });
  const body = express.raw({ type: () => true, limit: ctx.limits.httpMaxBodyBytes });

  router.options(PATHS, gate, (_req, res) => {
    res.set(optionsHeaders(ctx.clock.now()));
    res.setHeader('Content-Length', '0');
    res.status(200).end();
  });

  router.post(PATHS, gate, (req, res, next) => {
    res.set(EAS_HEADERS);
    const prepared = prepare(req, ctx.clock.now());
    if ('status' in prepared) return sendError(res, prepared);
    res.locals.eas = prepared;
    next();
  }, body, (req, res) => {
    run(ctx, devices, watchers, req, res).catch((error: unknown) => {
      ctx.log.error({ err: error, proto: 'eas' }, 'ActiveSync command failed');
      if (!res.headersSent) sendError(res, HTTP_ERRORS.serverError);
    });
  });

  // A browser's GET (and any other method): the gate, then what EAS says to a request that is no command.
  router.all(PATHS, gate, (req, res) => {
    res.set(EAS_HEADERS);
    sendError(res, validDeviceId(paramsOf(req).deviceId) ? HTTP_ERRORS.notImplemented : HTTP_ERRORS.deviceIdMissing);
  });

  router.use(PATHS, (err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err.status === 413 || err.type === 'entity.too.large') return sendError(res, HTTP_ERRORS.tooLarge);
    if (err.status && err.status >= 400 && err.status < 500) return sendError(res, HTTP_ERRORS.malformedBody);
    ctx.log.error({ err, proto: 'eas' }, 'ActiveSync request failed');
    sendError(res, HTTP_ERRORS.serverError);
  });
  return router;
}

/** The checks that need no body, in the order Exchange's ActiveSync handler makes them. */
function prepare(req: Request, now: number): Prepared | EasHttpError {
  const params = paramsOf(req);
  if (!validDeviceId(params.deviceId)) return HTTP_ERRORS.deviceIdMissing;
  if (!validDeviceType(params.deviceType)) return HTTP_ERRORS.deviceTypeMissing;
  if (!params.cmd) return HTTP_ERRORS.commandMissing;
  const spec = COMMANDS.get(params.cmd.toLowerCase());
  if (!spec) return HTTP_ERRORS.notImplemented;
  if (!params.version || !offeredVersions(now).includes(params.version)) return HTTP_ERRORS.versionNotOffered;
  const contentType = (req.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (contentType && !WBXML_TYPES.has(contentType) && !(spec.mimeBody && contentType === 'message/rfc822')) return HTTP_ERRORS.wrongContentType;
  return { params, spec, version: Number(params.version), contentType: contentType || WBXML_TYPE };
}

async function run(ctx: HttpContext, devices: DeviceStates, watchers: PingWatchers, req: Request, res: Response): Promise<void> {
  const { params, spec, version, contentType } = res.locals.eas as Prepared;
  const decision = decisionOf(res);
  const mailbox = decision.mailbox ?? decision.user;
  if (!mailbox || !decision.tenant) return sendError(res, HTTP_ERRORS.serverError);
  const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

  let doc: WbxmlElement | null = null;
  if (raw.length && WBXML_TYPES.has(contentType)) {
    try {
      doc = decode(raw, ctx.limits.wbxmlMaxDepth);
    } catch (error) {
      if (!(error instanceof WbxmlError)) throw error;
      ctx.log.debug({ proto: 'eas', cmd: spec.name, reason: error.message }, 'malformed WBXML');
      return sendError(res, HTTP_ERRORS.malformedBody);
    }
  }

  const device = devices.of(mailbox.id, params.deviceId!);
  if (!spec.beforeProvisioning) {
    const held = device.policy.key;
    if (!held || params.policyKey !== held) {
      // MS-ASPROV: 12.x is told with HTTP 449; 14.0 and later get the command's Status in WBXML.
      if (version < 14) return sendError(res, HTTP_ERRORS.provisionFirst);
      const status = !params.policyKey || params.policyKey === '0' ? COMMON_STATUS.deviceNotProvisioned : COMMON_STATUS.invalidPolicyKey;
      return send(res, { doc: el(spec.root[0], spec.root[1], el(spec.root[0], 'Status', status)) });
    }
  }

  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) aborted.abort();
  });
  const request: EasRequest = {
    ctx,
    decision,
    tenant: decision.tenant,
    mailbox,
    params,
    version,
    device,
    doc,
    raw,
    contentType,
    messageIdHost: (res.locals.frontEnd as FrontEnd | undefined)?.backend ?? 'exogate',
    signal: aborted.signal,
    watchers,
  };
  ctx.log.debug({ proto: 'eas', cmd: spec.name, tenant: decision.tenant.id, user: mailbox.id, device: params.deviceId }, 'ActiveSync command');
  const result = spec.long ? await spec.handle(request) : await serialized(device, () => spec.handle(request));
  if (!res.writableEnded && !aborted.signal.aborted) send(res, result);
}

function send(res: Response, result: EasResult): void {
  if ('http' in result) return sendError(res, result.http);
  if ('empty' in result) {
    res.setHeader('Content-Length', '0');
    res.status(200).end();
    return;
  }
  res.status(200).type(WBXML_TYPE).send(encode(result.doc));
}

function sendError(res: Response, error: EasHttpError): void {
  res.status(error.status);
  if (error.body === null) {
    res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  res.type('text/html').send(error.body);
}
