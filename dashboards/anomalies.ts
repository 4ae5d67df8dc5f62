// The "Anomalies" dashboard: customer-message volume per topic against an expected band, the spike
// detector's alerts (as annotations, firing now, over time by severity), what their notices did
// (deliveries) and the silences that withheld some (as annotations), which topics are rising or
// new, the share of messages with negative sentiment, and volume per product area against the same
// kind of band.
// Every query filters on the tenant variable and honours the topic filter.
//
// Sources: events_per_minute and events_per_hour (store/migrations/001_spine.ts, 003_detection.ts;
// AggregatingMergeTree, distinct event ids per minute / hour, so no FINAL), alerts and
// alert_deliveries (store/migrations/003_detection.ts; ReplacingMergeTree, always read with FINAL: an
// alert keeps its latest version, a delivery its latest attempt), alert_silences
// (015_alert_silences.ts; ReplacingMergeTree, FINAL), topic_tags_events_per_minute
// (009_product_areas.ts; AggregatingMergeTree) with the product areas saved in tenant_setting_changes
// (006_setting_changes.ts; ReplacingMergeTree, FINAL). The detector watches customer messages (store/spikeSeries.ts VOLUME_KIND).
//
// The volume panels' expected band is an SQL approximation of the detector's (volumeBand.ts).
import { ALERT_METRICS, METRIC_SOURCES, SEVERITIES } from '../domain/alerts.js';
import { ANOMALIES_DASHBOARD } from '../domain/dashboardLinks.js';
import { VOLUME_KIND } from '../store/spikeSeries.js';
import { SETTING_KINDS } from '../store/tenantSettings.js';
import { areasOfRow, TABLES } from '../store/tables.js';
import { annotationQuery, colorOf, columnOf, dashboardJson, displayNameOf, queryVariable, tablePanel, TENANT, timeSeriesPanel, type GridPos } from './panels.js';
import { BAND_TEXT, bandOverrides, volumeWithBand } from './volumeBand.js';

// ---------------------------------------------------------------------------------------------
// Filters and definitions shared by the panels

/** Customer messages with a topic: the per-topic series the detector watches ('topic=' is never one). */
const TOPIC_MESSAGES = `${TENANT}\n  AND kind = '${VOLUME_KIND}'\n  AND topic != ''\n  AND $__conditionalAll(topic IN (\${topic:singlequote}), $topic)`;
/** Alerts in scope: every series while the topic filter is All, else the selected topics' series only. */
const ALERT_TOPIC = "$__conditionalAll(dimension = 'topic' AND value IN (${topic:singlequote}), $topic)";

/** A rising topic needs at least this many messages in the last hour. */
export const RISING_MIN_MESSAGES = 5;
/** Hours in the rising topics' baseline: the 7 days before the last hour. */
const BASELINE_HOURS = 7 * 24;

const ALERT_POINTS_TEXT = "The detector's band per minute is not stored (only its latest state per series, and per alert the expected level and band of the alert's last anomalous minute). Those alert figures are the points (alert expected, alert upper), drawn in the interval that contains that minute; above a 1-minute interval they are single-minute values beside per-minute averages.";
const ALERT_SCOPE_TEXT = 'With the topic filter on All every series counts (topic, tag, channel, segment, all); with topics selected, only those topics’ alerts.';

// ---------------------------------------------------------------------------------------------
// Panel SQL

const topicVolumeWithBand = volumeWithBand({
  key: 'topic',
  with: '',
  table: TABLES.eventsPerMinute,
  keyOf: 'topic',
  rows: TOPIC_MESSAGES,
  alertDimension: 'topic',
  alertScope: '$__conditionalAll(value IN (${topic:singlequote}), $topic)',
});

/**
 * Per product area (the tenant's latest saved areas, domain/productAreas.ts), over the topic × tag-set
 * rollup, with the membership detection uses (store/tables.ts areasOfRow): a message in two of an
 * area's tags counts once (distinct event ids per area). Area alerts are points only while the
 * topic filter is All (ALERT_TOPIC: with topics selected, only their alerts are in scope).
 */
