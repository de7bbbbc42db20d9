// The emulated identity platform on the HTTPS listener (reference §1 "Identity", §8.1):
// per tenant `/{tenant}/oauth2/v2.0/{token,authorize,devicecode}`, OpenID configuration and
// JWKS, and the device login page. `{tenant}` is a GUID, name, domain, common or organizations.
import { clientAddress } from '../../wire/connection.js';
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { aadstsError, aadstsText } from '../../../core/identity/aadsts.js';
import { isFailure, type Form, type RequestContext } from '../../../core/identity/platform.js';
import { v2Issuer } from '../../../core/identity/tokens.js';
import type { HttpContext } from '../context.js';
import { escapeHtml, hiddenInputs, page } from '../html.js';
import { baseUrl } from '../urls.js';

/** Form bodies of the identity endpoints stay small; a token request is well under 16 KiB. */
const FORM_LIMIT = '64kb';

function requestContext(req: Request): RequestContext {
  return {
    ip: clientAddress(req.socket),
    userAgent: req.get('user-agent'),
    correlationId: req.get('client-request-id') ?? randomUUID(),
  };
}

function formOf(req: Request): Form {
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const form: Form = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v;
  // client_secret_basic: client id and secret in an Authorization: Basic header.
  const auth = req.get('authorization');
  if (auth?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      form.client_id ??= decodeComponent(decoded.slice(0, colon));
      form.client_secret ??= decodeComponent(decoded.slice(colon + 1));
    }
  }
  return form;
}

/**
 * The Basic header's id and secret are form-urlencoded (RFC 6749 §2.3.1). A malformed escape is
 * taken literally, so it fails as a wrong secret (401 AADSTS7000215) instead of throwing a 500.
 */
function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function queryOf(req: Request): Form {
  const form: Form = {};
  for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') form[k] = v;
  return form;
}

function noStore(res: Response): Response {
  return res.set({ 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' });
}

export function identityRoutes(ctx: HttpContext): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 100 });

  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
    const segment = req.params.tenant;
    const t = ctx.identity.resolveTenant(segment);
    // Entra's discovery endpoint names this error invalid_tenant (MSAL and az CLI show it so); the token endpoint keeps 90002's own.
    if (!t) return res.status(400).json({ ...aadstsError(90002, ctx.clock.now(), { tenant: segment }).body, error: 'invalid_tenant' });
    const id = t === 'common' ? segment.toLowerCase() : t.id;
    const base = `${baseUrl(req)}/${id}`;
    res.json({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: t === 'common' ? 'https://login.microsoftonline.com/{tenantid}/v2.0' : v2Issuer(t.id),
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    });
  });

  const jwks = (_req: Request, res: Response) => res.json(ctx.tokens.jwks);
  router.get('/:tenant/discovery/v2.0/keys', jwks);
  router.get('/:tenant/discovery/keys', jwks);

  router.post('/:tenant/oauth2/v2.0/token', form, async (req, res) => {
    const result = await ctx.identity.token(req.params.tenant as string, formOf(req), requestContext(req));
    noStore(res).status(result.status).json(result.body);
  });

  router.get('/:tenant/oauth2/v2.0/token', (_req, res) => {
    noStore(res).status(400).json(aadstsError(900561, ctx.clock.now()).body);
  });

  router.post('/:tenant/oauth2/v2.0/devicecode', form, (req, res) => {
    const result = ctx.identity.startDeviceCode(req.params.tenant as string, formOf(req), `${baseUrl(req)}/devicelogin`);
    noStore(res).status(result.status).json(result.body);
  });

  router.get('/:tenant/oauth2/v2.0/authorize', (req, res) => {
    const q = queryOf(req);
    const checked = ctx.identity.checkAuthorizeRequest(req.params.tenant as string, q);
    if (isFailure(checked)) return res.status(400).type('html').send(page('Sign in', `<h1>Sign in</h1><p class="error">AADSTS${checked.code}: ${escapeHtml(aadstsText(checked.code, checked.details))}</p>`));
    res.type('html').send(signInForm(req.originalUrl.split('?')[0], q, checked.app.displayName, q.login_hint ?? '', ''));
  });

  router.post('/:tenant/oauth2/v2.0/authorize', form, async (req, res) => {
    const f = formOf(req);
    const { username = '', password = '', ...q } = f;
    const result = await ctx.identity.authorize(req.params.tenant as string, q, username, password, requestContext(req));
    if (isFailure(result)) {
      const app = ctx.directory.app(q.client_id ?? '');
      const text = `AADSTS${result.code}: ${aadstsText(result.code, result.details)}`;
      return res.status(200).type('html').send(signInForm(req.originalUrl, q, app?.displayName ?? '', username, text));
    }
    const target = new URL(q.redirect_uri!);
    if (q.response_mode === 'form_post') {
      return res.type('html').send(
        page('Working...', `<form method="post" action="${escapeHtml(target.toString())}">${hiddenInputs({ code: result.code, state: q.state })}<button>Continue</button></form><script>document.forms[0].submit()</script>`),
      );
    }
    target.searchParams.set('code', result.code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    res.redirect(302, target.toString());
  });

  router.get('/devicelogin', (req, res) => res.type('html').send(deviceForm(queryOf(req).otc ?? '', '', '')));
  router.post('/devicelogin', form, async (req, res) => {
    const f = formOf(req);
    const result = await ctx.identity.approveDevice(f.otc ?? '', f.username ?? '', f.password ?? '', requestContext(req));
    if (isFailure(result)) return res.type('html').send(deviceForm(f.otc ?? '', f.username ?? '', `AADSTS${result.code}: ${aadstsText(result.code, result.details)}`));
    res.type('html').send(page('Signed in', '<h1>You have signed in</h1><p>You have signed in to the application on your device. You may now close this window.</p>'));
  });

  return router;
}

function signInForm(action: string, q: Form, appName: string, username: string, error: string): string {
  const { username: _u, password: _p, ...params } = q;
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>${appName ? `<p>to continue to ${escapeHtml(appName)}</p>` : ''}${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">${hiddenInputs(params)}
<label for="username">Email, phone, or Skype</label><input type="email" id="username" name="username" value="${escapeHtml(username)}" autocomplete="username" required>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password">
<button type="submit" id="idSIButton9">Sign in</button></form>`,
  );
}

function deviceForm(code: string, username: string, error: string): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1><p>Enter the code displayed on your app or device, then sign in.</p>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/devicelogin">
<label for="otc">Code</label><input type="text" id="otc" name="otc" value="${escapeHtml(code)}" required>
<label for="username">Email</label><input type="email" id="username" name="username" value="${escapeHtml(username)}" required>
<label for="password">Password</label><input type="password" id="password" name="password">
<button type="submit">Next</button></form>`,
  );
}
