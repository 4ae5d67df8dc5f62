// Spike alerts for product teams: subscriptions (filters, minimum severity, a signed HTTPS webhook
// target, JSON or Slack-compatible format) and the alerts themselves with their delivery log.
import { randomBytes, randomUUID } from 'node:crypto';
import { Type, type SchemaOptions, type Static, type TObject } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { postNotice } from '../../activities/noticeTarget.js';
import { formatTestNotice, NOTICE_FORMATS, testNotice } from '../../domain/alertNotice.js';
import { ALERT_METRICS, parseSeries, SEVERITIES, type AlertMetric } from '../../domain/alerts.js';
import { silencesCovering } from '../../domain/alertSilences.js';
import { anomaliesDashboardUrl } from '../../domain/dashboardLinks.js';
import { DEFAULT_HOLIDAY_CALENDAR, HolidayCalendar, HolidayCalendarOverrides, holidayCalendarFor, holidayCalendarProblem, holidayDays } from '../../domain/holidays.js';
import { instantMs } from '../../domain/instants.js';
import { DEFAULT_PRODUCT_AREAS, ProductAreas, ProductAreasOverrides, productAreasFor, productAreasProblem } from '../../domain/productAreas.js';
import { listDeliveries } from '../../store/alertDeliveries.js';
import { STANDARD_WEBHOOK_SECRET_MAX_LENGTH, STANDARD_WEBHOOK_SECRET_MIN_LENGTH, STANDARD_WEBHOOK_SECRET_PATTERN, standardWebhookSecretProblem } from '../../helpdesks/index.js';
import { alertExists, listAlerts } from '../../store/alerts.js';
import { listSilences } from '../../store/alertSilences.js';
import { getSubscription, listSubscriptions, saveSubscription, type AlertSubscription } from '../../store/alertSubscriptions.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { holidayCalendarOverrides, productAreasOverrides, saveHolidayCalendarOverrides, saveProductAreasOverrides } from '../../store/tenantSettings.js';
import { ApiError, ErrorResponse } from '../errors.js';
import { InstantQuery, Query } from '../querySchemas.js';
import { settingsRoutes } from '../settingsRoutes.js';

const DAY_MS = 86_400_000;
const HOLIDAY_SPAN_DEFAULT_MS = 365 * DAY_MS;
const HOLIDAY_SPAN_MAX_MS = 5 * 366 * DAY_MS;

const DIMENSIONS = ['', 'all', 'topic', 'area', 'tag', 'segment', 'channel'] as const;
export const literals = <T extends string>(values: readonly T[], options?: SchemaOptions) => Type.Union(values.map((v) => Type.Literal(v)), options);

const SubscriptionView = Type.Object({
  subscriptionId: Type.String(),
  name: Type.String(),
  dimension: Type.String(),
  values: Type.Array(Type.String()),
  metrics: Type.Array(Type.String()),
  minSeverity: Type.String(),
  groupRelated: Type.Boolean(),
  targetUrl: Type.String(),
  format: Type.String(),
  createdAt: Type.String(),
});
const view = (s: AlertSubscription) => ({ subscriptionId: s.subscriptionId, name: s.name, dimension: s.dimension, values: s.values, metrics: s.metrics, minSeverity: s.minSeverity, groupRelated: s.groupRelated, targetUrl: s.targetUrl, format: s.format, createdAt: s.createdAt });

