// Spike → alert → signed webhook at a local receiver, through real webhooks, Temporal and chDB:
// delivered exactly once even though the receiver is down at first, then a resolve notice; a second
// detection pass re-fires nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Supportloop } from '../../runtime/supportloop.js';
import type { DetectorSnapshot } from '../../domain/detection/streamingDetector.js';
import { parseSeries, type AlertState } from '../../domain/alerts.js';
import { areaMatchers, productAreasFor } from '../../domain/productAreas.js';
import { writeAlerts } from '../../store/alerts.js';
import { loadDetectorStates } from '../../store/detectorState.js';
import { seriesCounts } from '../../store/spikeSeries.js';
import { detectionScheduleId } from '../../workflows/messages.js';
import { createTenant, eventually, signGeneric, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';
import { startNoticeReceiver, type NoticeReceiver, type ReceivedNotice } from '../../resilience/noticeReceiver.js';

/** An alert notice's fields; a test notice has others. */
type Received = ReceivedNotice<{ type: string; alertId: string; metric: string; series: { dimension: string; value: string } } & Record<string, unknown>>;

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;
/** Made by the product-areas test; the alert-list test reads its alerts. */
let initech: TestTenant;
/** Alert notices' receiver: down (503) until the first delivery test brings it back. */
let receiver: TestReceiver;
let receiverUrl: string;
let secret = '';
let received: Received[] = [];

const MINUTE = 60_000;
const GRAFANA_URL = 'https://grafana.example.test';
const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

beforeAll(async () => {
  // Passes run right after each import here: the wait for an import to go quiet is tested in detectionPass.test.ts.
  sl = await startTestSupportloop({ detectionImportQuietSeconds: 0, detectionIntervalSeconds: 3600, alertResolveAfterMinutes: 5, alertNotifyWithinMinutes: 120, detectionBackfillMinutes: 3 * 24 * 60, alertRetryInitialSeconds: 1, grafanaUrl: GRAFANA_URL });
  acme = await createTenant(sl, 'acme');
  receiver = await startNoticeReceiver(() => secret);
  receiver.status = 503;
  receiverUrl = receiver.url;
  received = receiver.requests;
});
afterAll(async () => {
  await sl?.cleanup();
  await receiver?.close();
});

const auth = () => ({ authorization: `Bearer ${acme.apiKey}` });

async function runDetection(tenantId = 'acme'): Promise<{ series: number; notices: number; withheld: number }> {
  return sl.temporal.client.workflow.execute('detectSpikes', {
    taskQueue: sl.config.taskQueue,
    workflowId: `test-detect-${tenantId}-${Date.now()}`,
    args: [{ tenantId, alertRetryInitialMs: 1000 }],
  });
}

/** The notices delivered since `before` for alerts whose id starts with `prefix`, once at least one arrived; then, a second later, that no other alert's notice came. */
async function onlyNoticesFor(before: number, prefix: string): Promise<Received[]> {
  const notices = await eventually(async () => {
    const mine = received.slice(before).filter((r) => r.status === 200 && r.body.alertId.startsWith(prefix));
    return mine.length > 0 ? mine : undefined;
  }, 30_000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(received.slice(before).every((r) => r.body.alertId.startsWith(prefix))).toBe(true);
  return notices;
}

describe('spike alerts', () => {
  it('creates a per-tenant detection schedule', async () => {
    const description = await sl.temporal.client.schedule.getHandle(detectionScheduleId('acme')).describe();
    expect(description.action.workflowType).toBe('detectSpikes');
  });

  it('validates subscriptions', async () => {
    const insecure = await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers: auth(), payload: { targetUrl: 'http://example.com/hook' } });
    expect(insecure.statusCode).toBe(400);
    expect(insecure.json().field).toBe('targetUrl');
    const badSeverity = await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers: auth(), payload: { targetUrl: receiverUrl, minSeverity: 'urgent' } });
    expect(badSeverity.statusCode).toBe(400);
  });

  it('delivers a signed firing notice exactly once after the receiver comes back, then a resolve notice', async () => {
    const sub = await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers: auth(), payload: { name: 'billing team', dimension: 'tag', values: ['checkout'], minSeverity: 'low', targetUrl: receiverUrl } });
    expect(sub.statusCode, sub.body).toBe(201);
    secret = sub.json().secret;

    // Two quiet days of history: about one checkout ticket every 4 minutes.
    const now = Date.now();
    const tickets = [];
    for (let m = floorMinute(now - 2 * 24 * 60 * MINUTE); m < floorMinute(now - 40 * MINUTE); m += MINUTE) {
      if ((m / MINUTE) % 4 === 0) tickets.push({ id: `hist-${m}`, createdAt: new Date(m + 5000).toISOString(), body: 'Checkout page shows an error', tags: ['checkout'], reply: 'Please retry.', channel: 'web' });
    }
    for (let i = 0; i < tickets.length; i += 1000) {
      const res = await sl.app!.inject({ method: 'POST', url: '/v1/import/tickets', headers: auth(), payload: { tickets: tickets.slice(i, i + 1000) } });
      expect(res.statusCode, res.body).toBe(200);
    }

    // The spike arrives through real webhooks: 30 tickets a minute for three minutes, half an hour ago.
    const spikeStart = floorMinute(now - 30 * MINUTE);
    for (let minute = 0; minute < 3; minute++) {
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const body = JSON.stringify({ eventId: `spike-${minute}-${i}`, kind: 'message.customer', ticketId: `S-${minute}-${i}`, occurredAt: new Date(spikeStart + minute * MINUTE + i * 1000).toISOString(), channel: 'web', tags: ['checkout'], body: 'I cannot pay, checkout is broken' });
          const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: signGeneric(acme.webhookSecrets.generic!, body), payload: body });
          expect(res.statusCode).toBe(202);
        }),
      );
    }
    await eventually(async () => {
      const [r] = await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table('ticket_events')} FINAL WHERE tenant_id = 'acme' AND startsWith(event_id, 'spike-')`);
      return Number(r!.n) === 90 ? true : undefined;
      // 90 ticket workflows (classify, draft, record) on a shared 2-core machine can take a while.
    }, 90_000);

    const pass = await runDetection();
    expect(pass.notices).toBe(2);
    // Down: the first attempts get 503 and are retried with backoff.
    await eventually(async () => (received.length >= 2 ? true : undefined));
    receiver.status = 200;
    const delivered = await eventually(async () => {
      const ok = received.filter((r) => r.status === 200);
      return ok.length >= 2 ? ok : undefined;
    }, 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    const ok = received.filter((r) => r.status === 200);
    expect(ok.map((r) => r.body.type).sort()).toEqual(['alert.firing', 'alert.resolved']);
    expect(ok.every((r) => r.verified)).toBe(true);
    expect(new Set(ok.map((r) => r.id)).size).toBe(2);
    expect(delivered[0]!.body.series).toEqual({ dimension: 'tag', value: 'checkout' });
    // Retries reuse the delivery id: the receiver can de-duplicate.
    const firingIds = new Set(received.filter((r) => r.body.type === 'alert.firing').map((r) => r.id));
    expect(firingIds.size).toBe(1);

    const alerts = await sl.app!.inject({ method: 'GET', url: '/v1/alerts', headers: auth() });
    const checkout = alerts.json().alerts.find((a: { series: string }) => a.series === 'tag=checkout');
    expect(checkout).toMatchObject({ status: 'resolved' });
    // SUPPORTLOOP_GRAFANA_URL: the alert and each of its notices link to the Anomalies dashboard around it.
    const link = new URL(checkout.dashboardUrl);
    expect([link.origin, link.pathname, link.searchParams.get('var-tenant')]).toEqual([GRAFANA_URL, '/d/supportloop-anomalies', 'acme']);
    expect(Number(link.searchParams.get('to'))).toBeGreaterThan(Date.parse(checkout.resolvedAt));
    expect(new URL(ok.find((r) => r.body.type === 'alert.firing')!.body.dashboardUrl as string).searchParams.get('to')).toBe('now');
    expect(ok.find((r) => r.body.type === 'alert.resolved')!.body.dashboardUrl).toBe(checkout.dashboardUrl);
    expect(Date.parse(checkout.startedAt)).toBeGreaterThanOrEqual(spikeStart);
    expect(Date.parse(checkout.startedAt)).toBeLessThan(spikeStart + 3 * MINUTE);
  });

  it('a second pass continues from the stored state and re-fires nothing', async () => {
    const before = received.length;
    const pass = await runDetection();
    expect(pass.notices).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(received.length).toBe(before);
  });

  it('says what would page a watched series: per window the events expected, those held (as stored) and the fewest that alert; bad filters are 400s', async () => {
    const res = await sl.app!.inject({ method: 'GET', url: '/v1/alerts/series?metric=volume&dimension=tag&value=checkout', headers: auth() });
    expect(res.statusCode, res.body).toBe(200);
    type Window = { minutes: number; expected: number; held: number; pagesAt: number | null };
    const [checkout, ...others] = res.json().series as { series: string; test: string; lastMinute: string; learnedSince: string; expectedPerMinute: number; inEpisode: boolean; windows: Window[] }[];
    expect(others).toEqual([]);
    expect([checkout.series, checkout.test]).toEqual(['tag=checkout', 'count-windows']);
    expect(checkout.windows.map((w) => w.minutes)).toEqual([5, 15, 60, 180]);
    for (const w of checkout.windows) expect(w.pagesAt!).toBeGreaterThan(w.expected);
    // What a window holds is what the store has: the checkout messages of the minutes before the next one.
    const next = Date.parse(checkout.lastMinute) + MINUTE;
    const widest = checkout.windows[3]!;
    const [stored] = await sl.ch.query<{ n: string }>(
      `SELECT count() AS n FROM ${sl.ch.table('ticket_events')} FINAL WHERE tenant_id = 'acme' AND kind = 'message.customer' AND has(tags, 'checkout')
         AND occurred_at >= {from:DateTime64(3)} AND occurred_at < {to:DateTime64(3)}`,
      { from: (next - 179 * MINUTE) / 1000, to: next / 1000 },
    );
    expect(widest.held).toBe(Number(stored!.n));
    // The spike that fired is in it, over the bar; its episode is still on, so it raises nothing new.
    expect(widest.held).toBeGreaterThanOrEqual(90);
    expect(widest.held).toBeGreaterThanOrEqual(widest.pagesAt!);
    expect(checkout.inEpisode).toBe(true);
    const all = (await sl.app!.inject({ method: 'GET', url: '/v1/alerts/series', headers: auth() })).json().series as { series: string }[];
    expect(all.length).toBeGreaterThan(1);
    expect(all.map((s) => s.series)).toContain('all');
    for (const [query, field] of [
      ['value=checkout', 'value'],
      ['dimension=feature', 'querystring.dimension'],
      ['metric=volume_per_hour', 'querystring.metric'],
    ] as const) {
      const bad = await sl.app!.inject({ method: 'GET', url: `/v1/alerts/series?${query}`, headers: auth() });
      expect([bad.statusCode, bad.json().field], query).toEqual([400, field]);
    }
  });

  it('alerts on a rise in the negative-sentiment share, to a subscription of that metric only', async () => {
    const umbrella = await createTenant(sl, 'umbrella');
    const headers = { authorization: `Bearer ${umbrella.apiKey}` };
    const badMetric = await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers, payload: { targetUrl: receiverUrl, metrics: ['mood'] } });
    expect([badMetric.statusCode, badMetric.json().field]).toEqual([400, 'metrics.0']);
    const sub = await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers, payload: { name: 'invoices mood', dimension: 'tag', values: ['invoices'], metrics: ['negative_share'], minSeverity: 'low', targetUrl: receiverUrl, secret } });
    expect(sub.statusCode, sub.body).toBe(201);
    expect(sub.json().metrics).toEqual(['negative_share']);

    // Two days of history: an invoice question every 5 minutes, one in ten of them angry.
    const now = Date.now();
    const tickets = [];
    for (let m = floorMinute(now - 2 * 24 * 60 * MINUTE); m < floorMinute(now - 60 * MINUTE); m += 5 * MINUTE) {
      const angry = (m / MINUTE / 5) % 10 === 0;
      tickets.push({ id: `inv-${m}`, createdAt: new Date(m + 5000).toISOString(), body: angry ? 'This is terrible, I am angry and the invoice is wrong.' : 'Where can I download my invoice?', tags: ['invoices'], reply: 'Here it is.', channel: 'email' });
    }
    expect((await sl.app!.inject({ method: 'POST', url: '/v1/import/tickets', headers, payload: { tickets } })).statusCode).toBe(200);
    // Then, through real webhooks, 40 angry messages in the last half hour.
    const riseStart = floorMinute(now - 30 * MINUTE);
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const body = JSON.stringify({ eventId: `angry-${i}`, kind: 'message.customer', ticketId: `A-${i}`, occurredAt: new Date(riseStart + i * 40_000).toISOString(), channel: 'email', tags: ['invoices'], body: 'This is awful, the invoice is wrong again and I am furious.' });
        const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/umbrella/generic', headers: signGeneric(umbrella.webhookSecrets.generic!, body), payload: body });
        expect(res.statusCode).toBe(202);
      }),
    );
    await eventually(async () => {
      const [r] = await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table('ticket_events')} FINAL WHERE tenant_id = 'umbrella' AND startsWith(event_id, 'angry-') AND sentiment < 0`);
      return Number(r!.n) === 40 ? true : undefined;
    }, 90_000);

    const before = received.length;
    await runDetection('umbrella');
    const alerts = (await sl.app!.inject({ method: 'GET', url: '/v1/alerts', headers })).json().alerts as { series: string; metric: string; observed: number; expected: number; upper: number; startedAt: string }[];
    const share = alerts.find((a) => a.series === 'negative_share:tag=invoices');
    expect(share).toMatchObject({ metric: 'negative_share' });
    expect(share!.expected).toBeGreaterThan(0.05);
    expect(share!.expected).toBeLessThan(0.2);
    expect(share!.observed).toBeGreaterThan(share!.upper);
    expect(Date.parse(share!.startedAt)).toBeGreaterThanOrEqual(riseStart);
    // The volume rose too (its own alert), but the subscription takes the share's only.
    expect(alerts.some((a) => a.series === 'tag=invoices' && a.metric === 'volume')).toBe(true);
    const shareOnly = (await sl.app!.inject({ method: 'GET', url: '/v1/alerts?metric=negative_share', headers })).json().alerts as { metric: string }[];
    expect(shareOnly.length).toBe(alerts.filter((a) => a.metric === 'negative_share').length);
    expect(shareOnly.every((a) => a.metric === 'negative_share')).toBe(true);
    const badFilter = await sl.app!.inject({ method: 'GET', url: '/v1/alerts?metric=mood', headers });
    expect([badFilter.statusCode, badFilter.json().field]).toEqual([400, 'querystring.metric']);
    const notices = await onlyNoticesFor(before, 'negative_share:');
    expect(notices[0]!.verified).toBe(true);
    expect(notices[0]!.body).toMatchObject({ type: 'alert.firing', metric: 'negative_share', series: { dimension: 'tag', value: 'invoices' } });
  });

  it('alerts on a spike of escalations, counted under the ticket’s topic and the event’s tags', async () => {
    const hooli = await createTenant(sl, 'hooli');
    const headers = { authorization: `Bearer ${hooli.apiKey}` };
    // Two days of history: a shipping question every 5 minutes, one in twelve escalated.
    const now = Date.now();
    const tickets = [];
    for (let m = floorMinute(now - 2 * 24 * 60 * MINUTE); m < floorMinute(now - 60 * MINUTE); m += 5 * MINUTE) {
      tickets.push({ id: `ship-${m}`, createdAt: new Date(m + 5000).toISOString(), body: 'Where is my parcel?', tags: ['shipping'], reply: 'It is on its way.', channel: 'email', escalated: (m / MINUTE / 5) % 12 === 0 });
    }
    expect((await sl.app!.inject({ method: 'POST', url: '/v1/import/tickets', headers, payload: { tickets } })).statusCode).toBe(200);
    // Then 20 tickets in the last half hour, each a question and, a minute later, an escalation.
    const riseStart = floorMinute(now - 30 * MINUTE);
    const post = async (payload: object) => {
      const body = JSON.stringify(payload);
      const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/hooli/generic', headers: signGeneric(hooli.webhookSecrets.generic!, body), payload: body });
      expect(res.statusCode).toBe(202);
    };
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const at = riseStart + i * MINUTE;
        await post({ eventId: `q-${i}`, kind: 'message.customer', ticketId: `E-${i}`, occurredAt: new Date(at).toISOString(), channel: 'email', tags: ['shipping'], body: 'Where is my parcel?' });
        await eventually(async () => {
          const [r] = await sl.ch.query<{ topic: string }>(`SELECT topic FROM ${sl.ch.table('tickets')} FINAL WHERE tenant_id = 'hooli' AND ticket_id = {id:String}`, { id: `E-${i}` });
          return r ? true : undefined;
        }, 90_000);
        await post({ eventId: `esc-${i}`, kind: 'ticket.escalated', ticketId: `E-${i}`, occurredAt: new Date(at + 30_000).toISOString(), channel: 'email', tags: ['shipping'], escalationTier: 'tier-2' });
      }),
    );
    const escalations = await eventually(async () => {
      const rows = await sl.ch.query<{ topic: string; ticket_topic: string }>(
        `SELECT e.topic AS topic, t.topic AS ticket_topic FROM ${sl.ch.table('ticket_events')} AS e FINAL
         JOIN (SELECT ticket_id, topic FROM ${sl.ch.table('tickets')} FINAL WHERE tenant_id = 'hooli') AS t USING ticket_id
         WHERE e.tenant_id = 'hooli' AND startsWith(e.event_id, 'esc-')`,
      );
      return rows.length === 20 ? rows : undefined;
    }, 90_000);
    // Each escalation carries its ticket's topic (before: none, so no per-topic escalation count).
    expect(escalations.every((r) => r.topic !== '' && r.topic === r.ticket_topic)).toBe(true);

    await runDetection('hooli');
    const alerts = (await sl.app!.inject({ method: 'GET', url: '/v1/alerts?metric=escalations', headers })).json().alerts as { series: string; metric: string; observed: number; expected: number; startedAt: string }[];
    const spike = alerts.find((a) => a.series === 'escalations:tag=shipping');
    expect(spike).toMatchObject({ metric: 'escalations' });
    expect(Date.parse(spike!.startedAt)).toBeGreaterThanOrEqual(riseStart);
    expect(spike!.observed).toBeGreaterThan(spike!.expected);
    const topic = escalations[0]!.topic;
    expect(alerts.some((a) => a.series === `escalations:topic=${topic}`)).toBe(true);
  });

  it('watches product areas (tags and topics a tenant groups, over the history already stored) and learns an edited area again', async () => {
    initech = await createTenant(sl, 'initech');
    const headers = { authorization: `Bearer ${initech.apiKey}` };
    const put = (payload: unknown) => sl.app!.inject({ method: 'PUT', url: '/v1/settings/product-areas', headers, payload: payload as object });
    for (const [payload, field] of [
      [{ areas: [{ name: 'Payments', tags: ['billing'] }, { name: 'payments ', tags: ['invoice'] }] }, 'areas.1.name'],
      [{ areas: [{ name: 'Payments' }] }, 'areas.0'],
      [{ areas: [{ name: '', tags: ['billing'] }] }, 'areas.0.name'],
      [{ areas: [{ name: 'Payments', tags: ['billing', 'billing'] }] }, 'areas.0.tags'],
      [{ areas: [{ name: 'Payments', tags: ['billing'], owner: 'x' }] }, 'areas.0.owner'],
    ] as const) {
      const res = await put(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    expect((await sl.app!.inject({ method: 'GET', url: '/v1/settings/product-areas', headers })).json().overrides).toEqual({});
    const badDimension = await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers, payload: { targetUrl: receiverUrl, dimension: 'feature' } });
    expect([badDimension.statusCode, badDimension.json().field]).toEqual([400, 'dimension']);
    const sub = await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers, payload: { name: 'payments team', dimension: 'area', values: ['payments'], metrics: ['volume'], minSeverity: 'low', targetUrl: receiverUrl, secret } });
    expect(sub.statusCode, sub.body).toBe(201);

    // Two days of history before any area exists: a billing or an invoice question every 10 minutes,
    // a shipping one every 10, a return every 2.
    const now = Date.now();
    const tickets = [];
    for (let m = floorMinute(now - 2 * 24 * 60 * MINUTE), i = 0; m < floorMinute(now - 60 * MINUTE); m += 2 * MINUTE, i++) {
      const at = new Date(m + 5000).toISOString();
      tickets.push({ id: `ret-${m}`, createdAt: at, body: 'How do I send this back?', tags: ['returns'], reply: 'Use the label.', channel: 'email' });
      if (i % 5 === 0) {
        tickets.push({ id: `pay-${m}`, createdAt: at, body: 'Where is my invoice?', tags: [i % 10 ? 'billing' : 'invoice'], reply: 'Here it is.', channel: 'email' });
        tickets.push({ id: `ship-${m}`, createdAt: at, body: 'Where is my parcel?', tags: ['shipping'], reply: 'On its way.', channel: 'email' });
      }
    }
    expect((await sl.app!.inject({ method: 'POST', url: '/v1/import/tickets', headers, payload: { tickets } })).statusCode).toBe(200);
    const areas = { areas: [{ name: 'Payments', tags: ['Billing', 'invoice'], topics: [] }, { name: 'Logistics', tags: ['shipping'], topics: [] }] };
    const saved = await put({ areas: areas.areas.map(({ name, tags }) => ({ name, tags })) });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().effective).toEqual(areas);

    // Then, through real webhooks, 30 payment questions in the last half hour: a third billing, a
    // third invoice, a third both (each tag rises by 20, the area by 30).
    const riseStart = floorMinute(now - 30 * MINUTE);
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const tags = [['billing'], ['invoice'], ['billing', 'invoice']][i % 3];
        const body = JSON.stringify({ eventId: `pay-rise-${i}`, kind: 'message.customer', ticketId: `P-${i}`, occurredAt: new Date(riseStart + i * MINUTE).toISOString(), channel: 'email', tags, body: 'I was charged twice, where is my invoice?' });
        const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/initech/generic', headers: signGeneric(initech.webhookSecrets.generic!, body), payload: body });
        expect(res.statusCode).toBe(202);
      }),
    );
    const riseCounts = await eventually(async () => {
      const rows = await seriesCounts(sl.ch, 'initech', riseStart - MINUTE, floorMinute(now) + MINUTE, areaMatchers(productAreasFor(areas)));
      const total = (series: string) => rows.filter((r) => r.series === series && r.kind === 'message.customer').reduce((sum, r) => sum + r.count, 0);
      return total('area=Payments') === 30 ? { area: total('area=Payments'), billing: total('tag=billing'), invoice: total('tag=invoice'), logistics: total('area=Logistics') } : undefined;
    }, 90_000);
    expect(riseCounts).toEqual({ area: 30, billing: 20, invoice: 20, logistics: 0 });
    // The same counts through the volume API, per product area and per tag.
    const range = `from=${encodeURIComponent(new Date(riseStart).toISOString())}&to=${encodeURIComponent(new Date(floorMinute(now) + MINUTE).toISOString())}&interval=day&kind=message.customer`;
    const totals = async (groupBy: string) => {
      const res = await sl.app!.inject({ method: 'GET', url: `/v1/metrics/volume?${range}&groupBy=${groupBy}`, headers });
      expect(res.statusCode, res.body).toBe(200);
      const points = res.json().points as { key: string; count: number }[];
      return Object.fromEntries([...new Set(points.map((p) => p.key))].map((key) => [key, points.filter((p) => p.key === key).reduce((sum, p) => sum + p.count, 0)]));
    };
    expect(await totals('area')).toEqual({ Payments: 30 });
    expect(await totals('tag')).toEqual({ billing: 20, invoice: 20 });

    const before = received.length;
    await runDetection('initech');
    const alerts = (await sl.app!.inject({ method: 'GET', url: '/v1/alerts?metric=volume', headers })).json().alerts as { series: string; observed: number; expected: number; startedAt: string; countWindow: { minutes: number; observed: number; expected: number } | null }[];
    const payments = alerts.find((a) => a.series === 'area=Payments');
    expect(payments, JSON.stringify(alerts)).toBeDefined();
    // Learned from the two days imported before the area existed: 0.1 a minute.
    expect(payments!.expected).toBeGreaterThan(0.05);
    expect(payments!.expected).toBeLessThan(0.2);
    expect(payments!.observed).toBeGreaterThan(payments!.expected);
    expect(Date.parse(payments!.startedAt)).toBeGreaterThanOrEqual(riseStart);
    expect(alerts.some((a) => a.series.includes('area=Logistics'))).toBe(false);
    // The tags rose too (their own alerts), but the subscription takes its area's only.
    expect(alerts.some((a) => a.series === 'tag=billing')).toBe(true);
    const notices = await onlyNoticesFor(before, 'area=Payments');
    expect(notices[0]!.verified).toBe(true);
    expect(notices[0]!.body).toMatchObject({ type: 'alert.firing', metric: 'volume', series: { dimension: 'area', value: 'Payments' } });
    // What drove it: both tags, in the hour before the notice; two days of history hold no earlier week, so no usual.
    const drivers = (notices[0]!.body as unknown as { contributors: { dimension: string; value: string; observed: number; usual: number | null }[] }).contributors;
    expect(drivers.filter((c) => c.dimension === 'tag').map((c) => c.value).sort()).toEqual(['billing', 'invoice']);
    expect(drivers.every((c) => c.usual === null && c.observed > 0)).toBe(true);
    expect((alerts.find((a) => a.series === 'area=Payments') as unknown as { contributors: unknown }).contributors).toEqual(drivers);
    // A sparse area (0.1 a minute): its windowed count raised it, and the notice says so.
    expect(payments!.countWindow).not.toBeNull();
    expect(payments!.countWindow!.observed).toBeGreaterThan(payments!.countWindow!.expected);
    expect((notices[0]!.body as unknown as { countWindow: unknown }).countWindow).toEqual(payments!.countWindow);

    // Logistics widened to returns (5× its volume): its series (volume, negative share) start over
    // on the history and fire nothing; the volume detector has counted every event of the new area.
    const widened = await put({ areas: [areas.areas[0], { name: 'Logistics', tags: ['shipping', 'returns'], topics: [] }] });
    expect(widened.statusCode, widened.body).toBe(200);
    await runDetection('initech');
    const logistics = (await loadDetectorStates(sl.ch, 'initech')).filter((s) => s.series.endsWith('area=Logistics'));
    expect(logistics.map((s) => s.definition)).toEqual(Array(2).fill(JSON.stringify({ tags: ['returns', 'shipping'], topics: [] })));
    const volume = logistics.find((s) => s.series === 'area=Logistics')!.snapshot as DetectorSnapshot;
    // Decayed (two-week half-life) sums: without the restart it would hold shipping alone, a sixth of this.
    expect(volume.counts!.totalCounts).toBeGreaterThan(0.8 * tickets.filter((t) => ['shipping', 'returns'].includes(t.tags[0]!)).length);
    const after = (await sl.app!.inject({ method: 'GET', url: '/v1/alerts', headers })).json().alerts as { series: string }[];
    expect(after.some((a) => a.series.includes('area=Logistics'))).toBe(false);
  });

  it('lists alerts by dimension, value and time span; bad filters are 400s naming the parameter', async () => {
    const headers = { authorization: `Bearer ${initech.apiKey}` };
    type Listed = { series: string; startedAt: string; resolvedAt: string | null };
    const list = async (query: string) => {
      const res = await sl.app!.inject({ method: 'GET', url: `/v1/alerts?limit=1000${query}`, headers });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().alerts as Listed[]).map((a) => a.series + '@' + a.startedAt);
    };
    // The payment rise is still running: for an alert that ended, a burst three hours ago in a new tag
    // (imported history: it fires and resolves within the pass that replays it).
    const burstStart = floorMinute(Date.now() - 3 * 60 * MINUTE);
    const burst = Array.from({ length: 20 }, (_, i) => ({ id: `refund-${i}`, createdAt: new Date(burstStart + (i % 3) * MINUTE + i * 1000).toISOString(), body: 'I want my money back', tags: ['refund'], reply: 'Refunded.', channel: 'email' }));
    expect((await sl.app!.inject({ method: 'POST', url: '/v1/import/tickets', headers, payload: { tickets: burst } })).statusCode).toBe(200);
    await runDetection('initech');
    const all = (await sl.app!.inject({ method: 'GET', url: '/v1/alerts?limit=1000', headers })).json().alerts as Listed[];
    expect(all.find((a) => a.series === 'tag=refund')?.resolvedAt, JSON.stringify(all)).toBeTruthy();
    const keys = (alerts: Listed[]) => alerts.map((a) => a.series + '@' + a.startedAt);
    expect(all.some((a) => a.series.includes('area=')) && all.some((a) => a.series.includes('tag=billing'))).toBe(true);
    expect(await list('&dimension=area')).toEqual(keys(all.filter((a) => parseSeries(a.series).dimension === 'area')));
    expect(await list('&dimension=tag&value=billing')).toEqual(keys(all.filter((a) => parseSeries(a.series).dimension === 'tag' && parseSeries(a.series).value === 'billing')));
    // A span: alerts that started before its end and were not resolved before its start.
    // From just after the first resolve to the last start: each bound leaves an alert out.
    const resolves = all.flatMap((a) => (a.resolvedAt === null ? [] : [Date.parse(a.resolvedAt)]));
    const fromMs = Math.min(...resolves) + 1000;
    const toMs = Math.max(...all.map((a) => Date.parse(a.startedAt)));
    const overlapping = all.filter((a) => Date.parse(a.startedAt) < toMs && (a.resolvedAt === null || Date.parse(a.resolvedAt) >= fromMs));
    expect(all.filter((a) => a.resolvedAt !== null && Date.parse(a.resolvedAt) < fromMs).length).toBeGreaterThan(0);
    expect(all.filter((a) => Date.parse(a.startedAt) >= toMs).length).toBeGreaterThan(0);
    expect(await list(`&from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`)).toEqual(keys(overlapping));
    for (const [query, field] of [
      ['value=billing', 'value'],
      ['dimension=all&value=x', 'value'],
      ['dimension=feature', 'querystring.dimension'],
      ['from=2026-02-01&to=2026-01-01', 'to'],
      ['to=yesterday', 'querystring.to'],
    ] as const) {
      const res = await sl.app!.inject({ method: 'GET', url: `/v1/alerts?${query}`, headers });
      expect([res.statusCode, res.json().field], query).toEqual([400, field]);
    }
  });

  it('takes a holiday calendar (bad zones and dates are 400s that save nothing) and detection scores those days without learning them', async () => {
    const globex = await createTenant(sl, 'globex');
    const headers = { authorization: `Bearer ${globex.apiKey}` };
    const put = (payload: unknown) => sl.app!.inject({ method: 'PUT', url: '/v1/settings/holidays', headers, payload: payload as object });
    for (const [payload, field] of [
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ country: 'XX' }, 'country'],
      [{ country: 'us' }, 'country'],
      [{ country: 'US', region: 'ZZ' }, 'region'],
      [{ dates: ['2026-12-25', '2026-02-30'] }, 'dates.1'],
      [{ dates: ['25/12/2026'] }, 'dates.0'],
      [{ dates: ['2026-12-25', '2026-12-25'] }, 'dates'],
      [{ holidays: ['2026-12-25'] }, 'holidays'],
    ] as const) {
      const res = await put(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field, JSON.stringify(payload)).toBe(field);
    }
    expect((await sl.app!.inject({ method: 'GET', url: '/v1/settings/holidays', headers })).json().overrides).toEqual({});

    // A day of history, then today and yesterday (local dates in UTC) declared holidays.
    const now = Date.now();
    const tickets = [];
    for (let m = floorMinute(now - 24 * 60 * MINUTE); m < floorMinute(now - 10 * MINUTE); m += 10 * MINUTE) {
      tickets.push({ id: `hol-${m}`, createdAt: new Date(m + 5000).toISOString(), body: 'Where is my invoice?', tags: ['billing'], reply: 'Here it is.', channel: 'email' });
    }
    expect((await sl.app!.inject({ method: 'POST', url: '/v1/import/tickets', headers, payload: { tickets } })).statusCode).toBe(200);
    const dates = [new Date(now - 24 * 60 * MINUTE).toISOString().slice(0, 10), new Date(now).toISOString().slice(0, 10)];
    const saved = await put({ timeZone: 'UTC', dates });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().effective).toEqual({ country: '', region: '', timeZone: 'UTC', dates });
    // A country's public holidays in its own time zone, listed with the tenant's dates.
    const us = await put({ country: 'US', region: 'NY', dates });
    expect(us.json().effective.timeZone).toBe('America/New_York');
    const list = await sl.app!.inject({ method: 'GET', url: '/v1/settings/holidays/days?from=2026-12-01&to=2027-01-31', headers });
    expect(list.json().days.filter((d: { source: string }) => d.source === 'country').map((d: { name: string; start: string }) => [d.name, d.start])).toEqual([
      ['Christmas Day', '2026-12-25T05:00:00.000Z'],
      ["New Year's Day", '2027-01-01T05:00:00.000Z'],
      ['Martin Luther King Jr. Day', '2027-01-18T05:00:00.000Z'],
    ]);
    const backwards = await sl.app!.inject({ method: 'GET', url: '/v1/settings/holidays/days?from=2027-01-01&to=2026-01-01', headers });
    expect([backwards.statusCode, backwards.json().field]).toEqual([400, 'to']);
    expect((await put({ timeZone: 'UTC', dates })).statusCode).toBe(200);

    await runDetection('globex');
    const billing = (await loadDetectorStates(sl.ch, 'globex')).find((s) => s.series === 'tag=billing');
    // The sparse count memory holds the last hours as holiday steps (scored, never to be learned).
    const holidays = (billing?.snapshot as DetectorSnapshot | undefined)?.counts?.holidays ?? [];
    expect(holidays.length).toBe(1);
    expect(holidays[0]![1] * MINUTE).toBe(billing!.lastMinuteMs);
  });

  it("sends a signed test notice to a subscription's target on request and reports how it answered, storing nothing", async () => {
    const target = await startNoticeReceiver<Received['body']>(() => TEST_SECRET);
    const targetUrl = target.url;
    const tests = target.requests;
    try {
      const subscribe = async (payload: object) => (await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers: auth(), payload: { secret: TEST_SECRET, ...payload } })).json().subscriptionId as string;
      const sendTest = (id: string, tenant = acme) => sl.app!.inject({ method: 'POST', url: `/v1/alerts/subscriptions/${id}/test`, headers: { authorization: `Bearer ${tenant.apiKey}` } });
      const deliveriesStored = async () => Number((await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table('alert_deliveries')} WHERE tenant_id = 'acme'`))[0]!.n);
      const storedBefore = await deliveriesStored();

      const json = await subscribe({ name: 'payments team', targetUrl });
      const ok = await sendTest(json);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toMatchObject({ delivered: true, httpStatus: 200, error: '' });
      expect(tests).toHaveLength(1);
      expect(tests[0]).toMatchObject({ id: ok.json().webhookId, verified: true, body: { type: 'alert.test', tenantId: 'acme', subscriptionId: json, subscriptionName: 'payments team' } });
      expect(tests[0]!.body.message).toContain('“payments team”');

      const slack = await subscribe({ targetUrl, format: 'slack' });
      expect((await sendTest(slack)).json().delivered).toBe(true);
      expect(tests[1]!.verified).toBe(true);
      expect(String(tests[1]!.body.text)).toMatch(/^\[TEST\] Test notice for the spike-alert subscription /);

      target.status = 500;
      const refused = await sendTest(json);
      expect(refused.json()).toMatchObject({ delivered: false, httpStatus: 500, error: 'HTTP 500' });
      expect(tests).toHaveLength(3);

      // Another tenant's subscription, and one that does not exist: 404 naming the field.
      const other = await createTenant(sl, 'test-notice-other');
      for (const response of [await sendTest(json, other), await sendTest('no-such-subscription')]) {
        expect([response.statusCode, response.json().field]).toEqual([404, 'subscriptionId']);
      }
      expect(tests).toHaveLength(3);

      // A target that is down: not delivered, status 0 and why.
      await target.close();
      const down = await sendTest(json);
      expect(down.json()).toMatchObject({ delivered: false, httpStatus: 0 });
      expect(down.json().error).toMatch(/^target unreachable: /);
      // A test is not an alert's delivery: nothing was stored.
      expect(await deliveriesStored()).toBe(storedBefore);
    } finally {
      await target.close();
    }
  });

  it('changes a subscription in place: the fields given change, its id and secret stay; bad fields are 400s that change nothing', async () => {
    const [first, moved] = [await startNoticeReceiver<Received['body']>(() => TEST_SECRET), await startNoticeReceiver<Received['body']>(() => TEST_SECRET)];
    try {
      const created = (await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers: auth(), payload: { name: 'billing', dimension: 'topic', values: ['billing'], targetUrl: first.url, secret: TEST_SECRET } })).json();
      const url = `/v1/alerts/subscriptions/${created.subscriptionId}`;
      const listed = async () => (await sl.app!.inject({ method: 'GET', url: '/v1/alerts/subscriptions', headers: auth() })).json().subscriptions.find((s: { subscriptionId: string }) => s.subscriptionId === created.subscriptionId);
      const before = await listed();

      for (const [payload, field] of [[{ minSeverity: 'urgent' }, 'minSeverity'], [{ groupRelated: 'sometimes' }, 'groupRelated'], [{ targetUrl: 'http://example.com/hook' }, 'targetUrl'], [{ secret: 'whsec_short' }, 'secret'], [{ owner: 'me' }, 'owner'], [{}, 'body']] as const) {
        const bad = await sl.app!.inject({ method: 'PATCH', url, headers: auth(), payload });
        expect([bad.statusCode, bad.json().field], JSON.stringify(payload)).toEqual([400, field]);
      }
      expect(await listed()).toEqual(before);
      const missing = await sl.app!.inject({ method: 'PATCH', url: '/v1/alerts/subscriptions/no-such-subscription', headers: auth(), payload: { name: 'x' } });
      expect([missing.statusCode, missing.json().field]).toEqual([404, 'subscriptionId']);

      // Related alerts are grouped unless a subscription asks for every alert.
      expect(before.groupRelated).toBe(true);
      const patched = await sl.app!.inject({ method: 'PATCH', url, headers: auth(), payload: { minSeverity: 'high', values: ['billing', 'refunds'], groupRelated: false, targetUrl: moved.url } });
      expect(patched.statusCode, patched.body).toBe(200);
      const expected = { ...before, minSeverity: 'high', values: ['billing', 'refunds'], groupRelated: false, targetUrl: moved.url };
      expect(patched.json()).toEqual(expected);
      expect(await listed()).toEqual(expected);
      // The notices go to the new target, signed with the secret the receiver already has.
      expect((await sl.app!.inject({ method: 'POST', url: `${url}/test`, headers: auth() })).json().delivered).toBe(true);
      expect([first.requests.length, moved.requests.length, moved.requests[0]!.verified]).toEqual([0, 1, true]);
    } finally {
      await Promise.all([first.close(), moved.close()]);
    }
  });

  it('silences notices for a while: a spike under a silence is alerted and listed, but its notice is withheld and logged; bad silences are 400s that save nothing', async () => {
    const wayne = await createTenant(sl, 'wayne');
    const headers = { authorization: `Bearer ${wayne.apiKey}` };
    const target = await startNoticeReceiver<Received['body']>(() => TEST_SECRET);
    try {
      const subscribed = await sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers, payload: { dimension: 'tag', values: ['checkout'], minSeverity: 'low', targetUrl: target.url, secret: TEST_SECRET } });
      expect(subscribed.statusCode, subscribed.body).toBe(201);
      const silences = async (query = '') => (await sl.app!.inject({ method: 'GET', url: `/v1/alerts/silences${query}`, headers })).json().silences as { silenceId: string; state: string }[];
      const create = (payload: object) => sl.app!.inject({ method: 'POST', url: '/v1/alerts/silences', headers, payload });

      const soon = new Date(Date.now() + 60 * MINUTE).toISOString();
      const bad: [object, string][] = [
        [{ dimension: 'tag', values: ['checkout'], durationMinutes: 60 }, 'comment'],
        [{ comment: 'x', dimension: 'tag' }, 'endsAt'],
        [{ comment: 'x', durationMinutes: 60, endsAt: soon }, 'endsAt'],
        [{ comment: 'x', endsAt: new Date(Date.now() - MINUTE).toISOString() }, 'endsAt'],
        [{ comment: 'x', startsAt: soon, endsAt: new Date(Date.now() + 30 * MINUTE).toISOString() }, 'endsAt'],
        [{ comment: 'x', durationMinutes: 31 * 24 * 60 }, 'durationMinutes'],
        [{ comment: 'x', endsAt: new Date(Date.now() + 31 * 24 * 60 * MINUTE).toISOString() }, 'endsAt'],
        [{ comment: 'x', durationMinutes: 60, dimension: 'feature' }, 'dimension'],
        [{ comment: 'x', durationMinutes: 60, endsAt: 'tomorrow' }, 'endsAt'],
        [{ comment: 'x', durationMinutes: 60, reason: 'typo' }, 'reason'],
      ];
      for (const [payload, field] of bad) {
        const response = await create(payload);
        expect([response.statusCode, response.json().field], JSON.stringify(payload)).toEqual([400, field]);
      }
      expect(await silences()).toEqual([]);

      const active = await create({ dimension: 'tag', values: ['checkout'], durationMinutes: 120, comment: 'INC-9 checkout outage, status page up', createdBy: 'ops@wayne' });
      expect(active.statusCode, active.body).toBe(201);
      expect(active.json()).toMatchObject({ dimension: 'tag', values: ['checkout'], metrics: [], comment: 'INC-9 checkout outage, status page up', createdBy: 'ops@wayne', state: 'active' });
      expect(Date.parse(active.json().endsAt) - Date.parse(active.json().startsAt)).toBe(120 * MINUTE);
      const pending = (await create({ startsAt: soon, durationMinutes: 30, comment: 'maintenance window' })).json();
      expect(pending.state).toBe('pending');
      expect((await silences('?state=active')).map((x) => x.silenceId)).toEqual([active.json().silenceId]);
      expect((await silences()).map((x) => x.silenceId)).toEqual([pending.silenceId, active.json().silenceId]);

      // Two quiet days of checkout tickets, then a spike half an hour ago (imported: the pass reads them as it reads live ones).
      const now = Date.now();
      const tickets = [];
      for (let m = floorMinute(now - 2 * 24 * 60 * MINUTE); m < floorMinute(now - 40 * MINUTE); m += 4 * MINUTE) tickets.push({ id: `w-${m}`, createdAt: new Date(m + 5000).toISOString(), body: 'Checkout page shows an error', tags: ['checkout'], reply: 'Please retry.', channel: 'web' });
      const spikeStart = floorMinute(now - 30 * MINUTE);
      for (let i = 0; i < 90; i++) tickets.push({ id: `w-spike-${i}`, createdAt: new Date(spikeStart + Math.floor(i / 30) * MINUTE + (i % 30) * 1000).toISOString(), body: 'I cannot pay, checkout is broken', tags: ['checkout'], reply: 'We are on it.', channel: 'web' });
      for (let i = 0; i < tickets.length; i += 1000) expect((await sl.app!.inject({ method: 'POST', url: '/v1/import/tickets', headers, payload: { tickets: tickets.slice(i, i + 1000) } })).statusCode).toBe(200);

      const pass = await runDetection('wayne');
      expect(pass.notices).toBe(0);
      expect(pass.withheld).toBeGreaterThan(0);
      const alerts = (await sl.app!.inject({ method: 'GET', url: '/v1/alerts?dimension=tag&value=checkout', headers })).json().alerts as { alertId: string; status: string; silencedBy: string[] }[];
      expect(alerts.length).toBeGreaterThan(0);
      const log = (await sl.app!.inject({ method: 'GET', url: `/v1/alerts/${encodeURIComponent(alerts[0]!.alertId)}/deliveries`, headers })).json().deliveries;
      expect(log).toContainEqual(expect.objectContaining({ subscriptionId: subscribed.json().subscriptionId, notice: 'firing', status: 'silenced', attempts: 0, error: `silenced by ${active.json().silenceId}: INC-9 checkout outage, status page up` }));
      await new Promise((r) => setTimeout(r, 1000));
      expect(target.requests).toEqual([]);
      // A firing alert names the silences withholding its notices now; one of another series, or a resolved one, none.
      const firing = (series: string, status: 'firing' | 'resolved'): AlertState => ({ alertId: `${series}@${status}-now`, series, status, severity: 'high', score: 0.99, observed: 12, expected: 2, lower: 0, upper: 5, startedAtMs: now - 5 * MINUTE, lastAnomalyAtMs: now - MINUTE, resolvedAtMs: status === 'resolved' ? now : null, notifiedSeverity: '', quietMinutes: 0, version: 1, contributors: [], countWindow: null });
      await writeAlerts(sl.writer, 'wayne', [firing('tag=checkout', 'firing'), firing('tag=refunds', 'firing'), firing('tag=checkout', 'resolved')], now);
      await sl.writer.flush();
      const silencedBy = new Map(((await sl.app!.inject({ method: 'GET', url: '/v1/alerts?from=' + new Date(now - 10 * MINUTE).toISOString(), headers })).json().alerts as { alertId: string; silencedBy: string[] }[]).map((a) => [a.alertId, a.silencedBy]));
      expect([silencedBy.get('tag=checkout@firing-now'), silencedBy.get('tag=refunds@firing-now'), silencedBy.get('tag=checkout@resolved-now')]).toEqual([[active.json().silenceId], [], []]);

      // Ended early: kept, expired; ending it again changes nothing; another tenant's key cannot see or end it.
      const other = await createTenant(sl, 'silence-other');
      const foreign = await sl.app!.inject({ method: 'DELETE', url: `/v1/alerts/silences/${active.json().silenceId}`, headers: { authorization: `Bearer ${other.apiKey}` } });
      expect([foreign.statusCode, foreign.json().field]).toEqual([404, 'silenceId']);
      const ended = await sl.app!.inject({ method: 'DELETE', url: `/v1/alerts/silences/${active.json().silenceId}`, headers });
      expect(ended.json()).toMatchObject({ silenceId: active.json().silenceId, state: 'expired' });
      expect(Date.parse(ended.json().endsAt)).toBeLessThanOrEqual(Date.now());
      const again = await sl.app!.inject({ method: 'DELETE', url: `/v1/alerts/silences/${active.json().silenceId}`, headers });
      expect(again.json()).toEqual(ended.json());
      // A pending one ended before it began never withholds anything.
      const never = (await sl.app!.inject({ method: 'DELETE', url: `/v1/alerts/silences/${pending.silenceId}`, headers })).json();
      expect([never.state, never.startsAt === never.endsAt]).toEqual(['expired', true]);
      expect((await silences('?state=expired')).length).toBe(2);
      const unknownState = await sl.app!.inject({ method: 'GET', url: '/v1/alerts/silences?state=muted', headers });
      expect([unknownState.statusCode, unknownState.json().field]).toEqual([400, 'querystring.state']);
    } finally {
      await target.close();
    }
  });
});

const TEST_SECRET = `whsec_${Buffer.from('a test receiver secret, 32 bytes').toString('base64')}`;

type TestReceiver = NoticeReceiver<Received['body']>;