const areaVolumeWithBand = volumeWithBand({
  key: 'area',
  with: `(
  SELECT argMax(JSONExtract(overrides, 'areas', 'Array(Tuple(name String, tags Array(String), topics Array(String)))'), updated_at)
  FROM ${TABLES.tenantSettingChanges} FINAL
  WHERE ${TENANT}
    AND kind = '${SETTING_KINDS.productAreas}'
) AS areas,
`,
  table: TABLES.topicTagsEventsPerMinute,
  keyOf: `arrayJoin(${areasOfRow("arrayMap(a -> trimBoth(tupleElement(a, 'name')), areas)", "arrayMap(a -> tupleElement(a, 'tags'), areas)", "arrayMap(a -> tupleElement(a, 'topics'), areas)")})`,
  rows: `${TENANT}\n  AND kind = '${VOLUME_KIND}'\n  AND $__conditionalAll(topic IN (\${topic:singlequote}), $topic)`,
  alertDimension: 'area',
  alertScope: "$__conditionalAll(0, $topic)",
});

/** What a count metric's alert counts, per metric (domain/alerts.ts METRIC_SOURCES). */
const COUNT_METRICS = ALERT_METRICS.filter((m) => METRIC_SOURCES[m].measure === 'count');
const COUNT_UNIT = `transform(metric, [${COUNT_METRICS.map((m) => `'${m}'`).join(', ')}], [${COUNT_METRICS.map((m) => `'${METRIC_SOURCES[m].unit}'`).join(', ')}], 'events')`;

/** An alert's contributors (domain/alertContributors.ts) as text: "tag invoice 8 vs 2, channel chat 6". */
const DRIVEN_BY = `arrayStringConcat(arrayMap(c -> concat(c.dimension, ' ', c.value, ' ', toString(c.observed), if(isNull(c.usual), '', concat(' vs ', toString(c.usual)))),
    JSONExtract(contributors, 'Array(Tuple(dimension String, value String, observed Float64, usual Nullable(Float64)))')), ', ')`;

/**
 * The count window that raised a sparse series' alert at its last report (domain/alerts.ts
 * countWindow) as text: "12 messages in the last 60 min vs 2.5 expected"; '' when the per-minute
 * evidence raised it. A quiet topic's alert is raised by a window, and its per-minute figures (1 a
 * minute against 0.04) say little of why.
 */
const COUNT_WINDOW_TEXT = `if(count_window = '', '', concat(toString(JSONExtractFloat(count_window, 'observed')), ' ', ${COUNT_UNIT}, ' in the last ',
    toString(JSONExtractFloat(count_window, 'minutes')), ' min vs ', toString(JSONExtractFloat(count_window, 'expected')), ' expected'))`;

/** Alerts as annotation regions: from the first anomalous minute to the resolve (a firing one to the range end). */
const alertAnnotations = `WITH ${DRIVEN_BY} AS driven_by, ${COUNT_WINDOW_TEXT} AS raised_by_window
SELECT started_at AS time, ifNull(resolved_at, $__toTime) AS timeEnd,
  concat(series, ': ', severity, ' alert, ', status, '. ', if(metric = 'negative_share',
    concat('Negative share up to ', toString(round(100 * observed, 1)), '%; at its last report usual ', toString(round(100 * expected, 1)), '%, band up to ', toString(round(100 * upper, 1)), '%'),
    if(raised_by_window != '', concat('At its last report ', raised_by_window, ' (count window)'),
      concat('Reported at up to ', toString(observed), ' ', ${COUNT_UNIT}, '/min; at its last report expected ', toString(round(expected, 2)), ', band up to ', toString(round(upper, 2))))),
    '; score ', toString(round(score, 2)), '.', if(driven_by = '', '', concat(' Driven by ', driven_by, '.'))) AS text,
  concat(status, ',', severity, ',', replaceAll(series, ',', ' ')) AS tags
FROM ${TABLES.alerts} FINAL
WHERE ${TENANT}
  AND ${ALERT_TOPIC}
  AND started_at <= $__toTime
  AND ifNull(resolved_at, $__toTime) >= $__fromTime
ORDER BY time, series`;

const firingNow = `SELECT series, metric, severity, score, observed, expected, upper, started_at, last_anomaly_at,
  ${COUNT_WINDOW_TEXT} AS count_window_text,
  ${DRIVEN_BY} AS driven_by
FROM ${TABLES.alerts} FINAL
WHERE ${TENANT}
  AND status = 'firing'
  AND ${ALERT_TOPIC}
ORDER BY indexOf([${SEVERITIES.map((s) => `'${s}'`).join(', ')}], severity) DESC, score DESC, series`;

