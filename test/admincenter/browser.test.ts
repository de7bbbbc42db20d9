// Issue 5 "Done means", the browser bullet: Debian's chromium, driven by playwright-core, signs
// in to /admin as a Global Administrator through the emulated identity platform's form, runs the
// diagnostic on a tenant whose IMAP Microsoft disabled, re-enables IMAP (select, tick the warning,
// Update Settings), and — after the emulated clock passes the propagation delay — sees IMAP gone
// from Run Tests while a real IMAP LOGIN over the wire now succeeds. The usage chart, Message
// center and sign-in log render; screenshots go to artifacts/.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DIAGNOSTIC_TEXTS } from '../../core/programme/texts.js';
import { LOGIN_FAILED, LOGIN_OK } from '../../servers/imap/replies.js';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { imapsSession } from '../helpers/imap-wire.js';
import { HOSTILE_NAME, PASSWORD, SEED } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../artifacts/', import.meta.url));
const STEP_MS = 15_000;

t.test('the admin center in a real browser', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (CI installs Debian's chromium)` }, async (t) => {
  const { chromium } = await import('playwright-core');
  const gw = await bootGateway(t, { seed: SEED, clock: '2021-07-01T10:00:00Z', freezeClock: true });
  const origin = `https://${gw.host}:${gw.ports.https}`;
  const imapLogin = async () => {
    const { wire } = await imapsSession(gw.ports.imaps, gw.caCert);
    const lines = await wire.command('xm001', `LOGIN mail@contoso.com ${PASSWORD}`);
    wire.end();
    return lines[lines.length - 1];
  };

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  const scriptErrors: string[] = [];
  page.on('pageerror', (e) => scriptErrors.push(e.message));
  page.on('dialog', (d) => {
    scriptErrors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  mkdirSync(ARTIFACTS, { recursive: true });

  t.equal(await imapLogin(), `xm001 NO ${LOGIN_FAILED.text}`, 'IMAP Basic is off to begin with');

  // Sign in on the identity platform's HTML form.
  await page.goto(`${origin}/admin`);
  t.match(new URL(page.url()).pathname, '/organizations/oauth2/v2.0/authorize', 'sent to the identity platform');
  await page.fill('#username', 'admin@contoso.com');
  await page.fill('#password', PASSWORD);
  await page.click('#idSIButton9');
  await page.waitForURL(`${origin}/admin/diagnostic`);
  t.pass('signed in, on the diagnostic');
  t.equal(await page.textContent('#emulated-date'), 'Thu, 01 Jul 2021 10:00 UTC', 'the emulated date in the header');
  t.equal(await page.textContent('.who'), `${HOSTILE_NAME} · contoso.onmicrosoft.com`, 'the hostile display name shows as text');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'exogate_admin');
  t.ok(session?.httpOnly && session.secure && session.sameSite === 'Lax', 'the session cookie is HttpOnly, Secure, SameSite=Lax');
  t.equal(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie), '', 'the page cannot read it');

  // Run Tests → the disabled list → select IMAP → tick the warning → Update Settings.
  await page.click('#run-tests');
  await page.waitForSelector('#diag-form:not([hidden])');
  t.match(await page.textContent('#diag-message'), 'IMAP4', 'Run Tests lists IMAP');
  t.equal(await page.textContent('#diag-warning'), DIAGNOSTIC_TEXTS.warning.text, 'the warning');
  await page.check('#choice-re-enable-imap');
  await page.click('#update-settings');
  await page.waitForSelector('#diag-answer.error');
  t.equal(await page.textContent('#diag-answer'), DIAGNOSTIC_TEXTS.warningNotAccepted.text, 'without the warning ticked, the API refuses');
  await page.check('#accept-warning');
  await page.click('#update-settings');
  await page.waitForSelector('#diag-answer.ok');
  t.match(await page.textContent('#diag-answer'), 'Basic authentication will be re-enabled for IMAP4', 'the API\'s answer is shown');
  await page.screenshot({ path: `${ARTIFACTS}admin-center.png`, fullPage: true });

  t.equal(await imapLogin(), `xm001 NO ${LOGIN_FAILED.text}`, 'still refused before the propagation delay has passed');

  const moved = await https(gw, 'POST', '/_exogate/clock', { json: { advance: '61m' }, control: true });
  t.equal(moved.status, 200, 'the clock moves past the propagation delay');

  await page.reload();
  t.equal(await page.textContent('#emulated-date'), 'Thu, 01 Jul 2021 11:01 UTC', 'the header follows the clock');
  await page.click('#run-tests');
  await page.waitForSelector('#diag-result:not([hidden])');
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { getElementById(id: string): { textContent: string | null } | null } }).document;
    return !!doc.getElementById('diag-message')?.textContent;
  });
  const message = (await page.textContent('#diag-message')) ?? '';
  t.notMatch(message, 'IMAP4', 'Run Tests no longer lists IMAP');
  t.equal(await page.$('#choice-re-enable-imap'), null, 'nor offers it');
  t.equal(await imapLogin(), `xm001 OK ${LOGIN_OK.text}`, 'a real IMAP LOGIN now succeeds');
  await page.screenshot({ path: `${ARTIFACTS}admin-center-after.png`, fullPage: true });

  // The usage report: IMAP's Basic success is counted and charted.
  await page.click('nav a[href="/admin/usage"]');
  await page.waitForSelector('#usage-chart canvas');
  await page.waitForSelector('#u-clients tbody tr');
  t.ok(await page.$('#usage-chart .u-legend'), 'uPlot drew the chart with its legend');
  t.match(await page.textContent('#u-days tbody'), 'imap', 'IMAP is in the per-protocol table');
  t.match(await page.textContent('#u-clients tbody'), 'mail@contoso.com', 'the per-user, per-client report names the user');
  await page.screenshot({ path: `${ARTIFACTS}admin-center-usage.png`, fullPage: true });

  // Message center: the proactive disablement's notice, and its body on click.
  await page.click('nav a[href="/admin/messages"]');
  await page.waitForSelector('#mc-table tbody tr');
  const first = page.locator('#mc-table tbody tr a').first();
  const title = (await first.textContent()) ?? '';
  t.ok(title.length > 0, `a Message Center post is listed: ${title}`);
  await first.click();
  await page.waitForSelector('#mc-detail:not([hidden])');
  t.equal(await page.textContent('#mc-detail-title'), title);
  const frame = page.frameLocator('#mc-body');
  t.match(await frame.locator('body').textContent(), 'Basic Authentication', 'the body renders, sandboxed');

  // Sign-in logs, filtered to the IMAP sign-ins.
  await page.click('nav a[href="/admin/signins"]');
  await page.waitForSelector('#si-table tbody tr');
  await page.selectOption('#f-app', 'IMAP4');
  await page.click('#f-apply');
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number; [i: number]: { textContent: string | null } } } }).document;
    const rows = doc.querySelectorAll('#si-table tbody tr');
    return rows.length > 0 && (rows[0].textContent ?? '').includes('IMAP4');
  });
  t.match(await page.textContent('#si-table tbody tr'), 'mail@contoso.com', 'the IMAP sign-in is in the log');

  t.same(scriptErrors, [], 'no script errors on any page');
  t.ok(statSync(`${ARTIFACTS}admin-center.png`).size > 10_000, 'the screenshot was saved');
});
