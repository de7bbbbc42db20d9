import t from 'tap';
import { Clock, parseDuration, Timeline } from '../../core/clock.js';

t.test('parseDuration reads the control API forms', async (t) => {
  t.equal(parseDuration('30d'), 30 * 86_400_000);
  t.equal(parseDuration('1h'), 3_600_000);
  t.equal(parseDuration('90m'), 5_400_000);
  t.equal(parseDuration('1d12h'), 36 * 3_600_000);
  t.equal(parseDuration('45'), 45_000);
  t.equal(parseDuration('250ms'), 250);
  for (const bad of ['', 'h', '3 days', '1x', '-1d', '1d junk']) t.throws(() => parseDuration(bad), RangeError, bad);
});

t.test('a running clock keeps its offset from real time', async (t) => {
  let real = Date.parse('2026-01-01T00:00:00Z');
  const clock = new Clock(undefined, () => real);
  await clock.set('2021-07-01T00:00:00Z');
  t.equal(clock.date().toISOString(), '2021-07-01T00:00:00.000Z');
  real += 5000;
  t.equal(clock.date().toISOString(), '2021-07-01T00:00:05.000Z');
  await clock.advance('30d');
  t.equal(clock.date().toISOString(), '2021-07-31T00:00:05.000Z');
  t.same(clock.state(), { offsetMs: clock.now() - real, frozenAt: null });
});

t.test('a frozen clock stands still until moved', async (t) => {
  let real = 1_000_000;
  const clock = new Clock(undefined, () => real);
  clock.freeze(Date.parse('2022-10-01T00:00:00Z'));
  real += 60_000;
  t.equal(clock.date().toISOString(), '2022-10-01T00:00:00.000Z');
  await clock.advance(3600);
  t.equal(clock.date().toISOString(), '2022-10-01T01:00:00.000Z');
  clock.unfreeze();
  real += 1000;
  t.equal(clock.date().toISOString(), '2022-10-01T01:00:01.000Z');
});

t.test('jump listeners run before set/advance resolve, and advance never goes back', async (t) => {
  const clock = new Clock();
  const seen: [number, number][] = [];
  const stop = clock.onJump(async (now, previous) => {
    await new Promise((r) => setTimeout(r, 5));
    seen.push([now, previous]);
  });
  const before = clock.now();
  const after = await clock.advance('1h');
  t.equal(seen.length, 1);
  t.ok(seen[0][0] === after && Math.abs(seen[0][1] - before) < 1000);
  await t.rejects(clock.advance(-1), RangeError);
  stop();
  await clock.advance('1h');
  t.equal(seen.length, 1, 'an unsubscribed listener hears nothing');
  await t.rejects(clock.set('not a date'), RangeError);
});

t.test('a timeline answers "what was true at t", including changes scheduled for later', async (t) => {
  const tl = new Timeline<string>();
  t.equal(tl.at(0), undefined);
  tl.set('b', 200);
  tl.set('a', 100);
  tl.set('c', 300);
  t.equal(tl.at(99), undefined);
  t.equal(tl.at(100), 'a');
  t.equal(tl.at(199), 'a');
  t.equal(tl.at(200), 'b');
  t.equal(tl.at(10_000), 'c');
  t.equal(tl.nextChangeAfter(150), 200);
  t.equal(tl.nextChangeAfter(300), undefined);
  tl.set('a2', 100);
  t.equal(tl.at(150), 'a2', 'a later write at the same instant wins');
});