const AlertView = Type.Object({
  alertId: Type.String(),
  series: Type.String(),
  metric: Type.String({ description: 'volume (customer messages per minute), negative_share (share of them with negative sentiment, 0..1), escalations or reopens (those events per minute)' }),
  status: Type.String(),
  severity: Type.String(),
  score: Type.Number(),
  observed: Type.Number(),
  expected: Type.Number(),
  lower: Type.Number(),
  upper: Type.Number(),
  startedAt: Type.String(),
  resolvedAt: Type.Union([Type.String(), Type.Null()]),
  contributors: Type.Array(
    Type.Object({
      dimension: Type.String(),
      value: Type.String(),
      observed: Type.Number(),
      usual: Type.Union([Type.Number(), Type.Null()]),
      shareOfRise: Type.Union([Type.Number(), Type.Null()]),
    }),
    { description: "what drove it: the series' slices (topic, tag, area, channel, segment) that rose most in the hour before its last notice, vs the mean of the same hour in up to 4 previous weeks (usual null: no such week yet); negative messages for negative_share" },
  ),
  countWindow: Type.Union(
    [Type.Object({ minutes: Type.Number(), observed: Type.Number(), expected: Type.Number() }), Type.Null()],
    { description: "when a sparse series' windowed count test raised it: the trailing window at its latest report (minutes), the events in it and the count expected; null when the per-minute evidence did" },
  ),
  silencedBy: Type.Array(Type.String(), { description: 'for a firing alert, the silences active now that withhold its notices (/v1/alerts/silences); empty otherwise' }),
  dashboardUrl: Type.Union([Type.String(), Type.Null()], { description: "the Anomalies dashboard at the alert's series and time; null unless SUPPORTLOOP_GRAFANA_URL is set" }),
});

/** Query fields that pick series: a metric, a dimension, one value of it (GET /v1/alerts, GET /v1/alerts/series). */
export const SERIES_QUERY_FIELDS = {
  metric: Type.Optional(literals(ALERT_METRICS)),
  dimension: Type.Optional(literals(DIMENSIONS.filter((d) => d !== ''), { description: "one dimension's series only" })),
  value: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'one value of `dimension` (a topic, tag, product area, segment or channel)' })),
};

export function checkSeriesQuery(q: { dimension?: string; value?: string }): void {
  if (q.value !== undefined && (q.dimension === undefined || q.dimension === 'all')) throw new ApiError(400, 'invalid_request', 'value: needs a dimension other than all (e.g. dimension=topic&value=billing)', 'value');
}

/** HTTPS only, except loopback (a receiver on the same machine, e.g. a local relay or a test). */
function checkTarget(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ApiError(400, 'invalid_request', 'targetUrl: not a URL', 'targetUrl');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new ApiError(400, 'invalid_request', 'targetUrl: must be https:// (http:// only for loopback)', 'targetUrl');
  }
}

const TARGET_URL = Type.String({ minLength: 1, maxLength: 2000 });
const SubscriptionParams = Type.Object({ subscriptionId: Type.String({ minLength: 1, maxLength: 100 }) });

/** Which series a subscription or a silence takes (domain/alerts.ts SeriesFilter). */
export const SERIES_FILTER_FIELDS = {
  dimension: Type.Optional(literals(DIMENSIONS, { description: 'series of one dimension only (area = the product areas of /v1/settings/product-areas); empty or absent = every series' })),
  values: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, description: 'values of the dimension (a topic, tag, area, segment or channel; case-insensitive); empty or absent = any' })),
  metrics: Type.Optional(Type.Array(literals(ALERT_METRICS), { uniqueItems: true, description: `alerts of these metrics only (${ALERT_METRICS.join(', ')}); empty or absent = every metric` })),
};

/** A subscription's fields, as POST takes them (targetUrl required) and PATCH (any, at least one). */
const SUBSCRIPTION_FIELDS = {
  name: Type.Optional(Type.String({ maxLength: 200 })),
  ...SERIES_FILTER_FIELDS,
  minSeverity: Type.Optional(literals(SEVERITIES)),
  groupRelated: Type.Optional(
    Type.Boolean({ description: 'fold an alert into a related one already sent to this subscription and still firing (one drove the other: "all" driven by topic billing), logged as grouped and announced if it outlives it; default true' }),
  ),
  targetUrl: Type.Optional(TARGET_URL),
  format: Type.Optional(literals(NOTICE_FORMATS)),
  secret: Type.Optional(Type.String({ minLength: STANDARD_WEBHOOK_SECRET_MIN_LENGTH, maxLength: STANDARD_WEBHOOK_SECRET_MAX_LENGTH, pattern: STANDARD_WEBHOOK_SECRET_PATTERN })),
};

type SubscriptionFields = Static<TObject<typeof SUBSCRIPTION_FIELDS>>;

