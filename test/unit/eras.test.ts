// The date table (core/eras.ts) against the reference's programme dates (§7, §4.4).
import t from 'tap';
import { eraAt, ERAS, PROGRAMME_PHASES } from '../../core/eras.js';

const at = (iso: string) => Date.parse(iso);

t.test("the programme's phases fall on the reference's dates", async (t) => {
  t.equal(eraAt('programmePhase', at('2020-06-01')), 'before-programme');
  t.equal(eraAt('programmePhase', at('2021-07-01')), 'proactive-disablement');
  t.equal(eraAt('programmePhase', at('2022-09-01')), 'opt-out-window');
  t.equal(eraAt('programmePhase', at('2022-09-30T23:59:59Z')), 'opt-out-window');
  t.equal(eraAt('programmePhase', at('2022-10-01')), 'switch-off');
  t.equal(eraAt('programmePhase', at('2022-12-31T23:59:59Z')), 'switch-off');
  t.equal(eraAt('programmePhase', at('2023-01-01')), 'permanent');
  t.same(ERAS.programmePhase.map((r) => r.value), PROGRAMME_PHASES, 'in order');
});

t.test("SMTP AUTH's own path (§4.4)", async (t) => {
  t.equal(eraAt('smtpBasic', at('2026-11-26')), 'available');
  t.equal(eraAt('smtpBasic', at('2026-12-31')), 'default-off');
  t.equal(eraAt('smtpBasic', at('2027-07-01')), 'removed');
});

t.test('front-end eras and reply formats', async (t) => {
  t.equal(eraAt('frontEnd', at('2025-06-01')), 'classic');
  t.equal(eraAt('frontEnd', at('2026-09-10')), 'tcpproxy');
  t.equal(eraAt('smtpSuffix', at('2022-11-04')), 'host');
  t.equal(eraAt('smtpSuffix', at('2025-01-26')), 'host-time-id');
  t.equal(eraAt('smtpAuthTexts', at('2020-12-31')), 'generic-5.7.3');
  t.equal(eraAt('smtpAuthTexts', at('2022-08-01')), 'reasons-5.7.139');
});

t.test('every row is dated, in order, and unconfirmed rows say why', async (t) => {
  for (const [key, rows] of Object.entries(ERAS)) {
    const dates = rows.map((r: { from: string }) => Date.parse(r.from));
    t.ok(dates.every((d: number) => !Number.isNaN(d)), `${key}: dates parse`);
    t.same(dates, [...dates].sort((a, b) => a - b), `${key}: ascending`);
    for (const row of rows as { confirmed: boolean; note: string }[]) if (!row.confirmed) t.ok(row.note.length > 10, `${key}: an unconfirmed row carries its note`);
  }
});
