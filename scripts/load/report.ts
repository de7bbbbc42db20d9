// The HTML report of a load run: one self-contained file, so it can be attached to an issue or
// opened from file:// on a machine with no network, and still show everything the run proved.
// Charts are hand-written SVG rather than a library because a library would have to be inlined
// (hundreds of kilobytes) or fetched (not offline). Every reply text comes from the server under
// test, so all of it is escaped, and the page's CSP forbids scripts and fetches in case it isn't.
import type { RunReport, TimelinePoint } from './runner.js';
import type { LatencySummary } from './histogram.js';

export interface ReportMeta {
  title: string;
  command: string;
  target: string;
  protocol: string;
  generatedAt?: string;
  settings?: Record<string, string | number | boolean>;
}

export function renderReport(report: RunReport, meta: ReportMeta): string {
  const body = [
    header(report, meta),
    section('Summary', summaryTable(report)),
    section('Over time', rateChart(report) + latencyOverTimeChart(report.timeline)),
    section('Latency distribution', histograms(report)),
    section('Replies', countTable(report, 'outcomes', 'Reply', 'No session completed, so no reply was recorded.')),
    section('Errors', countTable(report, 'errorKinds', 'Error', 'No errors.')),
  ].join('\n');
  return page(meta.title, body);
}

// ---------------------------------------------------------------------------------------------
// Text and numbers

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A non-finite value (e.g. a rate over a zero-length run) shows as a dash, never as "NaN". */
function num(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return `${num(value, value < 1 ? 3 : value < 10 ? 2 : value < 100 ? 1 : 0)} ms`;
}

function pct(part: number, whole: number): string {
  return whole > 0 ? `${num((part / whole) * 100, 1)}%` : '–';
}

function seconds(durationMs: number): string {
  const s = durationMs / 1000;
  if (!(s >= 60)) return `${num(s, 1)} s`;
  return `${num(s, 1)} s (${Math.floor(s / 60)} min ${num(s % 60, 0)} s)`;
}

/** Axis labels: short, no trailing zeros, and milliseconds turn into seconds past 1,000. */
function tickMs(value: number): string {
  const short = (v: number) => String(Number(v.toPrecision(3)));
  return value >= 1000 ? `${short(value / 1000)} s` : `${short(value)} ms`;
}

/** SVG coordinates: one decimal, and a non-finite value can never reach an attribute. */
function c(v: number): string {
  return String(Number.isFinite(v) ? Math.round(v * 10) / 10 : 0);
}

// ---------------------------------------------------------------------------------------------
// Page and tables

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const CSS = `
:root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --zebra: #f5f7fa; --blue: #2563eb; --red: #dc2626; --amber: #d97706; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1120px; padding: 24px 20px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 0 0 4px; }
code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre.command { background: var(--zebra); border: 1px solid var(--line); border-radius: 4px; padding: 8px 12px; white-space: pre-wrap; word-break: break-all; margin: 0 0 16px; }
.facts { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: flex-start; }
table { border-collapse: collapse; margin: 0 0 8px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--line); white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--zebra); }
tfoot td, tr.all td { font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td code { white-space: pre-wrap; word-break: break-word; }
table.kv th { color: var(--muted); font-weight: 500; }
p.none { color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 20px; }
section > figure + figure { margin-top: 20px; }
figure { margin: 0; }
svg.chart { max-width: 100%; height: auto; display: block; font-size: 11px; }
svg.chart text { fill: var(--muted); }
svg.chart .heading { fill: var(--ink); font-size: 13px; font-weight: 600; }
svg.chart .axis { stroke: #9aa5b1; }
svg.chart .grid { stroke: var(--line); }
svg.chart .series, svg.chart .legend { fill: none; stroke-width: 2; stroke-linejoin: round; }
svg.chart .sessions, svg.chart .p50 { stroke: var(--blue); fill: var(--blue); }
svg.chart .errors { stroke: var(--red); fill: var(--red); }
svg.chart .p99 { stroke: var(--amber); fill: var(--amber); }
svg.chart polyline.series { fill: none; }
svg.chart .bar { fill: #60a5fa; }
svg.chart .bar:hover { fill: var(--blue); }
svg.chart line.marker { stroke-width: 1.5; stroke-dasharray: 4 3; }
svg.chart text.marker { stroke: #fff; stroke-width: 3px; paint-order: stroke; font-weight: 600; }
svg.chart text.marker.p50 { fill: var(--blue); stroke: #fff; }
svg.chart text.marker.p99 { fill: var(--amber); stroke: #fff; }
svg.chart .empty { font-size: 13px; }
`;

