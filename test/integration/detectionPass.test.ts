// The scheduled detection pass (activities/detection.ts runSpikeDetection) on real chDB, with the
// clock in the test's hands: a pass feeds only the minutes since the series' last pass (a series
// resumed over several passes ends exactly where one long pass ends) and adds to its count windows
// the messages stored after their minute was fed, one-off tags are not watched,
// a series silent for longer than the retirement age is retired and starts over when it comes
// back, a series whose fed minutes get history (an import) starts over on it, migration 010 gives the states stored before it a last event, and silences withhold and
// release notices.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectionActivities } from '../../activities/detection.js';
import { DEFAULT_ALERT_POLICY } from '../../domain/alerts.js';
import { groupsUnder } from '../../domain/alertRouting.js';
import type { AlertSilence } from '../../domain/alertSilences.js';
import { BUCKETS_PER_PART } from '../../domain/detection/memoryParts.js';
import type { ShareSnapshot } from '../../domain/detection/shareDetector.js';
import type { DetectorSnapshot } from '../../domain/detection/streamingDetector.js';
import type { Channel, TicketEvent } from '../../domain/events.js';
import { MINUTE_MS, runSeriesPass } from '../../domain/spikeDetection.js';
import { BatchingWriter } from '../../store/batchingWriter.js';
import { createClickHouse, type ClickHouse } from '../../store/clickhouse.js';
import { listDeliveries, writeDeliveryAttempt } from '../../store/alertDeliveries.js';
import { latestAlertPerSeries, listAlerts } from '../../store/alerts.js';
import { saveSilence } from '../../store/alertSilences.js';
import { saveSubscription, type AlertSubscription } from '../../store/alertSubscriptions.js';
import { loadDetectorStates } from '../../store/detectorState.js';
import { writeHistoryArrival } from '../../store/historyArrivals.js';
import { saveHolidayCalendarOverrides } from '../../store/tenantSettings.js';
import { migrate, MIGRATIONS } from '../../store/migrate.js';
import { TABLES, toClickHouseSeconds, toClickHouseTime } from '../../store/tables.js';
import { writeTicketEvents } from '../../store/ticketEvents.js';
import { installBefore } from '../helpers/olderInstall.js';

const DAY = 24 * 60 * MINUTE_MS;
/** A Monday. */
const T0 = Date.parse('2026-06-01T00:00:00Z');

let dataDir: string;
let ch: ClickHouse;
let writer: BatchingWriter;
let clock = 0;
const detection = (settleMs = 0) => createDetectionActivities({ ch, writer, now: () => clock, policy: DEFAULT_ALERT_POLICY, maxBackfillMinutes: 14 * 24 * 60, retireAfterMinutes: 7 * 24 * 60, settleMs, importQuietMs: 60_000 });

/** Customer messages with one tag each, at the given instants (topic billing by email unless told). */
async function messages(tenantId: string, tag: string, instants: number[], { topic = 'billing', channel = 'email' }: { topic?: string; channel?: Channel } = {}): Promise<void> {
  const inbound = instants.map((at, i) => {
    const event: TicketEvent = { eventId: `${tag}-${topic}-${channel}-${at}-${i}`, tenantId, ticketId: `T-${tag}-${at}-${i}`, kind: 'message.customer', occurredAt: new Date(at).toISOString(), provider: 'generic', channel, tags: [tag], body: 'text' };
    return { event, classification: { topic, topicConfidence: 0.9, sentiment: 0.2, frustration: 0, language: 'en' } };
  });
  const done = writeTicketEvents(writer, { inbound, derived: [], context: { channel: 'email', provider: 'generic', segment: '', plan: '', topic: '' } }, T0);
  await writer.flush();
  await done;
}

const every = (from: number, to: number, stepMs: number) => Array.from({ length: Math.ceil((to - from) / stepMs) }, (_, i) => from + i * stepMs);

async function pass(tenantId: string, atMs: number, settleMs = 0) {
  clock = atMs;
  const result = await detection(settleMs).runSpikeDetection({ tenantId });
  await writer.flush();
  return result;
}

