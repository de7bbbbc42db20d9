// OpenID Connect discovery and the JWKS (reference §8; DESIGN.md "Interfaces": `{tenant}` is
// the tenant's GUID, its name, <name>.onmicrosoft.com, any of its domains, or common).
import { importJWK } from 'jose';
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { assertAadsts, tenantId } from './helpers.js';

interface OpenIdConfiguration {
  issuer: string;
  token_endpoint: string;
  authorization_endpoint: string;
  device_authorization_endpoint: string;
  jwks_uri: string;
  end_session_endpoint: string;
  token_endpoint_auth_methods_supported: string[];
  id_token_signing_alg_values_supported: string[];
  response_types_supported: string[];
  scopes_supported: string[];
}

t.test('discovery', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const tid = tenantId(gw, 'contoso');
  const origin = `https://${gw.host}:${gw.ports.https}`;

  for (const segment of [tid, tid.toUpperCase(), 'contoso', 'contoso.onmicrosoft.com', 'contoso.com', 'CONTOSO.COM']) {
    t.test(`/${segment}/v2.0/.well-known/openid-configuration`, async (t) => {
      const res = await https(gw, 'GET', `/${segment}/v2.0/.well-known/openid-configuration`);
      t.equal(res.status, 200);
      t.match(String(res.headers['content-type']), /^application\/json/);
      const config = res.json<OpenIdConfiguration>();
      // Every form of the tenant names the same tenant: its GUID is in the issuer and the endpoints.
      t.equal(config.issuer, `https://login.microsoftonline.com/${tid}/v2.0`, 'v2 issuer with the tenant id');
      t.equal(config.token_endpoint, `${origin}/${tid}/oauth2/v2.0/token`, 'token endpoint on the gateway');
      t.equal(config.authorization_endpoint, `${origin}/${tid}/oauth2/v2.0/authorize`, 'authorize endpoint on the gateway');
      t.equal(config.device_authorization_endpoint, `${origin}/${tid}/oauth2/v2.0/devicecode`, 'devicecode endpoint on the gateway');
      t.equal(config.jwks_uri, `${origin}/${tid}/discovery/v2.0/keys`, 'JWKS on the gateway');
      t.ok(config.end_session_endpoint.startsWith(`${origin}/${tid}/`), 'logout on the gateway');
      t.ok(config.token_endpoint_auth_methods_supported.includes('client_secret_post'));
      t.ok(config.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
      t.same(config.id_token_signing_alg_values_supported, ['RS256']);
      t.ok(config.response_types_supported.includes('code'));
      for (const s of ['openid', 'profile', 'email', 'offline_access']) t.ok(config.scopes_supported.includes(s), `scope ${s} supported`);
    });
  }

  for (const segment of ['common', 'organizations']) {
    t.test(`/${segment} has the templated issuer`, async (t) => {
      const res = await https(gw, 'GET', `/${segment}/v2.0/.well-known/openid-configuration`);
      t.equal(res.status, 200);
      const config = res.json<OpenIdConfiguration>();
      // Entra's multi-tenant document: the issuer is a template the client fills from `tid`.
      t.equal(config.issuer, 'https://login.microsoftonline.com/{tenantid}/v2.0');
      t.equal(config.token_endpoint, `${origin}/${segment}/oauth2/v2.0/token`);
      t.equal(config.authorization_endpoint, `${origin}/${segment}/oauth2/v2.0/authorize`);
      t.equal(config.jwks_uri, `${origin}/${segment}/discovery/v2.0/keys`);
    });
  }

  t.test('fabrikam has its own issuer', async (t) => {
    const fid = tenantId(gw, 'fabrikam');
    t.not(fid, tid);
    const config = (await https(gw, 'GET', '/fabrikam.com/v2.0/.well-known/openid-configuration')).json<OpenIdConfiguration>();
    t.equal(config.issuer, `https://login.microsoftonline.com/${fid}/v2.0`);
    t.equal(config.token_endpoint, `${origin}/${fid}/oauth2/v2.0/token`);
  });

  t.test('the JWKS at jwks_uri holds RS256 public signing keys only', async (t) => {
    const config = (await https(gw, 'GET', '/contoso.com/v2.0/.well-known/openid-configuration')).json<OpenIdConfiguration>();
    const res = await https(gw, 'GET', new URL(config.jwks_uri).pathname);
    t.equal(res.status, 200);
    t.match(String(res.headers['content-type']), /^application\/json/);
    const { keys } = res.json<{ keys: Record<string, string>[] }>();
    t.ok(keys.length >= 1, 'at least one key');
    for (const key of keys) {
      t.equal(key.kty, 'RSA');
      t.equal(key.use, 'sig');
      t.equal(key.alg, 'RS256');
      t.type(key.kid, 'string');
      t.type(key.n, 'string');
      t.type(key.e, 'string');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) t.notOk(secret in key, `no private member "${secret}"`);
      await t.resolves(importJWK(key, 'RS256'), 'importable public key');
    }
    // The v1 path serves the same keys, as Entra's does.
    const v1 = await https(gw, 'GET', `/${tid}/discovery/keys`);
    t.equal(v1.status, 200);
    t.same(v1.json(), res.json());
  });

  t.test('unknown tenant → 400 invalid_tenant AADSTS90002', async (t) => {
    for (const segment of ['nosuchtenant', 'nosuch.example.com', '6d6f6e6b-6579-4f00-8000-000000000000']) {
      const res = await https(gw, 'GET', `/${segment}/v2.0/.well-known/openid-configuration`);
      const body = assertAadsts(t, res, { status: 400, error: 'invalid_tenant', code: 90002 });
      t.ok(body.error_description.startsWith(`AADSTS90002: Tenant '${segment}' not found.`), 'names the tenant as given');
    }
  });
});