const risingTopics = `SELECT topic,
  uniqExactMergeIf(events, minute >= $__toTime - INTERVAL 1 HOUR) AS last_hour,
  uniqExactMergeIf(events, minute < $__toTime - INTERVAL 1 HOUR) / ${BASELINE_HOURS} AS baseline_per_hour,
  last_hour / baseline_per_hour AS ratio
FROM ${TABLES.eventsPerMinute}
WHERE ${TOPIC_MESSAGES}
  AND minute >= $__toTime - INTERVAL ${BASELINE_HOURS + 1} HOUR
  AND minute < $__toTime
GROUP BY topic
HAVING last_hour >= ${RISING_MIN_MESSAGES} AND baseline_per_hour > 0
ORDER BY ratio DESC, topic
LIMIT 10`;

/** Share of customer messages with negative sentiment per interval (hourly rollup, distinct event ids). */
const negativeShare = `SELECT $__timeInterval(hour) AS time, uniqExactMerge(negative) / uniqExactMerge(events) AS negative_share
FROM ${TABLES.eventsPerHour}
WHERE ${TOPIC_MESSAGES}
  AND $__timeFilter(hour)
GROUP BY time
ORDER BY time`;

const newTopics = `SELECT topic, min(minute) AS first_seen, uniqExactMergeIf(events, $__timeFilter(minute)) AS messages
FROM ${TABLES.eventsPerMinute}
WHERE ${TOPIC_MESSAGES}
  AND minute <= $__toTime
GROUP BY topic
HAVING first_seen >= $__fromTime
ORDER BY first_seen DESC, topic`;

const SEVERITY_COLORS: Record<(typeof SEVERITIES)[number], string> = { low: 'yellow', medium: 'orange', high: 'red' };

const alertsOverTime = `SELECT $__timeInterval(started_at) AS time,
${SEVERITIES.map((s) => `  countIf(severity = '${s}') AS ${s}`).join(',\n')}
FROM ${TABLES.alerts} FINAL
WHERE ${TENANT}
  AND ${ALERT_TOPIC}
  AND $__timeFilter(started_at)
GROUP BY time
ORDER BY time`;

const DELIVERY_STATUSES = [
  { value: 'delivered', color: 'green' },
  { value: 'failed', color: 'orange' },
  { value: 'abandoned', color: 'red' },
  { value: 'silenced', color: 'blue' },
  { value: 'grouped', color: 'purple' },
] as const;

/**
 * Silences (domain/alertSilences.ts) as annotation regions, from start to end (one ended before it
 * began spans nothing and is left out). With topics selected, as with the alerts, only silences of
 * those topics (of the topic dimension, naming one of them).
 */
const silenceAnnotations = `SELECT toDateTime(starts_at) AS time, toDateTime(ends_at) AS timeEnd,
  concat('Silenced ', if(dimension = '', 'every series', concat(dimension, if(empty(values), '', concat('=', arrayStringConcat(values, ','))))),
    if(empty(metrics), '', concat(' (', arrayStringConcat(metrics, ', '), ')')), ': ', comment, if(created_by = '', '', concat(' — ', created_by))) AS text,
  concat('silence,', silence_id) AS tags
FROM ${TABLES.alertSilences} FINAL
WHERE ${TENANT}
  AND $__conditionalAll(dimension = 'topic' AND hasAny(arrayMap(v -> lower(v), values), arrayMap(v -> lower(v), [\${topic:singlequote}])), $topic)
  AND ends_at > starts_at
  AND starts_at <= $__toTime
  AND ends_at >= $__fromTime
ORDER BY time, silence_id`;

const deliveries = `SELECT $__timeInterval(at) AS time,
${DELIVERY_STATUSES.map((s) => `  countIf(status = '${s.value}') AS ${s.value}`).join(',\n')}
FROM ${TABLES.alertDeliveries} FINAL
WHERE ${TENANT}
  AND $__conditionalAll(alert_id IN (SELECT alert_id FROM ${TABLES.alerts} FINAL WHERE ${TENANT} AND dimension = 'topic' AND value IN (\${topic:singlequote})), $topic)
  AND $__timeFilter(at)
GROUP BY time
ORDER BY time`;