/** A subscription to every volume alert of the tenant (each its own notice unless told), at an address nothing listens on: passes only plan deliveries here. */
const subscription = (subscriptionId: string, over: Partial<AlertSubscription> = {}): AlertSubscription => ({ subscriptionId, name: subscriptionId, dimension: '', values: [], metrics: ['volume'], minSeverity: 'low', groupRelated: false, targetUrl: 'http://127.0.0.1:9/hook', format: 'json', secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', createdAt: new Date(T0).toISOString(), ...over });

const statesOf = async (tenantId: string) => new Map((await loadDetectorStates(ch, tenantId)).map((s) => [s.series, s]));

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-detection-pass-'));
  ch = createClickHouse({ dataDir, database: 'detection_pass_test' });
  writer = new BatchingWriter(ch, { maxRows: 5000, flushMs: 10 });
  await installBefore(ch, 10);
});

afterAll(async () => {
  await writer?.close();
  await ch?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the scheduled detection pass', () => {
  it('migration 010: a state stored before it had its last event at its last minute fed', async () => {
    const fed = runSeriesPass({ series: 'tag=legacy', counts: new Map([[T0, 2]]), newSeriesFromMs: T0 - 60 * MINUTE_MS, untilMs: T0, alert: undefined }, T0);
    await ch.insert(TABLES.detectorState, [{ tenant_id: 'legacy', series: 'tag=legacy', last_minute: toClickHouseSeconds(T0), snapshot: JSON.stringify(fed.snapshot), definition: '', updated_at: toClickHouseTime(T0) }]);
    expect(await migrate(ch)).toEqual(MIGRATIONS.map((m) => m.version).filter((v) => v >= 10));
    const [state] = await loadDetectorStates(ch, 'legacy');
    expect(state).toMatchObject({ series: 'tag=legacy', lastMinuteMs: T0, lastEventMs: T0 });
  });

  it('reads only the minutes since the last pass: two passes end where one pass over both ends', async () => {
    // "acme" and "copy" get the same steady tag (one message every 10 minutes for 12 days); both are
    // first detected on day 1, then acme at day 10 and day 12, copy once at day 12. acme also has a
    // tag that stops on day 4. (A first pass over a week or more of history fits the count model's
    // hour profile to it, so the first pass's extent matters; the passes after it do not.)
    const steady = every(T0, T0 + 12 * DAY, 10 * MINUTE_MS);
    await messages('acme', 'steady', steady);
    await messages('copy', 'steady', steady);
    await messages('acme', 'gone', every(T0, T0 + 4 * DAY, 20 * MINUTE_MS));
    await pass('acme', T0 + DAY + 30_000);
    await pass('copy', T0 + DAY + 30_000);

    const first = await pass('acme', T0 + 10 * DAY + 30_000);
    expect(first.retired).toBe(0);
    expect([...(await statesOf('acme')).keys()].sort()).toEqual(
      ['all', 'channel=email', 'tag=gone', 'tag=steady', 'topic=billing'].flatMap((s) => [s, `negative_share:${s}`]).sort(),
    );
    await pass('acme', T0 + 12 * DAY + 30_000);
    await pass('copy', T0 + 12 * DAY + 30_000);
    const [acme, copy] = [await statesOf('acme'), await statesOf('copy')];
    for (const series of ['tag=steady', 'negative_share:tag=steady']) {
      expect(acme.get(series)!.lastMinuteMs).toBe(T0 + 12 * DAY - MINUTE_MS);
      expect(acme.get(series)!.snapshot).toEqual(copy.get(series)!.snapshot);
    }
  });

  it('starts a series over on the completed history when history arrives for minutes it already fed (an import during detection)', async () => {
    // "half" is first detected when only its first 9 days are stored (an import still running), so
    // its series feed days 9-13 as empty (fewer than the 7 days that would retire them); then the
    // rest arrives. "whole" has all of it before its first pass, at the time of half's second pass.
    const history = every(T0 + 10 * MINUTE_MS, T0 + 14 * DAY, 30 * MINUTE_MS);
    const firstPart = history.filter((t) => t < T0 + 9 * DAY);
    await messages('half', 'imported', firstPart);
    await messages('whole', 'imported', history);
    expect((await pass('half', T0 + 14 * DAY + 30_000)).series).toBe(8);
    await messages('half', 'imported', history.slice(firstPart.length));
    await writeHistoryArrival(writer, 'half', { arrivedAtMs: clock + 40_000, earliestMs: T0 + 9 * DAY, events: history.length - firstPart.length });
    await writer.flush();
    // 20 s after the arrival the import may still be sending: every series waits, its state untouched.
    const before = await statesOf('half');
    const waiting = await pass('half', T0 + 14 * DAY + MINUTE_MS + 30_000);
    expect([waiting.series, waiting.waitingForImport, waiting.minutesFed]).toEqual([0, 8, 0]);
    expect(await statesOf('half')).toEqual(before);
    // A minute after it, the import has gone quiet: each series starts over on all of it.
    const restarted = await pass('half', T0 + 14 * DAY + 2 * MINUTE_MS + 30_000);
    await pass('whole', T0 + 14 * DAY + 2 * MINUTE_MS + 30_000);
    const [half, whole] = [await statesOf('half'), await statesOf('whole')];
    expect([...half.keys()].sort()).toEqual([...whole.keys()].sort());
    // Each series replayed the whole history again, and learned what a series that had it all along learned.
    expect(restarted.minutesFed).toBeGreaterThan(half.size * 13 * 24 * 60);
    for (const [series, state] of whole) expect(half.get(series)!.snapshot).toEqual(state.snapshot);
    // The next pass continues: the arrival is older than the pass that read it.
    const next = await pass('half', T0 + 14 * DAY + 3 * MINUTE_MS + 30_000);
    expect(next.minutesFed).toBe(half.size);
    // Imported history within the minutes a pass reads again (a sync of recently solved tickets) is
    // taken in as late rows: no series waits or starts over.
    const recent = [1, 2, 3].map((s) => T0 + 14 * DAY - 28 * MINUTE_MS + s * 1000);
    await messages('half', 'imported', recent);
    await writeHistoryArrival(writer, 'half', { arrivedAtMs: clock + 10_000, earliestMs: recent[0], events: recent.length });
    await writer.flush();
    const synced = await pass('half', T0 + 14 * DAY + 4 * MINUTE_MS);
    expect([synced.waitingForImport, synced.minutesFed, synced.lateEvents]).toEqual([0, half.size, recent.length]);
  });

  it('retires a series silent for longer than the retirement age (7 days here), and starts it over when it comes back', async () => {
    // tag=gone's last message was on day 4: at day 10 it was 6 days silent and kept; at day 12, retired.
    const states = await statesOf('acme');
    expect(states.has('tag=gone')).toBe(false);
    expect(states.has('negative_share:tag=gone')).toBe(false);
    const rows = await ch.query<{ series: string; snapshot: string; last_event: string }>(
      `SELECT series, snapshot, last_event FROM ${ch.table(TABLES.detectorState)} FINAL WHERE tenant_id = 'acme' AND series LIKE '%tag=gone'`,
    );
    expect(rows.map((r) => [r.series, r.snapshot]).sort()).toEqual([['negative_share:tag=gone', ''], ['tag=gone', '']]);
    // Its seasonal memories are emptied in storage as well (48 parts: a day's and a week's five-minute buckets).
    const goneParts = await ch.query<{ kept: number; emptied: number }>(
      `SELECT countIf(buckets != '') AS kept, countIf(buckets = '') AS emptied FROM ${ch.table(TABLES.detectorMemoryParts)} FINAL WHERE tenant_id = 'acme' AND series = 'tag=gone'`,
    );
    expect(goneParts.map((r) => [Number(r.kept), Number(r.emptied)])).toEqual([[0, (288 + 2016) / BUCKETS_PER_PART]]);

    // Three messages on day 12: it is watched again, replayed over the backfill window like a new series.
    await messages('acme', 'gone', [1, 2, 3].map((m) => T0 + 12 * DAY + m * MINUTE_MS));
    await pass('acme', T0 + 12 * DAY + 10 * MINUTE_MS + 30_000);
    const back = (await statesOf('acme')).get('tag=gone')!;
    expect(back.lastEventMs).toBe(T0 + 12 * DAY + 3 * MINUTE_MS);
    expect((back.snapshot as DetectorSnapshot).firstTimestampMs).toBe(T0);
    // Its count memory holds the days-old messages it replayed (decayed), not only the three new ones.
    expect((back.snapshot as DetectorSnapshot).counts!.totalCounts).toBeGreaterThan(200);
  });

  it('stores seasonal memories in parts and rewrites only the parts that changed', async () => {
    await messages('parts', 'steady', every(T0, T0 + 3 * DAY, 10 * MINUTE_MS));
    // What each pass hands the writer, per table.
    let written = new Map<string, object[]>();
    const counting = Object.assign(Object.create(writer) as BatchingWriter, {
      write: (table: string, rows: readonly object[]) => {
        written.set(table, [...(written.get(table) ?? []), ...rows]);
        return writer.write(table, rows);
      },
    });
    const countedPass = async (atMs: number) => {
      written = new Map();
      clock = atMs;
      await createDetectionActivities({ ch, writer: counting, now: () => clock, policy: DEFAULT_ALERT_POLICY, maxBackfillMinutes: 14 * 24 * 60, retireAfterMinutes: 7 * 24 * 60, settleMs: 0, importQuietMs: 60_000 }).runSpikeDetection({ tenantId: 'parts' });
      await writer.flush();
      return { states: written.get(TABLES.detectorState) ?? [], parts: (written.get(TABLES.detectorMemoryParts) ?? []) as { series: string }[] };
    };
    const volumeSeries = ['all', 'channel=email', 'tag=steady', 'topic=billing'];
    const partsPerSeries = (288 + 2016) / BUCKETS_PER_PART;

    // The first pass stores every part of every volume series (share series have no seasonal memory).
    const first = await countedPass(T0 + 3 * DAY + 30_000);
    expect(first.states).toHaveLength(2 * volumeSeries.length);
    expect(first.parts).toHaveLength(volumeSeries.length * partsPerSeries);
    // The state rows carry the memories without their histories.
    for (const row of first.states as { series: string; snapshot: string }[]) {
      const memories = (JSON.parse(row.snapshot) as DetectorSnapshot).baseline?.memories ?? {};
      for (const memory of Object.values(memories)) expect(memory!.history).toEqual([]);
    }

    const weeklyMemory = async () => ((await statesOf('parts')).get('tag=steady')!.snapshot as DetectorSnapshot).baseline!.memories.weekly!;
    const seenAfterFirst = (await weeklyMemory()).history.filter((h) => h.length > 0).length;
    expect(seenAfterFirst).toBeGreaterThan(3 * 288 - 5);

    // Ten passes a minute apart: each rewrites at most one part per memory, and only when a bucket closed.
    const rewritten: number[] = [];
    for (let m = 1; m <= 10; m++) {
      const next = await countedPass(T0 + 3 * DAY + m * MINUTE_MS + 30_000);
      expect(next.states).toHaveLength(2 * volumeSeries.length);
      expect(next.parts.length).toBeLessThanOrEqual(2 * volumeSeries.length);
      rewritten.push(next.parts.length);
    }
    expect(rewritten.filter((n) => n > 0).length).toBe(2);
    // Loaded back, the memory is whole: the buckets of the three days and the two closed since.
    const weekly = await weeklyMemory();
    expect(weekly.history.length).toBe(2016);
    expect(weekly.history.filter((h) => h.length > 0).length).toBe(seenAfterFirst + 2);
  });

  it('does not watch a tag with fewer events than could alert; the third event starts it on its history', async () => {
    const at = T0 + 13 * DAY;
    await messages('acme', 'order-1', [at]);
    await messages('acme', 'order-2', [at, at + 5 * MINUTE_MS]);
    const quiet = await pass('acme', at + 10 * MINUTE_MS);
    const states = await statesOf('acme');
    expect([...states.keys()].filter((s) => s.includes('order-'))).toEqual([]);
    expect(quiet.deliveries).toEqual([]);
    const alerts = await ch.query<{ n: string }>(`SELECT count() AS n FROM ${ch.table(TABLES.alerts)} WHERE tenant_id = 'acme' AND series LIKE '%order-%'`);
    expect(Number(alerts[0]!.n)).toBe(0);

    // A third order-2 message four hours later: watched from then on, on all three.
    await messages('acme', 'order-2', [at + 4 * 60 * MINUTE_MS]);
    await pass('acme', at + 4 * 60 * MINUTE_MS + 2 * MINUTE_MS);
    const started = (await statesOf('acme')).get('tag=order-2')!;
    expect(started.lastEventMs).toBe(at + 4 * 60 * MINUTE_MS);
    expect((started.snapshot as DetectorSnapshot).firstTimestampMs).toBe(T0);
    // The two earlier messages have left the 3-hour count window and were learned (by the replay, and
    // by the hour-profile fit before it: 13 days of history): only the third is still held.
    const counts = (started.snapshot as DetectorSnapshot).counts!;
    expect(counts.recent).toEqual([[(at + 4 * 60 * MINUTE_MS) / MINUTE_MS, 1]]);
    expect(counts.totalCounts).toBeGreaterThan(1.9);
    expect(counts.totalCounts).toBeLessThan(4);
    expect((await statesOf('acme')).has('tag=order-1')).toBe(false);
  });

  it('names what drove an alert: the slices that rose most in the hour before the notice, against the same hour in previous weeks', async () => {
    // Five weeks of billing (tag invoice) every 30 minutes and shipping (tag delivery) every 10, by
    // email; then 30 billing/invoice messages by chat in the last 20 minutes.
    const end = T0 + 35 * DAY;
    const history = [
      { tag: 'invoice', topic: 'billing', at: every(T0, end, 30 * MINUTE_MS) },
      { tag: 'delivery', topic: 'shipping', at: every(T0, end, 10 * MINUTE_MS) },
    ];
    for (const h of history) await messages('drivers', h.tag, h.at, { topic: h.topic });
    // A week before, a declared holiday with a busy evening: that week is left out of the usual.
    const holidayEvening = Array.from({ length: 10 }, (_, i) => end - 7 * DAY - 40 * MINUTE_MS + i * MINUTE_MS);
    await messages('drivers', 'invoice', holidayEvening, { topic: 'billing' });
    await saveHolidayCalendarOverrides(ch, 'drivers', { dates: [new Date(end - 7 * DAY - MINUTE_MS).toISOString().slice(0, 10)] }, T0);
    const burst = (from: number) => Array.from({ length: 30 }, (_, i) => from + Math.floor((i * 20) / 30) * MINUTE_MS);
    const spike = burst(end - 20 * MINUTE_MS);
    await messages('drivers', 'invoice', spike, { topic: 'billing', channel: 'chat' });
    // An earlier burst, five days before: found while replaying history, recorded but not notified.
    const earlier = burst(end - 5 * DAY + 14 * 60 * MINUTE_MS);
    await messages('drivers', 'order', earlier, { topic: 'shipping', channel: 'chat' });
    await pass('drivers', end + 30_000);
    const historic = (await listAlerts(ch, 'drivers', { limit: 100 })).find((a) => a.series === 'all' && a.startedAtMs >= earlier[0]! && a.startedAtMs < earlier[0]! + 60 * MINUTE_MS);
    expect(historic?.notifiedSeverity).toBe('');
    expect(historic!.contributors.slice(0, 2).map((c) => [c.dimension, c.value])).toEqual([['channel', 'chat'], ['tag', 'order']]);

    const alerts = await latestAlertPerSeries(ch, 'drivers');
    const overall = alerts.get('all')!;
    const billing = alerts.get('topic=billing')!;
    // Both fired during the spike (and may have resolved within it: a minute or two of messages is back inside the band).
    expect(overall.notifiedSeverity).not.toBe('');
    expect(billing.notifiedSeverity).not.toBe('');
    // Expected figures from the messages written: events in the hour ending at the alert's minute,
    // and the mean of the same hour 2–4 weeks before (all inside the five weeks stored; week 1 was the holiday).
    const inHour = (instants: number[], endMs: number) => instants.filter((t) => t > endMs - 60 * MINUTE_MS + MINUTE_MS - 1 && t < endMs + MINUTE_MS).length;
    const figures = (instants: number[], endMs: number) => ({ observed: inHour(instants, endMs), usual: [2, 3, 4].reduce((sum, w) => sum + inHour(instants, endMs - w * 7 * DAY), 0) / 3 });
    const [invoiceByEmail, delivery] = history.map((h) => h.at);
    const rise = ({ observed, usual }: { observed: number; usual: number }) => observed - usual;

    const endAll = overall.lastAnomalyAtMs;
    const chat = figures(spike, endAll);
    const billingAll = figures([...invoiceByEmail!, ...spike], endAll);
    const whole = figures([...invoiceByEmail!, ...spike, ...delivery!, ...earlier], endAll);
    expect(chat.observed).toBeGreaterThan(0);
    // The rise is all billing/invoice by chat: channel chat, tag invoice and topic billing rose by the same, shipping and email did not.
    expect(overall.contributors.map((c) => [c.dimension, c.value])).toEqual([['channel', 'chat'], ['tag', 'invoice'], ['topic', 'billing']]);
    expect(overall.contributors[0]).toEqual({ dimension: 'channel', value: 'chat', observed: chat.observed, usual: 0, shareOfRise: Number(Math.min(1, chat.observed / rise(whole)).toFixed(3)) });
    expect(overall.contributors[2]).toMatchObject({ observed: billingAll.observed, usual: billingAll.usual });

    // A tag's alert names the channel that rose as well as the topic (one rollup holds every slice of an event).
    const invoice = alerts.get('tag=invoice')!;
    expect(invoice.contributors.map((c) => [c.dimension, c.value])).toEqual([['channel', 'chat'], ['topic', 'billing']]);
    expect(invoice.contributors[0]).toMatchObject({ observed: figures(spike, invoice.lastAnomalyAtMs).observed, usual: 0 });

    // The billing alert's drivers leave billing itself out.
    const endBilling = billing.lastAnomalyAtMs;
    expect(billing.contributors.map((c) => [c.dimension, c.value])).toEqual([['channel', 'chat'], ['tag', 'invoice']]);
    expect(billing.contributors[1]).toMatchObject({ observed: figures([...invoiceByEmail!, ...spike], endBilling).observed, usual: figures([...invoiceByEmail!, ...spike], endBilling).usual });
  });

  it('withholds the notices a silence covers and logs each with the silence; an alert that outlives it is announced then; the all-clear skips those never told', async () => {
    // Two days of checkout (topic billing) and login (topic account) messages every 4 minutes, then 30
    // of each in three minutes; billing is silenced for the hour around it (INC-7). The subscriptions
    // take every alert on its own (grouping is the next test's).
    const end = T0 + 28 * DAY;
    await messages('muted', 'checkout', every(end - 2 * DAY, end - 10 * MINUTE_MS, 4 * MINUTE_MS), { topic: 'billing' });
    await messages('muted', 'login', every(end - 2 * DAY, end - 10 * MINUTE_MS, 4 * MINUTE_MS), { topic: 'account' });
    const burst = Array.from({ length: 30 }, (_, i) => end - 10 * MINUTE_MS + Math.floor(i / 10) * MINUTE_MS + (i % 10) * 1000);
    await messages('muted', 'checkout', burst, { topic: 'billing' });
    await messages('muted', 'login', burst, { topic: 'account' });
    await saveSubscription(ch, 'muted', subscription('everything'), false, T0);
    await saveSubscription(ch, 'muted', subscription('billing-team', { dimension: 'topic', values: ['billing'] }), false, T0);
    const silence: AlertSilence = { silenceId: 'sil-inc-7', dimension: 'topic', values: ['billing'], metrics: [], startsAtMs: end - 60 * MINUTE_MS, endsAtMs: end + 60 * MINUTE_MS, comment: 'INC-7 checkout outage, being fixed', createdBy: 'ana', createdAtMs: end - 60 * MINUTE_MS };
    await saveSilence(ch, 'muted', silence, silence.createdAtMs);

    const first = await pass('muted', end + 30_000);
    const alerts = await latestAlertPerSeries(ch, 'muted');
    const billing = alerts.get('topic=billing')!;
    expect(billing).toMatchObject({ status: 'firing' });
    expect(billing.notifiedSeverity).not.toBe('');
    const planned = new Set(first.deliveries.map((d) => d.alertId));
    // The silenced series' notice is planned for nobody; the burst's other series (the tag, the other topic, all) notify as usual.
    expect(planned.has(billing.alertId)).toBe(false);
    for (const series of ['tag=checkout', 'topic=account', 'all']) expect(planned.has(alerts.get(series)!.alertId), series).toBe(true);
    expect(first.withheld).toBe(2);
    const log = async (alertId: string) => (await listDeliveries(ch, 'muted', alertId)).map((d) => [d.subscriptionId, d.notice, d.status, d.attempts, d.error]);
    expect((await log(billing.alertId)).sort()).toEqual([
      ['billing-team', 'firing', 'silenced', 0, 'silenced by sil-inc-7: INC-7 checkout outage, being fixed'],
      ['everything', 'firing', 'silenced', 0, 'silenced by sil-inc-7: INC-7 checkout outage, being fixed'],
    ]);

    // The silence is ended early while billing still fires: the next pass announces it to both (they
    // were told only through the silence), under a delivery id of its own; the tag's alert, notified
    // already, is not announced again.
    await saveSilence(ch, 'muted', { ...silence, endsAtMs: end + MINUTE_MS }, end + MINUTE_MS);
    const afterEnd = await pass('muted', end + 2 * MINUTE_MS);
    expect((await latestAlertPerSeries(ch, 'muted')).get('topic=billing')).toMatchObject({ alertId: billing.alertId, status: 'firing' });
    const announced = afterEnd.deliveries.filter((d) => d.alertId === billing.alertId);
    expect(announced.map((d) => [d.subscriptionId, d.kind, d.notice.type, d.notice.heldBack]).sort()).toEqual([['billing-team', 'firing', 'alert.firing', 'silenced'], ['everything', 'firing', 'alert.firing', 'silenced']]);
    expect(first.deliveries.every((d) => d.notice.heldBack === null)).toBe(true);
    expect(afterEnd.deliveries.filter((d) => d.alertId !== billing.alertId)).toEqual([]);
    const silencedIds = new Set((await listDeliveries(ch, 'muted', billing.alertId)).map((d) => d.deliveryId));
    for (const d of announced) expect(silencedIds.has(d.deliveryId)).toBe(false);
    // Until its first attempt is logged, each pass plans the same delivery (the workflow id keeps it to one); then no more.
    const everything = announced.find((d) => d.subscriptionId === 'everything')!;
    await writeDeliveryAttempt(writer, { tenantId: 'muted', deliveryId: everything.deliveryId, alertId: billing.alertId, subscriptionId: 'everything', notice: 'firing', status: 'delivered', attempts: 1, httpStatus: 200, error: '', atMs: end + 2 * MINUTE_MS });
    await writer.flush();
    const next = await pass('muted', end + 3 * MINUTE_MS);
    expect(next.deliveries.map((d) => [d.subscriptionId, d.deliveryId])).toEqual([['billing-team', announced.find((d) => d.subscriptionId === 'billing-team')!.deliveryId]]);

    // The alerts resolve. The all-clear goes to the subscription that was told, and is withheld from
    // the one whose every notice so far was withheld (its announcement never logged an attempt here).
    const second = await pass('muted', end + 60 * MINUTE_MS);
    const resolvedNow = await latestAlertPerSeries(ch, 'muted');
    expect(resolvedNow.get('topic=billing')).toMatchObject({ alertId: billing.alertId, status: 'resolved' });
    expect(resolvedNow.get('tag=checkout')).toMatchObject({ status: 'resolved' });
    expect(second.deliveries.map((d) => [d.alertId, d.subscriptionId, d.kind])).toContainEqual([alerts.get('tag=checkout')!.alertId, 'everything', 'resolved']);
    expect(second.deliveries.filter((d) => d.alertId === billing.alertId).map((d) => [d.subscriptionId, d.kind])).toEqual([['everything', 'resolved']]);
    expect((await log(billing.alertId)).filter((d) => d[1] === 'resolved')).toEqual([['billing-team', 'resolved', 'silenced', 0, 'its firing notices were silenced']]);
  });

  it('groups the alerts of one incident for a subscription: each rising topic is sent, the tag, channel and overall alerts it drove are logged as grouped, and so are their all-clears', async () => {
    // Two days of billing (tag checkout) and account (tag login) by email every 4 minutes, then two
    // incidents at once: 30 billing messages by chat and 30 account messages by web in three minutes.
    const end = T0 + 30 * DAY;
    await messages('incident', 'checkout', every(end - 2 * DAY, end - 10 * MINUTE_MS, 4 * MINUTE_MS), { topic: 'billing' });
    await messages('incident', 'login', every(end - 2 * DAY, end - 10 * MINUTE_MS, 4 * MINUTE_MS), { topic: 'account' });
    const burst = Array.from({ length: 30 }, (_, i) => end - 10 * MINUTE_MS + Math.floor(i / 10) * MINUTE_MS + (i % 10) * 1000);
    await messages('incident', 'checkout', burst, { topic: 'billing', channel: 'chat' });
    await messages('incident', 'login', burst.map((t) => t + 500), { topic: 'account', channel: 'web' });
    await saveSubscription(ch, 'incident', subscription('on-call', { groupRelated: true }), false, T0);
    await saveSubscription(ch, 'incident', subscription('firehose'), false, T0);

    const first = await pass('incident', end + 30_000);
    const alerts = await latestAlertPerSeries(ch, 'incident');
    const byId = new Map([...alerts.values()].map((a) => [a.alertId, a]));
    const sentTo = (id: string) => first.deliveries.filter((d) => d.subscriptionId === id && d.kind === 'firing').map((d) => byId.get(d.alertId)!.series).sort();
    const everything = sentTo('firehose');
    const grouped = sentTo('on-call');
    // Both topics reach on-call; everything else that fired reached the firehose only.
    expect(grouped).toEqual(['topic=account', 'topic=billing']);
    expect(everything).toEqual(expect.arrayContaining(['all', 'channel=chat', 'channel=web', 'tag=checkout', 'tag=login', 'topic=account', 'topic=billing']));
    // Each one on-call did not get is logged as grouped with the topic alert that drove it.
    for (const series of everything.filter((x) => !grouped.includes(x))) {
      const alert = alerts.get(series)!;
      const [row] = (await listDeliveries(ch, 'incident', alert.alertId)).filter((d) => d.subscriptionId === 'on-call');
      expect(row, series).toMatchObject({ notice: 'firing', status: 'grouped', attempts: 0 });
      const leader = alerts.get(row!.error.match(/^grouped with the (\S+) alert /)![1]!)!;
      expect(grouped).toContain(leader.series);
      expect(groupsUnder(alert, leader), `${series} under ${leader.series}`).toBe(true);
    }
    expect(first.withheld).toBe(everything.length - grouped.length);

    // All resolved: the topics' all-clears go to on-call, the grouped alerts' are withheld; the firehose gets every one.
    const second = await pass('incident', end + 60 * MINUTE_MS);
    const resolvedTo = (id: string) => second.deliveries.filter((d) => d.subscriptionId === id && d.kind === 'resolved').map((d) => byId.get(d.alertId)!.series).sort();
    expect(resolvedTo('on-call')).toEqual(grouped);
    expect(resolvedTo('firehose')).toEqual(everything);
    expect(second.withheld).toBe(everything.length - grouped.length);
  });

  it('feeds a minute only once it has settled, so a message stored late in its minute still counts', async () => {
    // A steady tag, then a pass 10 seconds into the next minute; the message of 10:00:50 is stored after it.
    const at = T0 + 20 * DAY + 10 * 60 * MINUTE_MS;
    await messages('late', 'steady', every(at - 3 * DAY, at, 10 * MINUTE_MS));
    const settle = 60_000;
    await pass('late', at + 70_000, settle);
    await messages('late', 'steady', [at + 50_000]);
    await pass('late', at + 130_000, settle);
    // The second pass fed 10:00 with the late message in it.
    expect((await statesOf('late')).get('tag=steady')).toMatchObject({ lastMinuteMs: at, lastEventMs: at });
  });

  it('adds messages stored after the pass that fed their minute to the count windows of every series they belong to', async () => {
    const at = T0 + 24 * DAY + 14 * 60 * MINUTE_MS;
    await messages('lag', 'steady', every(at - 3 * DAY, at, 10 * MINUTE_MS));
    expect((await pass('lag', at + 30 * MINUTE_MS)).lateEvents).toBe(0);
    // Four messages of 14:05 and 14:20 (both fed already) are stored only now: ingest lagging behind.
    await messages('lag', 'steady', [at + 5 * MINUTE_MS, at + 5 * MINUTE_MS + 1_000, at + 20 * MINUTE_MS, at + 20 * MINUTE_MS + 1_000]);
    const result = await pass('lag', at + 31 * MINUTE_MS);
    // Counted once, in the overall volume series (the metric), though every series of theirs took them, negative shares too.
    expect(result.lateEvents).toBe(4);
    const states = await statesOf('lag');
    const windowCounts = (series: string) => new Map((states.get(series)!.snapshot as DetectorSnapshot).counts!.recent);
    for (const series of ['all', 'tag=steady', 'topic=billing', 'channel=email']) {
      expect(windowCounts(series).get((at + 5 * MINUTE_MS) / MINUTE_MS)).toBe(2);
      expect(windowCounts(series).get((at + 20 * MINUTE_MS) / MINUTE_MS)).toBe(2);
    }
    // The share's last hour: the steady messages of 13:40 and 13:50, then the late ones.
    expect((states.get('negative_share:tag=steady')!.snapshot as ShareSnapshot).minutes).toEqual([
      [at - 20 * MINUTE_MS, 1, 0],
      [at - 10 * MINUTE_MS, 1, 0],
      [at + 5 * MINUTE_MS, 2, 0],
      [at + 20 * MINUTE_MS, 2, 0],
    ]);
    // Read again, they are not added twice.
    expect((await pass('lag', at + 32 * MINUTE_MS)).lateEvents).toBe(0);
  });
});