function section(title: string, content: string): string {
  return `<section><h2>${esc(title)}</h2>\n${content}\n</section>`;
}

type Cell = string | { n: string };

/** Cells are HTML already escaped by the caller; `{ n }` cells are right-aligned numbers. */
function table(head: Cell[], rows: Cell[][], options: { foot?: Cell[]; rowClass?: (i: number) => string } = {}): string {
  const cell = (tag: string, v: Cell) => (typeof v === 'string' ? `<${tag}>${v}</${tag}>` : `<${tag} class="n">${v.n}</${tag}>`);
  const tr = (cells: Cell[], tag: string, cls = '') => `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((v) => cell(tag, v)).join('')}</tr>`;
  return [
    '<table>',
    `<thead>${tr(head, 'th')}</thead>`,
    `<tbody>${rows.map((r, i) => tr(r, 'td', options.rowClass?.(i))).join('\n')}</tbody>`,
    options.foot ? `<tfoot>${tr(options.foot, 'td')}</tfoot>` : '',
    '</table>',
  ].join('');
}

function header(report: RunReport, meta: ReportMeta): string {
  const facts: [string, string][] = [
    ['Target', esc(meta.target)],
    ['Protocol', esc(meta.protocol)],
    ['Started', `<time datetime="${esc(report.startedAt)}">${esc(report.startedAt)}</time>`],
    ['Duration', seconds(report.durationMs)],
    ['Concurrency', num(report.concurrency)],
  ];
  if (meta.generatedAt) facts.push(['Report generated', esc(meta.generatedAt)]);
  const kv = (pairs: [string, string][]) => `<table class="kv"><tbody>${pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
  // Settings show as typed: a port or a seed is an identifier, not a quantity to group by 1,000s.
  const settings = Object.entries(meta.settings ?? {}).map(([k, v]): [string, string] => [k, `<code>${esc(String(v))}</code>`]);
  return `<header>
<h1>${esc(meta.title)}</h1>
<pre class="command"><code>${esc(meta.command)}</code></pre>
<div class="facts">
<div><h3>Run</h3>${kv(facts)}</div>
${settings.length ? `<div><h3>Settings</h3>${kv(settings)}</div>` : ''}
</div>
</header>`;
}

function summaryTable(report: RunReport): string {
  const runSeconds = report.durationMs / 1000;
  const totalWeight = report.scenarios.reduce((sum, s) => sum + s.weight, 0);
  const latency = (count: number, l: LatencySummary): Cell[] =>
    [l.p50, l.p90, l.p99, l.max, l.mean].map((v) => ({ n: count > 0 ? ms(v) : '–' }));
  const row = (name: string, weight: string, sessions: number, errors: number, l: LatencySummary): Cell[] => [
    name,
    { n: weight },
    { n: num(sessions) },
    { n: num(errors) },
    { n: pct(errors, sessions + errors) },
    { n: runSeconds > 0 ? num(sessions / runSeconds, 1) : '–' },
    ...latency(sessions, l),
  ];
  const rows = [row('All scenarios', '', report.sessions, report.errors, report.latencyMs)];
  for (const s of report.scenarios) rows.push(row(`<code>${esc(s.name)}</code>`, `${num(s.weight, Number.isInteger(s.weight) ? 0 : 2)} (${pct(s.weight, totalWeight)})`, s.sessions, s.errors, s.latencyMs));
  const head: Cell[] = ['Scenario', { n: 'Weight' }, { n: 'Sessions' }, { n: 'Errors' }, { n: 'Error rate' }, { n: 'Sessions/s' }, ...['p50', 'p90', 'p99', 'Max', 'Mean'].map((h) => ({ n: h }))];
  return table(head, rows, { rowClass: (i) => (i === 0 ? 'all' : '') });
}

/**
 * One row per distinct text, a column per scenario when there are several, then the total.
 * Lookups use hasOwn: a server may well reply "constructor" or "toString".
 */
function countTable(report: RunReport, field: 'outcomes' | 'errorKinds', label: string, none: string): string {
  const totals = Object.entries(report[field]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (!totals.length) return `<p class="none">${esc(none)}</p>`;
  const perScenario = report.scenarios.length > 1 ? report.scenarios : [];
  const whole = totals.reduce((sum, [, n]) => sum + n, 0);
  const head: Cell[] = [label, ...perScenario.map((s) => ({ n: esc(s.name) })), { n: 'Total' }, { n: 'Share' }];
  const rows = totals.map(([text, n]): Cell[] => [`<code>${esc(text)}</code>`, ...perScenario.map((s) => ({ n: num(Object.hasOwn(s[field], text) ? s[field][text] : 0) })), { n: num(n) }, { n: pct(n, whole) }]);
  const foot: Cell[] = ['Total', ...perScenario.map((s) => ({ n: num(Object.values(s[field]).reduce((a, b) => a + b, 0)) })), { n: num(whole) }, { n: '100.0%' }];
  return table(head, rows, { foot });
}

// ---------------------------------------------------------------------------------------------
// Charts

/** A chart's drawing area: sized so the SVG renders at about 1:1 in the page's layout. */
interface Frame {
  w: number;
  h: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const M = { left: 64, right: 24, top: 44, bottom: 40 };
/** Full width of the 1,080 px content column. */
const WIDE: Frame = { w: 1080, h: 280, ...M };
/** Half of it: histograms sit two to a row. */
const HALF: Frame = { w: 530, h: 260, ...M };
/** Dots (with a hover title) on line charts while there are few enough points to tell apart. */
const MAX_DOTS = 120;
const HISTOGRAM_BINS = 36;
/** A histogram narrower than this (in decades) is widened so its bars don't span the chart. */
const MIN_DECADES = 0.5;
/** The runner's bucket width: a bucket holds (upper / 1.02, upper]. */
const BUCKET_RATIO = 1.02;
/** Rough width of a label character at 11 px, to keep marker labels inside the chart. */
const CHAR_W = 6.2;

type Attrs = Record<string, string | undefined>;

function svg(f: Frame, attrs: Attrs, title: string, inner: string[]): string {
  const extra = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${esc(v!)}"`).join('');
  return `<figure><svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.w} ${f.h}" width="${f.w}" height="${f.h}" role="img" aria-label="${esc(title)}"${extra}>
<title>${esc(title)}</title>
<text class="heading" x="4" y="16">${esc(title)}</text>
${inner.join('\n')}
</svg></figure>`;
}

