// The load run's HTML report: a real run rendered and opened from file:// in Debian's chromium
// (the way someone opens an attached report), plus the edge cases a run can end in, which must
// still draw charts with no NaN or Infinity. Reply texts come from the server under test, so the
// run's replies carry markup that must show as text and never become elements.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import t, { type Test } from 'tap';
import { renderReport, type ReportMeta } from '../../scripts/load/report.js';
import { runLoad, type RunReport } from '../../scripts/load/runner.js';

const CHROMIUM = '/usr/bin/chromium';
const FAIL = 'NO LOGIN failed.';
const HOSTILE = 'OK <b>&"x"</b>';
const HOSTILE_ERROR = "connection reset <img src=x onerror='alert(1)'>";

const META: ReportMeta = {
  title: 'Load: IMAP & POP3 <sign-ins>',
  command: 'exogate load imap --target localhost:993 --concurrency 4 --duration 2.5s --user "a&b@contoso.com"',
  target: 'localhost:993',
  protocol: 'imap',
  generatedAt: '2021-07-01T10:00:00Z',
  settings: { concurrency: 4, duration: '2.5s', tls: true, port: 10993 },
};

const nonFinite = /NaN|Infinity/;
const count = (html: string, re: RegExp) => html.match(re)?.length ?? 0;

async function realRun(): Promise<RunReport> {
  return runLoad({
    concurrency: 4,
    durationMs: 2500,
    scenarios: [
      { name: 'wrong-password', weight: 2, session: async () => (await sleep(Math.random() * 5), { outcome: FAIL }) },
      {
        name: 'hostile',
        weight: 1,
        session: async (n) => {
          await sleep(Math.random() * 5);
          if (n % 7 === 3) throw new Error(HOSTILE_ERROR);
          return { outcome: HOSTILE };
        },
      },
    ],
  });
}