// ---------------------------------------------------------------------------------------------
// Layout

const grid = (x: number, y: number, w: number, h: number): GridPos => ({ x, y, w, h });
export function anomaliesDashboard() {
  const panels = [
    timeSeriesPanel(1, {
      title: 'Volume with expected band per topic',
      description: `Customer messages per minute for each topic (the interval's count over its minutes in the range; per-minute rollup, distinct event ids; messages without a topic left out). ${BAND_TEXT} ${ALERT_POINTS_TEXT}`,
      sql: topicVolumeWithBand,
      unit: 'short',
      decimals: 2,
      drawStyle: 'line',
      minInterval: '1m',
      overrides: bandOverrides('topic'),
      gridPos: grid(0, 0, 16, 10),
    }),
    tablePanel(2, {
      title: 'Firing alerts now',
      description: `Alerts still firing, whatever the time range, most severe first. Metric volume: customer messages per minute; escalations, reopens: those events per minute; negative_share: the share (0 to 1) of customer messages with negative sentiment over the last hour or day. Observed: the highest value among the minutes the detector reported (for volume, the episode's start and each escalation; minutes in between are not reported, so the episode's true peak can be higher, see the volume panel); expected and band high: the detector's figures at the last reported minute (Last anomaly); score: the highest reported. Count window: for a quiet series whose alert a count window raised (the detector's windowed count test, 5 minutes to 3 hours), that window's events at the last report against what it expected — the per-minute figures of a sparse series say little; empty when the per-minute evidence raised it. Driven by: the slices of the series (topic, tag, product area, channel, segment) that rose most in the hour before its last notice — events then, vs the mean of the same hour in previous weeks when the tenant has them. ${ALERT_SCOPE_TEXT}`,
      sql: firingNow,
      unit: 'short',
      sortBy: { displayName: 'Score', desc: true },
      overrides: [
        columnOf('series', 'Series', 'string'),
        columnOf('metric', 'Metric', 'string'),
        columnOf('severity', 'Severity', 'string', undefined, [
          { id: 'custom.cellOptions', value: { type: 'color-background' } },
          { id: 'mappings', value: [{ type: 'value', options: Object.fromEntries(SEVERITIES.map((s, index) => [s, { color: SEVERITY_COLORS[s], index }])) }] },
        ]),
        columnOf('score', 'Score', 'none', 2),
        columnOf('observed', 'Observed', 'short', 2),
        columnOf('expected', 'Expected', 'short', 2),
        columnOf('upper', 'Band high', 'short', 2),
        columnOf('started_at', 'Started', 'dateTimeAsLocal'),
        columnOf('last_anomaly_at', 'Last anomaly', 'dateTimeAsLocal'),
        columnOf('count_window_text', 'Count window', 'string'),
        columnOf('driven_by', 'Driven by', 'string'),
      ],
      gridPos: grid(16, 0, 8, 10),
    }),
    tablePanel(3, {
      title: 'Top rising topics',
      description: `As of the end of the time range: topics ranked by their last hour's customer messages over their average hour in the 7 days before it (no time-of-day adjustment). Topics need at least ${RISING_MIN_MESSAGES} messages in the last hour; topics with none in the 7 days are under New topics.`,
      sql: risingTopics,
      unit: 'short',
      sortBy: { displayName: 'Ratio', desc: true },
      overrides: [
        columnOf('topic', 'Topic', 'string'),
        columnOf('last_hour', 'Last hour', 'short', 0),
        columnOf('baseline_per_hour', 'Avg hour, previous 7 days', 'short', 1),
        columnOf('ratio', 'Ratio', 'none', 1, [{ id: 'custom.cellOptions', value: { type: 'color-text' } }, { id: 'thresholds', value: { mode: 'absolute', steps: [{ color: 'text', value: null }, { color: 'orange', value: 2 }, { color: 'red', value: 5 }] } }]),
      ],
      gridPos: grid(0, 10, 8, 8),
    }),
    tablePanel(4, {
      title: 'New topics',
      description: 'Topics whose first customer message arrived inside the time range (none before its start), newest first, with their messages in the range.',
      sql: newTopics,
      unit: 'short',
      sortBy: { displayName: 'First seen', desc: true },
      overrides: [columnOf('topic', 'Topic', 'string'), columnOf('first_seen', 'First seen', 'dateTimeAsLocal'), columnOf('messages', 'Messages', 'short', 0)],
      gridPos: grid(8, 10, 8, 8),
    }),
    timeSeriesPanel(5, {
      title: 'Alerts by severity',
      description: `Alerts that started per interval, stacked by severity (the highest the alert reached). ${ALERT_SCOPE_TEXT}`,
      sql: alertsOverTime,
      unit: 'short',
      drawStyle: 'bars',
      stacked: true,
      overrides: SEVERITIES.map((s) => colorOf(s, SEVERITY_COLORS[s])),
      gridPos: grid(16, 10, 8, 8),
    }),
    timeSeriesPanel(6, {
      title: 'Alert deliveries',
      description: `Alert notices for subscribers, each counted once at its latest attempt by its outcome so far: delivered; failed (the last attempt failed, retried with backoff for up to a day); abandoned (410 Gone, or the subscription was deleted); silenced (withheld by a silence, never posted: the Silences annotations show when and why); grouped (withheld: the subscription was already sent a related alert of the same incident that still fired). ${ALERT_SCOPE_TEXT}`,
      sql: deliveries,
      unit: 'short',
      drawStyle: 'bars',
      stacked: true,
      overrides: DELIVERY_STATUSES.flatMap((s) => [displayNameOf(s.value, s.value[0].toUpperCase() + s.value.slice(1)), colorOf(s.value, s.color)]),
      gridPos: grid(0, 18, 24, 8),
    }),
    timeSeriesPanel(7, {
      title: 'Negative-sentiment share',
      description: 'Share of customer messages (with a topic, the topic filter applied) whose sentiment was negative, per interval of at least an hour (hourly rollup events_per_hour, distinct event ids). Hours are counted by their start.',
      sql: negativeShare,
      unit: 'percentunit',
      decimals: 1,
      drawStyle: 'line',
      minInterval: '1h',
      gridPos: grid(0, 26, 24, 8),
    }),
    timeSeriesPanel(8, {
      title: 'Volume with expected band per product area',
      description: `Customer messages per minute in each of the tenant's product areas (the interval's count over its minutes in the range, at least an hour; Settings: PUT /v1/settings/product-areas, the latest saved areas applied to the whole range, the earlier weeks behind the band included): a message belongs to every area one of whose tags it carries or whose topic it has, and counts once per area — the area=<name> series spike detection watches. Topic filter applied; empty until the tenant defines areas. ${BAND_TEXT} ${ALERT_POINTS_TEXT} Area alerts are drawn while the topic filter is All.`,
      sql: areaVolumeWithBand,
      unit: 'short',
      decimals: 2,
      drawStyle: 'line',
      minInterval: '1h',
      overrides: bandOverrides('area'),
      gridPos: grid(0, 34, 24, 8),
    }),
  ];

  return dashboardJson({
    uid: ANOMALIES_DASHBOARD.uid,
    title: 'Anomalies',
    description: "Customer-message volume per topic against an expected band, the spike detector's alerts and their deliveries, and rising and new topics, for one tenant.",
    time: { from: 'now-24h', to: 'now' },
    variables: [
      queryVariable({
        name: ANOMALIES_DASHBOARD.tenantVariable,
        label: 'Tenant',
        description: 'The tenant every panel shows (a filter, not an access boundary): tenants with customer messages.',
        sql: `SELECT DISTINCT tenant_id FROM ${TABLES.eventsPerMinute} WHERE kind = '${VOLUME_KIND}' ORDER BY tenant_id`,
        multi: false,
      }),
      queryVariable({
        name: ANOMALIES_DASHBOARD.topicVariable,
        label: 'Topic',
        description: "Topics of the tenant's customer messages.",
        sql: `SELECT DISTINCT topic FROM ${TABLES.eventsPerMinute} WHERE ${TENANT} AND kind = '${VOLUME_KIND}' AND topic != '' ORDER BY topic`,
        multi: true,
      }),
    ],
    annotations: [annotationQuery({ name: 'Alerts', sql: alertAnnotations, iconColor: 'red' }), annotationQuery({ name: 'Silences', sql: silenceAnnotations, iconColor: 'blue' })],
    panels,
  });
}
