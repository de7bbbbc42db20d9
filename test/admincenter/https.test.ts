// The admin center over plain HTTPS (issue 5 item 7): the sign-in through the emulated identity
// platform (PKCE S256, state bound to the browser, nonce), the session cookie's flags, who may
// see the pages (a Global Administrator of the tenant; a 403 page for anyone else, with the
// diagnostic's own text for a delegated admin), each tenant's data only, sign out, escaping,
// the CSRF guard and the uPlot assets.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import t from 'tap';
import { ADMIN_CENTER_APP_ID } from '../../core/identity/first-party.js';
import { DIAGNOSTIC_TEXTS } from '../../core/programme/texts.js';
import { ADMIN_TEXTS } from '../../servers/http/admincenter/texts.js';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { cookieOf, csrfOf, header, HOSTILE_NAME, SEED, signIn, startAndAuthorize, withCookie } from './helpers.js';

t.test('the admin center', async (t) => {
  const gw = await bootGateway(t, { seed: SEED, clock: '2021-07-01T10:00:00Z', freezeClock: true });

  t.test('without a session: redirect to the identity platform with PKCE, state and nonce', async (t) => {
    const steps = await startAndAuthorize(gw, 'admin@contoso.com');
    t.equal(steps.start.status, 302);
    t.equal(steps.authorize.pathname, '/organizations/oauth2/v2.0/authorize');
    const q = steps.authorize.searchParams;
    t.equal(q.get('client_id'), ADMIN_CENTER_APP_ID, 'the first-party admin center app');
    t.equal(q.get('response_type'), 'code');
    t.equal(q.get('code_challenge_method'), 'S256');
    t.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    t.ok(q.get('state') && q.get('nonce'), 'state and nonce');
    t.equal(q.get('redirect_uri'), `https://${gw.host}:${gw.ports.https}/admin/callback`);
    t.match(q.get('scope'), /https:\/\/graph\.microsoft\.com\/AuditLog\.Read\.All/);
    t.equal(steps.pendingCookie, `exogate_admin_signin=${q.get('state')}`, 'the state is bound to the browser');
    t.equal(steps.callback.pathname, '/admin/callback');
    t.equal(steps.callback.searchParams.get('state'), q.get('state'));
    t.ok(steps.callback.searchParams.get('code'));

    const form = await https(gw, 'GET', steps.authorize.pathname + steps.authorize.search);
    t.equal(form.status, 200, 'the sign-in form');
    t.match(form.text, 'Microsoft Office 365 Portal');
  });

  t.test('the callback refuses a state from another browser, a replayed state and a missing cookie', async (t) => {
    const a = await startAndAuthorize(gw, 'admin@contoso.com');
    const b = await startAndAuthorize(gw, 'admin@contoso.com');
    const crossed = await https(gw, 'GET', a.callback.pathname + a.callback.search, withCookie(b.pendingCookie));
    t.equal(crossed.status, 400, 'state mismatch');
    t.match(crossed.text, ADMIN_TEXTS.stateMismatch);
    t.notOk(cookieOf(crossed, 'exogate_admin'), 'no session');
    const noCookie = await https(gw, 'GET', b.callback.pathname + b.callback.search);
    t.equal(noCookie.status, 400, 'no state cookie');
    const good = await https(gw, 'GET', b.callback.pathname + b.callback.search, withCookie(b.pendingCookie));
    t.equal(good.status, 302, 'the right browser signs in');
    const replay = await https(gw, 'GET', b.callback.pathname + b.callback.search, withCookie(b.pendingCookie));
    t.equal(replay.status, 400, 'a state is used once');
  });

  t.test('PKCE: the code is useless without the verifier', async (t) => {
    const steps = await startAndAuthorize(gw, 'admin@contoso.com');
    const code = steps.callback.searchParams.get('code')!;
    const redeem = (verifier?: string) =>
      https(gw, 'POST', '/organizations/oauth2/v2.0/token', {
        form: { grant_type: 'authorization_code', client_id: ADMIN_CENTER_APP_ID, code, redirect_uri: steps.authorize.searchParams.get('redirect_uri')!, ...(verifier ? { code_verifier: verifier } : {}) },
      });
    const without = await redeem();
    t.equal(without.status, 400, 'no verifier');
    const wrong = await redeem('x'.repeat(64));
    t.equal(wrong.status, 400, 'a wrong verifier');
    t.match(wrong.json().error_description, /^AADSTS501481/);
    t.equal(createHash('sha256').update('x'.repeat(64)).digest('base64url') === steps.authorize.searchParams.get('code_challenge'), false);
  });

  t.test('the first-party app accepts only /admin/callback over https', async (t) => {
    const base = { client_id: ADMIN_CENTER_APP_ID, response_type: 'code', scope: 'https://graph.microsoft.com/AuditLog.Read.All', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' };
    for (const uri of ['https://evil.example/callback', 'http://127.0.0.1/admin/callback', 'https://127.0.0.1/admin/callback?x=1', 'https://u:p@127.0.0.1/admin/callback']) {
      const res = await https(gw, 'GET', `/organizations/oauth2/v2.0/authorize?${new URLSearchParams({ ...base, redirect_uri: uri })}`);
      t.equal(res.status, 400, `refused: ${uri}`);
      t.match(res.text, 'AADSTS50011');
    }
    const ok = await https(gw, 'GET', `/contoso.com/oauth2/v2.0/authorize?${new URLSearchParams({ ...base, redirect_uri: 'https://localhost:8443/admin/callback' })}`);
    t.equal(ok.status, 200, 'present in every tenant');
  });

  t.test('a Global Administrator: session cookie flags, pages, the emulated date, escaping', async (t) => {
    const steps = await startAndAuthorize(gw, 'admin@contoso.com');
    const back = await https(gw, 'GET', steps.callback.pathname + steps.callback.search, withCookie(steps.pendingCookie));
    t.equal(back.status, 302);
    t.equal(back.headers.location, '/admin/diagnostic');
    const line = header(back, 'set-cookie').find((c) => c.startsWith('exogate_admin='))!;
    t.match(line, /; HttpOnly/);
    t.match(line, /; Secure/);
    t.match(line, /; SameSite=Lax/);
    t.match(line, /; Path=\/admin/);
    const id = line.split(';')[0].slice('exogate_admin='.length);
    t.match(id, /^[A-Za-z0-9_-]{43}$/, 'a random id (256 bits)');
    t.notOk(id.includes('.'), 'never a token');
    t.ok(header(back, 'set-cookie').some((c) => c.startsWith('exogate_admin_signin=;')), 'the pending cookie is cleared');

    const cookie = line.split(';')[0];
    for (const path of ['/admin/diagnostic', '/admin/messages', '/admin/signins', '/admin/usage']) {
      const page = await https(gw, 'GET', path, withCookie(cookie));
      t.equal(page.status, 200, path);
      t.match(page.text, 'Emulated date: <time id="emulated-date" datetime="2021-07-01T10:00:00.000Z">Thu, 01 Jul 2021 10:00 UTC</time>');
      t.match(page.text, 'exogate emulation');
      t.notOk(page.text.includes(HOSTILE_NAME), 'the hostile display name is never raw');
      t.notOk(page.text.includes('<script>alert'), 'no injected script');
      t.match(page.text, '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&amp;&#39;', 'it is shown escaped');
      t.match(header(page, 'content-security-policy')[0], "script-src 'self'");
    }
    const diag = await https(gw, 'GET', '/admin/diagnostic', withCookie(cookie));
    t.match(diag.text, 'Diag: Enable Basic Auth in EXO');
    t.match(diag.text, 'id="run-tests"');
    t.match(diag.text, 'Update Settings');
    const usage = await https(gw, 'GET', '/admin/usage', withCookie(cookie));
    t.match(usage.text, '/admin/assets/uPlot.iife.min.js');

    const tests = await https(gw, 'GET', '/admin/data/api/diagnostic', withCookie(cookie));
    t.equal(tests.status, 200, 'the diagnostic through the session');
    t.same(tests.json<{ disabled: { id: string }[] }>().disabled.map((p) => p.id), ['imap']);
    const already = await https(gw, 'GET', '/admin', withCookie(cookie));
    t.equal(already.status, 302);
    t.equal(already.headers.location, '/admin/diagnostic', 'signed in: straight to the page');
  });

  t.test('changes need the page\'s CSRF token', async (t) => {
    const cookie = await signIn(gw, 'admin@fabrikam.com');
    const page = await https(gw, 'GET', '/admin/diagnostic', withCookie(cookie));
    const csrf = csrfOf(page);
    t.ok(csrf);
    const body = { action: 're-enable', protocol: 'pop', acceptWarning: true };
    const forged = await https(gw, 'POST', '/admin/data/api/diagnostic', { ...withCookie(cookie), json: body });
    t.equal(forged.status, 403, 'no CSRF header');
    t.equal(forged.json<{ error: { code: string } }>().error.code, 'csrf');
    const wrong = await https(gw, 'POST', '/admin/data/api/diagnostic', { ...withCookie(cookie, { 'x-exogate-csrf': 'nope' }), json: body });
    t.equal(wrong.status, 403, 'a wrong one');
    const noWarning = await https(gw, 'POST', '/admin/data/api/diagnostic', { ...withCookie(cookie, { 'x-exogate-csrf': csrf }), json: { ...body, acceptWarning: false } });
    t.equal(noWarning.status, 400);
    t.same(noWarning.json(), { error: { code: 'warningNotAccepted', message: DIAGNOSTIC_TEXTS.warningNotAccepted.text } }, 'the API\'s own answer');
  });

  t.test('each tenant\'s admin sees only their tenant', async (t) => {
    const fabrikam = await signIn(gw, 'admin@fabrikam.com');
    const tests = await https(gw, 'GET', '/admin/data/api/diagnostic', withCookie(fabrikam));
    t.same(tests.json<{ disabled: { id: string }[] }>().disabled.map((p) => p.id), ['pop'], 'fabrikam\'s own state, not contoso\'s');
    const signIns = await https(gw, 'GET', '/admin/data/graph/v1.0/auditLogs/signIns', withCookie(fabrikam));
    t.equal(signIns.status, 200);
    const upns = signIns.json<{ value: { userPrincipalName: string }[] }>().value.map((s) => s.userPrincipalName);
    t.ok(upns.length > 0, 'fabrikam has its own sign-ins (the admin center sign-in)');
    t.ok(upns.every((u) => u.endsWith('@fabrikam.com')), 'and none of contoso\'s');
    const page = await https(gw, 'GET', '/admin/diagnostic', withCookie(fabrikam));
    t.match(page.text, 'fabrikam.com');
    t.notOk(page.text.includes('contoso'), 'no other tenant on the page');
  });

  t.test('a user who is not an administrator: 403 page', async (t) => {
    const cookie = await signIn(gw, 'worker@contoso.com');
    const page = await https(gw, 'GET', '/admin/diagnostic', withCookie(cookie));
    t.equal(page.status, 403);
    t.match(page.text, ADMIN_TEXTS.forbiddenTitle.replace("'", '&#39;'));
    t.match(page.text, DIAGNOSTIC_TEXTS.notGlobalAdmin.text);
    const data = await https(gw, 'GET', '/admin/data/api/diagnostic', withCookie(cookie));
    t.equal(data.status, 403, 'nor its data');
  });

  t.test('a delegated (partner) admin: 403 with the diagnostic\'s own text', async (t) => {
    const cookie = await signIn(gw, 'partner@contoso.com');
    const page = await https(gw, 'GET', '/admin/usage', withCookie(cookie));
    t.equal(page.status, 403);
    t.match(page.text, `<span id="diagnostic-refusal">${DIAGNOSTIC_TEXTS.delegatedAdmin.text}</span>`);
  });

  t.test('a GCC tenant\'s admin gets the pages, and the diagnostic\'s GCC refusal', async (t) => {
    const cookie = await signIn(gw, 'admin@gccorg.com');
    const page = await https(gw, 'GET', '/admin/diagnostic', withCookie(cookie));
    t.equal(page.status, 200);
    const tests = await https(gw, 'GET', '/admin/data/api/diagnostic', withCookie(cookie));
    t.equal(tests.status, 403);
    t.same(tests.json(), { error: { code: 'gcc', message: DIAGNOSTIC_TEXTS.gcc.text } });
  });

  t.test('the data paths need a session', async (t) => {
    for (const path of ['/admin/data/api/diagnostic', '/admin/data/graph/v1.0/auditLogs/signIns', '/admin/data/export?format=csv']) {
      const res = await https(gw, 'GET', path);
      t.equal(res.status, 401, path);
      t.same(res.json(), { error: { code: 'sessionExpired', message: ADMIN_TEXTS.sessionExpired } });
    }
    const bogus = await https(gw, 'GET', '/admin/diagnostic', withCookie('exogate_admin=made-up'));
    t.equal(bogus.status, 302, 'an unknown session id signs in again');
    t.ok(header(bogus, 'set-cookie').some((c) => c.startsWith('exogate_admin=;')), 'and its cookie is cleared');
  });

  t.test('the session outlives the access token: it is refreshed on the emulated clock', async (t) => {
    const cookie = await signIn(gw, 'admin@fabrikam.com');
    await https(gw, 'POST', '/_exogate/clock', { json: { advance: '2h' }, control: true });
    const tests = await https(gw, 'GET', '/admin/data/api/diagnostic', withCookie(cookie));
    t.equal(tests.status, 200, 'two hours later, still signed in');
  });

  t.test('the download goes through the session', async (t) => {
    const cookie = await signIn(gw, 'admin@fabrikam.com');
    const csv = await https(gw, 'GET', '/admin/data/export?format=csv', withCookie(cookie));
    t.equal(csv.status, 200);
    t.match(String(csv.headers['content-type']), 'text/csv');
    t.match(csv.text, 'admin@fabrikam.com');
    t.notOk(csv.text.includes('contoso.com'));
  });

  t.test('sign out ends the session', async (t) => {
    const cookie = await signIn(gw, 'admin@contoso.com');
    const page = await https(gw, 'GET', '/admin/messages', withCookie(cookie));
    const forged = await https(gw, 'POST', '/admin/logout', { ...withCookie(cookie), form: { csrf: 'wrong' } });
    t.equal(forged.status, 403, 'not without the page\'s token');
    const out = await https(gw, 'POST', '/admin/logout', { ...withCookie(cookie), form: { csrf: csrfOf(page) } });
    t.equal(out.status, 303);
    t.equal(out.headers.location, '/admin/signed-out');
    t.ok(header(out, 'set-cookie').some((c) => c.startsWith('exogate_admin=;') && c.includes('Max-Age=0')));
    const after = await https(gw, 'GET', '/admin/messages', withCookie(cookie));
    t.equal(after.status, 302, 'the old cookie no longer works');
    t.match(String(after.headers.location), /^\/organizations\/oauth2\/v2\.0\/authorize\?/);
    const signedOut = await https(gw, 'GET', '/admin/signed-out');
    t.match(signedOut.text, ADMIN_TEXTS.signedOut);
  });

  t.test('uPlot is served from node_modules', async (t) => {
    const uplot = createRequire(import.meta.url);
    const js = await https(gw, 'GET', '/admin/assets/uPlot.iife.min.js');
    t.equal(js.status, 200);
    t.match(String(js.headers['content-type']), 'text/javascript');
    t.equal(js.text, readFileSync(uplot.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'));
    const css = await https(gw, 'GET', '/admin/assets/uPlot.min.css');
    t.equal(css.status, 200);
    t.match(String(css.headers['content-type']), 'text/css');
    t.equal(css.text, readFileSync(uplot.resolve('uplot/dist/uPlot.min.css'), 'utf8'));
    const admin = await https(gw, 'GET', '/admin/assets/admin.js');
    t.equal(admin.status, 200);
    t.notOk(admin.text.includes('innerHTML'), 'the page script never writes HTML');
    t.equal((await https(gw, 'GET', '/admin/assets/..%2Fpackage.json')).status, 404, 'nothing else');
    t.equal((await https(gw, 'GET', '/admin/nope')).status, 404);
  });

});