function emptyReport(over: Partial<RunReport> = {}): RunReport {
  const zero = { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  return {
    startedAt: '2021-07-01T10:00:00.000Z',
    concurrency: 1,
    sessions: 0,
    errors: 0,
    durationMs: 0,
    // What the runner computes for a run over before it began: 0 / 0.
    perSecond: NaN,
    latencyMs: zero,
    histogram: [],
    outcomes: {},
    errorKinds: {},
    errorSamples: [],
    scenarios: [{ name: 'only', weight: 1, sessions: 0, errors: 0, latencyMs: zero, histogram: [], outcomes: {}, errorKinds: {} }],
    timeline: [],
    ...over,
  };
}

function assertCharts(t: Test, html: string, scenarios: string[]) {
  t.notMatch(html, nonFinite, 'no NaN or Infinity anywhere');
  t.equal(count(html, /<svg class="chart"[^>]*data-chart="rate"/g), 1, 'a rate chart');
  t.equal(count(html, /<svg class="chart"[^>]*data-chart="latency-over-time"/g), 1, 'a latency-over-time chart');
  t.equal(count(html, /<svg class="chart"[^>]*data-chart="histogram"(?![^>]*data-scenario)/g), 1, 'a histogram for all sessions');
  for (const name of scenarios) t.equal(count(html, new RegExp(`<svg class="chart"[^>]*data-chart="histogram" data-scenario="${name}"`, 'g')), 1, `a histogram for ${name}`);
}

t.test('a report with no sessions at all still draws every chart', async (t) => {
  const html = renderReport(emptyReport(), META);
  assertCharts(t, html, ['only']);
  t.equal(count(html, /<rect class="bar"/g), 0, 'no bars without sessions');
  t.match(html, 'No successful sessions', 'the empty histogram says so');
  t.match(html, 'No data', 'the empty timeline says so');
  t.notMatch(html, /<sign-ins>/, 'the title is escaped');
  t.match(html, '<title>Load: IMAP &#38; POP3 &#60;sign-ins&#62;</title>', 'the page title, escaped');
});

t.test('a run where every session fails', async (t) => {
  const report = await runLoad({
    concurrency: 2,
    count: 20,
    session: async () => {
      throw new Error(HOSTILE_ERROR);
    },
  });
  t.equal(report.errors, 20);
  const html = renderReport(report, META);
  assertCharts(t, html, ['sessions']);
  t.equal(count(html, /<rect class="bar"/g), 0, 'no latency bars: nothing succeeded');
  t.notMatch(html, /<img/, 'the error text is not markup');
  t.match(html, 'connection reset &#60;img src=x onerror=&#39;alert(1)&#39;&#62;', 'the error text, escaped');
  t.match(html, 'No session completed', 'the replies section says none came');
});

t.test('a single timeline point with every latency in one bucket', async (t) => {
  const one = { p50: 1.5, p90: 1.5, p99: 1.5, max: 1.5, mean: 1.49 };
  const report = emptyReport({
    sessions: 10,
    durationMs: 800,
    perSecond: 12.5,
    latencyMs: one,
    histogram: [[1.505, 10]],
    outcomes: { [HOSTILE]: 10 },
    scenarios: [{ name: 'only', weight: 1, sessions: 10, errors: 0, latencyMs: one, histogram: [[1.505, 10]], outcomes: { [HOSTILE]: 10 }, errorKinds: {} }],
    timeline: [{ t: 0.8, sessions: 10, errors: 0, p50: 1.5, p99: 1.5 }],
  });
  const html = renderReport(report, META);
  assertCharts(t, html, ['only']);
  t.equal(count(html, /<rect class="bar"/g), 2, 'one bar in each histogram');
  t.match(html, '<code>OK &#60;b&#62;&#38;&#34;x&#34;&#60;/b&#62;</code>', 'the reply, escaped');
  t.match(html, '12.5 sessions/s', 'the single point\'s rate is sessions over its own interval');
});

t.test('a timeline point at t = 0 (a run over at once) is not divided by zero', async (t) => {
  const html = renderReport(emptyReport({ sessions: 1, errors: 1, timeline: [{ t: 0, sessions: 1, errors: 1, p50: 0.02, p99: 0.02 }], histogram: [[0.02, 1]] }), META);
  t.notMatch(html, nonFinite);
});

t.test('a real run, opened from file:// in chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (CI installs Debian's chromium)` }, async (t) => {
  const report = await realRun();
  t.ok(report.timeline.length >= 2, `the run has a timeline (${report.timeline.length} points)`);
  t.ok(report.errors > 0 && report.outcomes[HOSTILE] > 0 && report.outcomes[FAIL] > 0, 'both replies and errors happened');

  const dir = mkdtempSync(join(tmpdir(), 'exogate-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderReport(report, META));
  const url = pathToFileURL(file).href;

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(url);

  t.equal(await page.title(), META.title, 'the page title');
  t.equal(await page.textContent('pre.command'), META.command, 'the exact command line');

  const rate = page.locator('svg.chart[data-chart="rate"]');
  t.equal(await rate.count(), 1, 'one rate chart');
  t.equal(await rate.locator('title').first().textContent(), 'Sessions and errors per second', 'the rate chart has a title');
  const points = (await rate.locator('polyline.series[data-series="sessions"]').getAttribute('points')) ?? '';
  t.ok(points.trim().split(/\s+/).length >= 2, `the sessions series has ≥ 2 points (${points})`);
  t.equal(await rate.locator('polyline.series').count(), 2, 'sessions and errors series');
  t.ok((await page.locator('svg.chart[data-chart="latency-over-time"] polyline.series').count()) >= 2, 'p50 and p99 over time');

  const histograms = page.locator('svg.chart[data-chart="histogram"]');
  t.equal(await histograms.count(), 3, 'one histogram for all sessions and one per scenario');
  t.equal(await page.locator('svg.chart[data-chart="histogram"]:not([data-scenario])').count(), 1, 'one for all sessions');
  for (const name of ['wrong-password', 'hostile']) {
    const chart = page.locator(`svg.chart[data-chart="histogram"][data-scenario="${name}"]`);
    t.equal(await chart.count(), 1, `one for ${name}`);
    t.ok((await chart.locator('rect.bar').count()) >= 1, `${name}'s histogram has bars`);
    t.match(await chart.locator('rect.bar title').first().textContent(), / ms – .* ms: [\d,]+ sessions \(/, 'a bar tells its range and count on hover');
  }
  t.ok((await page.locator('svg.chart[data-chart="histogram"]:not([data-scenario]) rect.bar').count()) >= 1, 'the all-sessions histogram has bars');
  for (const chart of await page.locator('svg.chart').all()) t.equal(await chart.locator(':scope > title').count(), 1, 'every chart has a <title>');

  const text = (await page.textContent('body')) ?? '';
  t.ok(text.includes(HOSTILE), 'the hostile reply shows as literal text');
  t.ok(text.includes(FAIL), 'the plain reply shows');
  t.ok(text.includes(HOSTILE_ERROR), 'the hostile error shows as literal text');
  t.equal(await page.locator('b').count(), 0, 'no <b> was injected');
  t.equal(await page.locator('img').count(), 0, 'no <img> was injected');
  t.notMatch(await page.content(), nonFinite, 'no NaN or Infinity in the document');

  t.same(requests.filter((u) => u !== url), [], 'nothing but the file itself was requested');
  t.same(problems, [], 'no script errors or CSP complaints');
});