/** What the schema cannot say: the target's scheme, and a secret the signer can parse. */
function checkSubscriptionFields(b: SubscriptionFields): void {
  if (b.targetUrl !== undefined) checkTarget(b.targetUrl);
  // A secret the signer cannot parse would make every delivery fail and retry forever.
  const secretProblem = b.secret === undefined ? undefined : standardWebhookSecretProblem(b.secret);
  if (secretProblem) throw new ApiError(400, 'invalid_request', `secret: ${secretProblem}`, 'secret');
}

export const alertRoutes: FastifyPluginAsync<{ ch: ClickHouse; grafanaUrl?: string }> = async (app, { ch, grafanaUrl }) => {
  const security = [{ apiKey: [] }];
  /** The tenant's subscription, or the 404 naming the id (another tenant's is unknown here). */
  const subscriptionOf = async (tenantId: string, subscriptionId: string) => {
    const subscription = await getSubscription(ch, tenantId, subscriptionId);
    if (!subscription) throw new ApiError(404, 'subscription_not_found', `subscriptionId: no subscription "${subscriptionId}"`, 'subscriptionId');
    return subscription;
  };
  settingsRoutes<HolidayCalendarOverrides>(app, ch, {
    path: '/v1/settings/holidays',
    tag: 'alerts',
    what: 'holiday calendar of spike detection',
    applies: 'days expected to run low (local dates in timeZone) are scored but not learned from, by detection passes from now on',
    overrides: HolidayCalendarOverrides,
    full: HolidayCalendar,
    effective: holidayCalendarFor,
    defaults: DEFAULT_HOLIDAY_CALENDAR,
    problem: holidayCalendarProblem,
    load: holidayCalendarOverrides,
    save: saveHolidayCalendarOverrides,
  });
  settingsRoutes<ProductAreasOverrides>(app, ch, {
    path: '/v1/settings/product-areas',
    tag: 'alerts',
    what: 'product areas (features) of spike detection',
    applies: 'each area is a series "area=<name>" (volume, negative share, escalations, reopens) from the next detection pass, over the history already stored; a changed area is learned again',
    overrides: ProductAreasOverrides,
    full: ProductAreas,
    effective: productAreasFor,
    defaults: DEFAULT_PRODUCT_AREAS,
    problem: productAreasProblem,
    load: productAreasOverrides,
    save: saveProductAreasOverrides,
  });

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/v1/settings/holidays/days',
    {
      schema: {
        summary: 'The days the holiday calendar makes holidays (scored, not learned from by spike detection), in a span of at most five years',
        tags: ['alerts'],
        security,
        querystring: Query({ from: Type.Optional(InstantQuery('start of the span, default now')), to: Type.Optional(InstantQuery('end of the span, default a year after from')) }),
        response: {
          200: Type.Object({ timeZone: Type.String(), days: Type.Array(Type.Object({ start: Type.String(), end: Type.String(), name: Type.String(), source: Type.String() })) }),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const fromMs = request.query.from === undefined ? Date.now() : instantMs(request.query.from, { dateOnly: true })!;
      const toMs = request.query.to === undefined ? fromMs + HOLIDAY_SPAN_DEFAULT_MS : instantMs(request.query.to, { dateOnly: true })!;
      if (toMs <= fromMs) throw new ApiError(400, 'invalid_request', 'to: must be after from', 'to');
      if (toMs - fromMs > HOLIDAY_SPAN_MAX_MS) throw new ApiError(400, 'invalid_request', 'to: at most five years after from', 'to');
      const calendar = holidayCalendarFor(await holidayCalendarOverrides(ch, request.tenant.tenantId));
      const days = holidayDays(calendar, fromMs, toMs).map((d) => ({ start: new Date(d.startMs).toISOString(), end: new Date(d.endMs).toISOString(), name: d.name, source: d.source }));
      return { timeZone: calendar.timeZone, days };
    },
  );

  app.post<{ Body: SubscriptionFields & { targetUrl: string } }>(
    '/v1/alerts/subscriptions',
    {
      schema: {
        summary: 'Subscribe a webhook to spike alerts (ticket volume, negative-sentiment share, escalations, reopens)',
        description: 'Notices are signed the Standard Webhooks way with `secret` (`whsec_` + base64 of 24–64 bytes; generated when omitted and returned once). Firing, severity escalation and resolve are each sent once; an alert related to one already sent and still firing is folded into it (groupRelated), and silences (/v1/alerts/silences) withhold notices for a while.',
        tags: ['alerts'],
        security,
        body: Type.Object({ ...SUBSCRIPTION_FIELDS, targetUrl: TARGET_URL }, { additionalProperties: false }),
        response: { 201: Type.Intersect([SubscriptionView, Type.Object({ secret: Type.String() })]), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const b = request.body;
      checkSubscriptionFields(b);
      const subscription: AlertSubscription = {
        subscriptionId: randomUUID(),
        name: b.name ?? '',
        dimension: b.dimension ?? '',
        values: b.values ?? [],
        metrics: b.metrics ?? [],
        minSeverity: b.minSeverity ?? 'medium',
        groupRelated: b.groupRelated ?? true,
        targetUrl: b.targetUrl,
        format: b.format ?? 'json',
        secret: b.secret ?? `whsec_${randomBytes(32).toString('base64')}`,
        createdAt: new Date().toISOString(),
      };
      await saveSubscription(ch, request.tenant.tenantId, subscription, false, Date.now());
      return reply.status(201).send({ ...view(subscription), secret: subscription.secret });
    },
  );

  app.get('/v1/alerts/subscriptions', { schema: { summary: 'List alert subscriptions', tags: ['alerts'], security, response: { 200: Type.Object({ subscriptions: Type.Array(SubscriptionView) }), 401: ErrorResponse } } }, async (request) => ({
    subscriptions: (await listSubscriptions(ch, request.tenant.tenantId)).map(view),
  }));

  app.delete<{ Params: { subscriptionId: string } }>(
    '/v1/alerts/subscriptions/:subscriptionId',
    { schema: { summary: 'Delete an alert subscription', tags: ['alerts'], security, params: SubscriptionParams, response: { 204: Type.Null(), 401: ErrorResponse, 404: ErrorResponse } } },
    async (request, reply) => {
      const subscription = await subscriptionOf(request.tenant.tenantId, request.params.subscriptionId);
      await saveSubscription(ch, request.tenant.tenantId, subscription, true, Date.now());
      return reply.status(204).send();
    },
  );

  app.patch<{ Params: { subscriptionId: string }; Body: SubscriptionFields }>(
    '/v1/alerts/subscriptions/:subscriptionId',
    {
      schema: {
        summary: 'Change an alert subscription (its filters, severity, grouping, target, format or secret); the fields left out keep their values',
        description: 'The subscription keeps its id and, unless `secret` is given, its secret. Detection passes and deliveries still retrying use the new values from then on.',
        tags: ['alerts'],
        security,
        params: SubscriptionParams,
        body: Type.Object(SUBSCRIPTION_FIELDS, { additionalProperties: false, minProperties: 1 }),
        response: { 200: SubscriptionView, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { tenantId } = request.tenant;
      const b = request.body;
      checkSubscriptionFields(b);
      const subscription = await subscriptionOf(tenantId, request.params.subscriptionId);
      const changed: AlertSubscription = {
        ...subscription,
        ...Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)),
      };
      await saveSubscription(ch, tenantId, changed, false, Date.now());
      return view(changed);
    },
  );

  app.post<{ Params: { subscriptionId: string } }>(
    '/v1/alerts/subscriptions/:subscriptionId/test',
    {
      schema: {
        summary: "Send a signed test notice to a subscription's target now, and report how the target answered",
        description:
          'A notice of type `alert.test` (no alert behind it), in the subscription\'s format and signed with its secret the Standard Webhooks way, posted once by this API process (no retries); the answer says whether the target took it. Nothing is stored.',
        tags: ['alerts'],
        security,
        params: SubscriptionParams,
        response: {
          200: Type.Object({
            delivered: Type.Boolean({ description: 'the target answered 2xx' }),
            httpStatus: Type.Integer({ description: "the target's status code; 0 when it could not be reached" }),
            error: Type.String({ description: "why it was not delivered ('' when it was)" }),
            webhookId: Type.String({ description: 'the webhook-id header sent' }),
            ms: Type.Number({ description: 'time to the answer' }),
          }),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { tenantId } = request.tenant;
      const subscription = await subscriptionOf(tenantId, request.params.subscriptionId);
      const at = new Date();
      // Standard Webhooks ids must not contain '.'.
      const webhookId = `msg_test_${randomUUID().replaceAll('-', '')}`;
      const body = JSON.stringify(formatTestNotice(testNotice(tenantId, subscription, at.getTime()), subscription.format));
      const started = performance.now();
      const ms = () => Math.round(performance.now() - started);
      try {
        const response = await postNotice(subscription, webhookId, body, at);
        return { delivered: response.ok, httpStatus: response.status, error: response.ok ? '' : `HTTP ${response.status}`, webhookId, ms: ms() };
      } catch (err) {
        return { delivered: false, httpStatus: 0, error: `target unreachable: ${String(err)}`, webhookId, ms: ms() };
      }
    },
  );

  app.get<{ Querystring: { status?: 'firing' | 'resolved'; metric?: AlertMetric; dimension?: string; value?: string; from?: string; to?: string; limit?: number } }>(
    '/v1/alerts',
    {
      schema: {
        summary: 'Spike alerts, newest first',
        tags: ['alerts'],
        security,
        querystring: Query({
          status: Type.Optional(literals(['firing', 'resolved'] as const)),
          ...SERIES_QUERY_FIELDS,
          from: Type.Optional(InstantQuery('alerts still firing at or resolved after this instant')),
          to: Type.Optional(InstantQuery('alerts started before this instant')),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
        response: { 200: Type.Object({ alerts: Type.Array(AlertView) }), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const q = request.query;
      checkSeriesQuery(q);
      const fromMs = q.from === undefined ? undefined : instantMs(q.from, { dateOnly: true })!;
      const toMs = q.to === undefined ? undefined : instantMs(q.to, { dateOnly: true })!;
      if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) throw new ApiError(400, 'invalid_request', 'to: must be after from', 'to');
      const nowMs = Date.now();
      const [alerts, silences] = await Promise.all([
        listAlerts(ch, request.tenant.tenantId, { status: q.status, metric: q.metric, dimension: q.dimension, value: q.value, fromMs, toMs, limit: q.limit ?? 100 }),
        listSilences(ch, request.tenant.tenantId, nowMs),
      ]);
      return { alerts: alerts.map((a) => ({
        alertId: a.alertId,
        series: a.series,
        metric: parseSeries(a.series).metric,
        status: a.status,
        severity: a.severity,
        score: a.score,
        observed: a.observed,
        expected: a.expected,
        lower: a.lower,
        upper: a.upper,
        startedAt: new Date(a.startedAtMs).toISOString(),
        resolvedAt: a.resolvedAtMs === null ? null : new Date(a.resolvedAtMs).toISOString(),
        contributors: a.contributors,
        countWindow: a.countWindow,
        silencedBy: a.status === 'firing' ? silencesCovering(silences, a.series, nowMs).map((s) => s.silenceId) : [],
        dashboardUrl: grafanaUrl ? anomaliesDashboardUrl(grafanaUrl, request.tenant.tenantId, a) : null,
      })) };
    },
  );

  app.get<{ Params: { alertId: string } }>(
    '/v1/alerts/:alertId/deliveries',
    {
      schema: {
        summary: "An alert's delivery log",
        tags: ['alerts'],
        security,
        params: Type.Object({ alertId: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: {
          200: Type.Object({
            deliveries: Type.Array(
              Type.Object({
                deliveryId: Type.String(),
                subscriptionId: Type.String(),
                notice: Type.String(),
                status: Type.String({ description: 'delivered, failed (retrying), abandoned (410 Gone, or the subscription was deleted), silenced (withheld by a silence) or grouped (withheld: part of a related alert already sent and still firing); the withheld ones were not attempted' }),
                attempts: Type.Integer(),
                error: Type.String({ description: "why it was not delivered: the target's answer, or what withheld it (the silence, the related alert); '' once delivered" }),
                at: Type.String(),
              }),
            ),
          }),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { tenantId } = request.tenant;
      if (!(await alertExists(ch, tenantId, request.params.alertId))) throw new ApiError(404, 'alert_not_found', `alertId: no alert "${request.params.alertId}"`, 'alertId');
      return { deliveries: await listDeliveries(ch, tenantId, request.params.alertId) };
    },
  );
};