const plotW = (f: Frame) => f.w - f.left - f.right;
const plotH = (f: Frame) => f.h - f.top - f.bottom;

/** 0 to a round maximum in ~5 steps of 1, 2 or 5 × 10^k; an all-zero series still gets an axis. */
function niceTicks(max: number, options: { integers?: boolean } = {}): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = top / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const nice = ([1, 2, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  // Counts of sessions come in whole numbers: a y axis of 0, 0.2, 0.4 sessions would mislead.
  const step = options.integers ? Math.max(1, nice) : nice;
  const ticks: number[] = [];
  for (let i = 0; i <= Math.ceil(top / step - 1e-9); i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Labels with as many decimals as the step needs, so 0.2 and 0.4 don't both print as "0". */
function tickFormat(ticks: number[]): (v: number) => string {
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  const digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return (v) => num(v, digits);
}

/** Ticks at 1 × 10^k on a wide log axis, filling in 2 and 5 (then more) when it is narrow. */
function logTicks(lo: number, hi: number): number[] {
  const within = (mantissas: number[]) => {
    const out: number[] = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** k).toPrecision(6));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  };
  const ticks = [[1], [1, 2, 5]].map(within).find((t) => t.length >= 3);
  return ticks ?? within([1, 1.5, 2, 3, 5, 7]);
}

function yAxis(f: Frame, ticks: number[], y: (v: number) => number, label: string, format: (v: number) => string): string {
  const lines = ticks.map((v) => `<line class="grid" x1="${f.left}" x2="${f.w - f.right}" y1="${c(y(v))}" y2="${c(y(v))}"/><text x="${f.left - 6}" y="${c(y(v) + 4)}" text-anchor="end">${esc(format(v))}</text>`);
  return [...lines, `<text x="4" y="${f.top - 12}">${esc(label)}</text>`, `<line class="axis" x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.h - f.bottom}"/>`].join('\n');
}

function xAxis(f: Frame, ticks: number[], x: (v: number) => number, label: string, format: (v: number) => string): string {
  const base = f.h - f.bottom;
  const lines = ticks.map((v) => `<line class="axis" x1="${c(x(v))}" x2="${c(x(v))}" y1="${base}" y2="${base + 5}"/><text x="${c(x(v))}" y="${base + 17}" text-anchor="middle">${esc(format(v))}</text>`);
  return [...lines, `<line class="axis" x1="${f.left}" x2="${f.w - f.right}" y1="${base}" y2="${base}"/>`, `<text x="${f.w - f.right}" y="${f.h - 4}" text-anchor="end">${esc(label)}</text>`].join('\n');
}

function emptyNote(f: Frame, text: string): string {
  return `<text class="empty" x="${f.left + plotW(f) / 2}" y="${f.top + plotH(f) / 2}" text-anchor="middle">${esc(text)}</text>`;
}

interface Series {
  name: string;
  cls: string;
  /** Runs of [seconds, value]; a gap (no data) between runs is not bridged by the line. */
  segments: [number, number][][];
  describe: (t: number, v: number) => string;
}

function lineChart(kind: string, title: string, xMax: number, yLabel: string, series: Series[]): string {
  const f = WIDE;
  const points = series.flatMap((s) => s.segments.flat());
  const xTicks = niceTicks(xMax);
  const yTicks = niceTicks(Math.max(0, ...points.map(([, v]) => v)));
  const x = (t: number) => f.left + (t / xTicks[xTicks.length - 1]) * plotW(f);
  const y = (v: number) => f.top + plotH(f) - (v / yTicks[yTicks.length - 1]) * plotH(f);
  const inner = [yAxis(f, yTicks, y, yLabel, tickFormat(yTicks)), xAxis(f, xTicks, x, 'seconds since start', tickFormat(xTicks))];
  const dots = points.length <= MAX_DOTS;
  for (const s of series) {
    for (const seg of s.segments) {
      inner.push(`<polyline class="series ${s.cls}" data-series="${esc(s.name)}" fill="none" points="${seg.map(([t, v]) => `${c(x(t))},${c(y(v))}`).join(' ')}"/>`);
      if (dots) for (const [t, v] of seg) inner.push(`<circle class="dot ${s.cls}" cx="${c(x(t))}" cy="${c(y(v))}" r="3"><title>${esc(s.describe(t, v))}</title></circle>`);
    }
  }
  series.forEach((s, i) => {
    const lx = f.w - f.right - 90 * (series.length - i);
    inner.push(`<line class="legend ${s.cls}" x1="${lx}" x2="${lx + 16}" y1="12" y2="12"/><text x="${lx + 20}" y="16">${esc(s.name)}</text>`);
  });
  if (!points.length) inner.push(emptyNote(f, 'No data'));
  return svg(f, { 'data-chart': kind }, title, inner);
}

/**
 * Rates from the timeline. Intervals are nominally a second but timers drift and the last one is
 * cut short by the end of the run, so each count is divided by its own interval's length.
 */
function rates(timeline: TimelinePoint[]): { t: number; sessions: number; errors: number }[] {
  const out: { t: number; sessions: number; errors: number }[] = [];
  let previous = 0;
  for (const p of timeline) {
    const dt = p.t - previous;
    previous = p.t;
    // A zero-length interval (a run over within the 10 ms the timeline rounds to) has no rate.
    if (dt > 0) out.push({ t: p.t, sessions: p.sessions / dt, errors: p.errors / dt });
  }
  return out;
}

function rateChart(report: RunReport): string {
  const points = rates(report.timeline);
  const xMax = Math.max(report.durationMs / 1000, ...points.map((p) => p.t));
  const per = (what: string) => (t: number, v: number) => `${num(t, 2)} s: ${num(v, 1)} ${what}/s`;
  return lineChart('rate', 'Sessions and errors per second', xMax, 'per second', [
    { name: 'sessions', cls: 'sessions', segments: [points.map((p): [number, number] => [p.t, p.sessions])], describe: per('sessions') },
    { name: 'errors', cls: 'errors', segments: [points.map((p): [number, number] => [p.t, p.errors])], describe: per('errors') },
  ]);
}

function latencyOverTimeChart(timeline: TimelinePoint[]): string {
  // An interval in which no session succeeded has no latency (the runner reports 0): a gap.
  const segments = (pick: (p: TimelinePoint) => number) => {
    const runs: [number, number][][] = [];
    let run: [number, number][] = [];
    for (const p of timeline) {
      if (p.sessions > 0) run.push([p.t, pick(p)]);
      else if (run.length) (runs.push(run), (run = []));
    }
    if (run.length) runs.push(run);
    return runs;
  };
  const xMax = Math.max(0, ...timeline.map((p) => p.t));
  const describe = (name: string) => (t: number, v: number) => `${num(t, 2)} s: ${name} ${ms(v)}`;
  return lineChart('latency-over-time', 'Latency over time (per interval)', xMax, 'ms', [
    { name: 'p50', cls: 'p50', segments: segments((p) => p.p50), describe: describe('p50') },
    { name: 'p99', cls: 'p99', segments: segments((p) => p.p99), describe: describe('p99') },
  ]);
}

function histograms(report: RunReport): string {
  const charts = [histogramChart('All sessions: latency', report.histogram, report.latencyMs)];
  for (const s of report.scenarios) charts.push(histogramChart(`${s.name}: latency`, s.histogram, s.latencyMs, s.name));
  return `<div class="charts">\n${charts.join('\n')}\n</div>`;
}

/**
 * The runner's ~900 narrow buckets re-binned into a few dozen log-spaced bars between the
 * fastest and slowest bucket, so the shape is readable whatever the spread.
 */
function rebin(buckets: [number, number][]): { lo: number; hi: number; bins: number[] } {
  let lo = Math.log10(buckets[0][0] / BUCKET_RATIO);
  let hi = Math.log10(buckets[buckets.length - 1][0]);
  if (hi - lo < MIN_DECADES) {
    const mid = (lo + hi) / 2;
    [lo, hi] = [mid - MIN_DECADES / 2, mid + MIN_DECADES / 2];
  }
  const width = (hi - lo) / HISTOGRAM_BINS;
  const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
  const halfBucket = Math.log10(BUCKET_RATIO) / 2;
  for (const [upper, count] of buckets) {
    const i = Math.floor((Math.log10(upper) - halfBucket - lo) / width);
    bins[Math.min(HISTOGRAM_BINS - 1, Math.max(0, i))] += count;
  }
  return { lo, hi, bins };
}

function histogramChart(title: string, buckets: [number, number][], summary: LatencySummary, scenario?: string): string {
  const f = HALF;
  const attrs = { 'data-chart': 'histogram', 'data-scenario': scenario };
  const live = buckets.filter(([upper, count]) => upper > 0 && count > 0);
  const total = live.reduce((sum, [, n]) => sum + n, 0);
  if (!total) {
    const y = () => f.h - f.bottom;
    return svg(f, attrs, title, [yAxis(f, [0], y, 'sessions', () => '0'), xAxis(f, [], y, 'latency (log scale)', String), emptyNote(f, 'No successful sessions')]);
  }
  const { lo, hi, bins } = rebin(live);
  const yTicks = niceTicks(Math.max(...bins), { integers: true });
  const xl = (log: number) => f.left + ((log - lo) / (hi - lo)) * plotW(f);
  const x = (value: number) => xl(Math.log10(value));
  const y = (v: number) => f.top + plotH(f) - (v / yTicks[yTicks.length - 1]) * plotH(f);
  const inner = [yAxis(f, yTicks, y, 'sessions', (v) => num(v)), xAxis(f, logTicks(10 ** lo, 10 ** hi), x, 'latency (log scale)', tickMs)];
  const width = (hi - lo) / HISTOGRAM_BINS;
  bins.forEach((count, i) => {
    if (!count) return;
    const [from, to] = [lo + i * width, lo + (i + 1) * width];
    // A handful of outliers among thousands would round to no height at all: keep them visible.
    const height = Math.max(1.5, y(0) - y(count));
    const tip = `${tickMs(10 ** from)} – ${tickMs(10 ** to)}: ${num(count)} sessions (${pct(count, total)})`;
    inner.push(`<rect class="bar" x="${c(xl(from) + 0.5)}" y="${c(y(0) - height)}" width="${c(Math.max(1, xl(to) - xl(from) - 1))}" height="${c(height)}"><title>${esc(tip)}</title></rect>`);
  });
  inner.push(marker(f, 'p50', summary.p50, x, 0), marker(f, 'p99', summary.p99, x, 1));
  return svg(f, attrs, title, inner);
}

/**
 * A dashed line at a percentile. Each label has its own row so close percentiles never
 * overprint, and sits on whichever side of its line has room.
 */
function marker(f: Frame, name: string, value: number, x: (v: number) => number, row: number): string {
  if (!(value > 0)) return '';
  const at = Math.min(f.w - f.right, Math.max(f.left, x(value)));
  const label = `${name} ${ms(value)}`;
  const right = at + 4 + label.length * CHAR_W <= f.w;
  const text = `<text class="marker ${name}" x="${c(right ? at + 4 : at - 4)}" y="${f.top + 10 + row * 13}" text-anchor="${right ? 'start' : 'end'}">${esc(label)}</text>`;
  return `<line class="marker ${name}" x1="${c(at)}" x2="${c(at)}" y1="${f.top}" y2="${f.h - f.bottom}"><title>${esc(label)}</title></line>${text}`;
}
