// The "Learning" dashboard: is the learning loop making drafts better for this tenant? Draft
// acceptance, edit distance, correction classes, automation rate and thumbs up/down over time, per
// topic, against the tenant's install baseline (its first BASELINE_DAYS days of corrections).
// The randomized control arm DESIGN.md asks for does not exist yet; when it does, it belongs beside
// the baseline series here.
//
// Sources (store/migrations/002_learning.ts, all ReplacingMergeTree, so always read with FINAL):
// corrections — one row per agent reply (or escalation) on a ticket that had a draft, with the
// correction class, edit distance and accepted flag the learner mined; suggestions — every draft
// served; suggestion_feedback — explicit thumbs up/down. Every query filters on the tenant variable
// and honours the topic filter.
//
// The outcomes of tickets (rewards, strategies, the control arm) are on the Outcomes dashboard
// (outcomes.ts), which shares this file's filters and install-baseline SQL.
import { TABLES } from '../store/tables.js';
import { colorOf, columnOf, dashboardJson, displayNameOf, queryVariable, statPanel, tablePanel, TENANT, timeSeriesPanel, type GridPos } from './panels.js';

// ---------------------------------------------------------------------------------------------
// Filters and definitions shared by the panels

/** Corrections and suggestions carry the topic themselves. */
export const TOPIC = '$__conditionalAll(topic IN (${topic:singlequote}), $topic)';
const CORRECTION_FILTERS = `${TENANT}\n  AND ${TOPIC}`;

/** The install baseline covers the tenant's first this-many days of corrections. */
export const BASELINE_DAYS = 14;
/** The tenant's first correction (whatever the topic filter): when it started learning from its agents. */
const INSTALLED_AT = `(SELECT minOrNull(replied_at) FROM ${TABLES.corrections} FINAL WHERE ${TENANT})`;
/** A correction in the install baseline window (corrections never precede the first one). */
const IN_BASELINE = `replied_at < ${INSTALLED_AT} + INTERVAL ${BASELINE_DAYS} DAY`;
/** The agent sent the draft unchanged or lightly edited. */
const AUTOMATED = "class IN ('accepted', 'lightly-edited')";
/** Corrections of agent replies: the learner also records one (draft unused) when the agent escalates instead. */
const AGENT_REPLIES = `(ticket_id, reply_event_id) NOT IN (
    SELECT ticket_id, event_id FROM ${TABLES.ticketEvents} FINAL
    WHERE ${TENANT} AND kind = 'ticket.escalated'
  )`;

const BASELINE_TEXT = `The install baseline (dashed) is the same figure over the tenant's first ${BASELINE_DAYS} days of corrections, counted from its earliest reply with a draft (computed in SQL, whatever the time range; the topic filter applies to it too, the start date does not).`;
const ACCEPTANCE_TEXT = 'Acceptance: share of corrections with accepted = 1, i.e. the agent sent the draft with an edit distance within the lightly-edited threshold. One correction per agent reply on a ticket that had a draft; an escalation instead of a reply counts as not accepted.';
const AUTOMATION_TEXT = 'Automation rate: share of agent replies (escalations excluded) that were the draft sent unchanged or lightly edited (correction class accepted or lightly-edited). Replies without a draft shown have no correction and are not counted.';

const indented = (sql: string) => sql.replace(/\n/g, '\n  ');

/** Where a metric over time comes from: its table, time column, filters and install baseline window. */
export interface Source {
  /** What the panel reads FROM: a table with FINAL, or a subquery. */
  from: string;
  time: string;
  filters: string;
  inBaseline: string;
}
const CORRECTIONS: Source = { from: `${TABLES.corrections} FINAL`, time: 'replied_at', filters: CORRECTION_FILTERS, inBaseline: IN_BASELINE };

/** A metric per interval, and the same metric over the install baseline as a constant second series. */
export function overTimeWithBaseline(value: { name: string; expression: string }, extraFilter?: string, source: Source = CORRECTIONS): string {
  const filters = extraFilter ? `${source.filters}\n  AND ${extraFilter}` : source.filters;
  return `WITH baseline AS (
  SELECT avgOrNull(${value.expression}) AS install_baseline
  FROM ${source.from}
  WHERE ${indented(filters)}
    AND ${source.inBaseline}
)
SELECT $__timeInterval(${source.time}) AS time, avg(${value.expression}) AS ${value.name}, (SELECT install_baseline FROM baseline) AS install_baseline
FROM ${source.from}
WHERE ${filters}
  AND $__timeFilter(${source.time})
GROUP BY time
ORDER BY time`;
}

/** A metric over the time range beside the same metric over the install baseline. */
function rangeVersusBaseline(value: { name: string; expression: string }, extraFilter?: string): string {
  return `SELECT avgOrNullIf(${value.expression}, $__timeFilter(replied_at)) AS ${value.name},
  avgOrNullIf(${value.expression}, ${IN_BASELINE}) AS install_baseline
FROM ${TABLES.corrections} FINAL
WHERE ${CORRECTION_FILTERS}${extraFilter ? `\n  AND ${extraFilter}` : ''}
  AND ($__timeFilter(replied_at) OR ${IN_BASELINE})`;
}

// ---------------------------------------------------------------------------------------------
// Panel SQL

const ACCEPTANCE = { name: 'acceptance_rate', expression: 'accepted' };
const EDIT_DISTANCE = { name: 'mean_edit_distance', expression: 'edit_distance' };
const AUTOMATION = { name: 'automation_rate', expression: AUTOMATED };

const acceptanceVsBaseline = rangeVersusBaseline(ACCEPTANCE);
const automationVsBaseline = rangeVersusBaseline(AUTOMATION, AGENT_REPLIES);

const draftsShown = `SELECT count() AS drafts_shown
FROM ${TABLES.suggestions} FINAL
WHERE ${TENANT}
  AND ${TOPIC}
  AND $__timeFilter(message_at)`;

const correctionCount = `SELECT count() AS correction_count
FROM ${TABLES.corrections} FINAL
WHERE ${CORRECTION_FILTERS}
  AND $__timeFilter(replied_at)`;

const escalatedWhileConfident = `SELECT countIf(escalated_while_confident = 1) AS confident_escalations
FROM ${TABLES.corrections} FINAL
WHERE ${CORRECTION_FILTERS}
  AND $__timeFilter(replied_at)`;

const acceptanceOverTime = overTimeWithBaseline(ACCEPTANCE);
const editDistanceOverTime = overTimeWithBaseline(EDIT_DISTANCE);
const automationOverTime = overTimeWithBaseline(AUTOMATION, AGENT_REPLIES);

/** The learner's correction classes, mildest first (domain/learning/records.ts CORRECTION_CLASSES). */
const CLASSES = [
  { value: 'accepted', column: 'class_accepted', color: 'green' },
  { value: 'lightly-edited', column: 'class_lightly_edited', color: 'light-green' },
  { value: 'rewritten', column: 'class_rewritten', color: 'orange' },
  { value: 'ignored', column: 'class_ignored', color: 'red' },
] as const;

const correctionClasses = `SELECT $__timeInterval(replied_at) AS time,
${CLASSES.map((c) => `  countIf(class = '${c.value}') AS ${c.column}`).join(',\n')}
FROM ${TABLES.corrections} FINAL
WHERE ${CORRECTION_FILTERS}
  AND $__timeFilter(replied_at)
GROUP BY time
ORDER BY time`;

const acceptanceByTopicOverTime = `SELECT $__timeInterval(replied_at) AS time, topic, avg(accepted) AS acceptance_rate
FROM ${TABLES.corrections} FINAL
WHERE ${CORRECTION_FILTERS}
  AND $__timeFilter(replied_at)
GROUP BY time, topic
ORDER BY time, topic`;

const acceptancePerTopic = `SELECT topic,
  countIf($__timeFilter(replied_at)) AS correction_count,
  avgOrNullIf(accepted, $__timeFilter(replied_at)) AS acceptance_rate,
  avgOrNullIf(accepted, ${IN_BASELINE}) AS install_baseline,
  avgOrNullIf(edit_distance, $__timeFilter(replied_at)) AS mean_edit_distance
FROM ${TABLES.corrections} FINAL
WHERE ${CORRECTION_FILTERS}
  AND ($__timeFilter(replied_at) OR ${IN_BASELINE})
GROUP BY topic
HAVING correction_count > 0
ORDER BY correction_count DESC, topic`;

/** Feedback rows carry no topic: the rated suggestion's predicted topic stands in. */
const thumbs = `SELECT $__timeInterval(created_at) AS time, countIf(rating = 'up') AS thumbs_up, countIf(rating = 'down') AS thumbs_down
FROM ${TABLES.suggestionFeedback} FINAL
WHERE ${TENANT}
  AND $__timeFilter(created_at)
  AND $__conditionalAll(suggestion_id IN (SELECT suggestion_id FROM ${TABLES.suggestions} FINAL WHERE ${TENANT} AND topic IN (\${topic:singlequote})), $topic)
GROUP BY time
ORDER BY time`;

// ---------------------------------------------------------------------------------------------
// Layout: a row of stats, then two panels per row. Learning moves slowly: series are at least daily.

const STAT_HEIGHT = 4;
const SERIES = { w: 12, h: 8 };
const MIN_INTERVAL = '1d';
const stat = (x: number, w: number): GridPos => ({ x, y: 0, w, h: STAT_HEIGHT });
const series = (row: number, column: number): GridPos => ({ x: column * SERIES.w, y: STAT_HEIGHT + row * SERIES.h, ...SERIES });
const RATE_AXIS = { min: 0, max: 1 };
export const BASELINE_STYLE = {
  matcher: { id: 'byName', options: 'install_baseline' },
  properties: [
    { id: 'displayName', value: 'Install baseline' },
    { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    { id: 'custom.fillOpacity', value: 0 },
    { id: 'color', value: { mode: 'fixed', fixedColor: 'text' } },
  ],
};

export function learningDashboard() {
  const panels = [
    statPanel(1, {
      title: 'Acceptance vs install baseline',
      description: `${ACCEPTANCE_TEXT} Left: over the time range. Right: over the tenant's first ${BASELINE_DAYS} days of corrections.`,
      sql: acceptanceVsBaseline,
      unit: 'percentunit',
      decimals: 1,
      textMode: 'value_and_name',
      overrides: [displayNameOf('acceptance_rate', 'In range'), displayNameOf('install_baseline', 'Install baseline')],
      gridPos: stat(0, 6),
    }),
    statPanel(2, {
      title: 'Automation rate vs install baseline',
      description: `${AUTOMATION_TEXT} Left: over the time range. Right: over the tenant's first ${BASELINE_DAYS} days of corrections.`,
      sql: automationVsBaseline,
      unit: 'percentunit',
      decimals: 1,
      textMode: 'value_and_name',
      overrides: [displayNameOf('automation_rate', 'In range'), displayNameOf('install_baseline', 'Install baseline')],
      gridPos: stat(6, 6),
    }),
    statPanel(3, {
      title: 'Drafts shown',
      description: 'Suggestions served for customer messages that arrived in the time range (an empty draft when nothing matched included); the topic filter applies to the predicted topic.',
      sql: draftsShown,
      unit: 'short',
      gridPos: stat(12, 4),
    }),
    statPanel(4, {
      title: 'Corrections',
      description: 'Agent replies and escalations in the time range compared with the draft the agent had seen: the denominator of the acceptance rate.',
      sql: correctionCount,
      unit: 'short',
      gridPos: stat(16, 4),
    }),
    statPanel(5, {
      title: 'Escalated while confident',
      description: 'Escalations in the time range on tickets whose draft was confident enough to hand to an agent: the learner counts them as corrections against what the draft was built from.',
      sql: escalatedWhileConfident,
      unit: 'short',
      gridPos: stat(20, 4),
    }),
    timeSeriesPanel(6, {
      title: 'Draft acceptance rate',
      description: `${ACCEPTANCE_TEXT} ${BASELINE_TEXT}`,
      sql: acceptanceOverTime,
      unit: 'percentunit',
      decimals: 1,
      axis: RATE_AXIS,
      drawStyle: 'line',
      minInterval: MIN_INTERVAL,
      overrides: [displayNameOf('acceptance_rate', 'Acceptance'), BASELINE_STYLE],
      gridPos: series(0, 0),
    }),
    timeSeriesPanel(7, {
      title: 'Mean edit distance',
      description: `Mean edit distance between the draft and what the agent sent: Levenshtein distance over the longer text's length, on whitespace-normalised lower-case text (0 = sent unchanged, 1 = nothing kept; an escalation counts as 1). Lower is better. ${BASELINE_TEXT}`,
      sql: editDistanceOverTime,
      unit: 'percentunit',
      decimals: 1,
      axis: RATE_AXIS,
      drawStyle: 'line',
      minInterval: MIN_INTERVAL,
      overrides: [displayNameOf('mean_edit_distance', 'Mean edit distance'), BASELINE_STYLE],
      gridPos: series(0, 1),
    }),
    timeSeriesPanel(8, {
      title: 'Automation rate',
      description: `${AUTOMATION_TEXT} ${BASELINE_TEXT}`,
      sql: automationOverTime,
      unit: 'percentunit',
      decimals: 1,
      axis: RATE_AXIS,
      drawStyle: 'line',
      minInterval: MIN_INTERVAL,
      overrides: [displayNameOf('automation_rate', 'Automation rate'), BASELINE_STYLE],
      gridPos: series(1, 0),
    }),
    timeSeriesPanel(9, {
      title: 'Correction classes',
      description:
        "Corrections per interval by the learner's class, stacked: accepted (sent as drafted; edit distance within the accepted threshold, 0.02 by default), lightly-edited (within the lightly-edited threshold, 0.3 by default), rewritten (more changed, some draft sentences kept), ignored (no draft sentence kept; escalations included).",
      sql: correctionClasses,
      unit: 'short',
      drawStyle: 'bars',
      stacked: true,
      minInterval: MIN_INTERVAL,
      overrides: CLASSES.flatMap((c) => [displayNameOf(c.column, c.value), colorOf(c.column, c.color)]),
      gridPos: series(1, 1),
    }),
    timeSeriesPanel(10, {
      title: 'Acceptance by topic',
      description: `Draft acceptance per interval, one series per topic (the correction's topic). ${ACCEPTANCE_TEXT}`,
      sql: acceptanceByTopicOverTime,
      unit: 'percentunit',
      decimals: 1,
      axis: RATE_AXIS,
      drawStyle: 'line',
      displayName: '${__field.labels.topic}',
      minInterval: MIN_INTERVAL,
      gridPos: series(2, 0),
    }),
    tablePanel(11, {
      title: 'Acceptance per topic',
      description: `Per topic over the time range: corrections, acceptance, the topic's acceptance in the install baseline (the tenant's first ${BASELINE_DAYS} days of corrections; empty when the topic had none then) and mean edit distance. ${ACCEPTANCE_TEXT}`,
      sql: acceptancePerTopic,
      unit: 'short',
      sortBy: { displayName: 'Corrections', desc: true },
      overrides: [
        columnOf('topic', 'Topic', 'string'),
        columnOf('correction_count', 'Corrections', 'short'),
        columnOf('acceptance_rate', 'Acceptance', 'percentunit', 1, [
          { id: 'custom.cellOptions', value: { type: 'gauge', mode: 'basic' } },
          { id: 'min', value: 0 },
          { id: 'max', value: 1 },
        ]),
        columnOf('install_baseline', 'Install baseline', 'percentunit', 1),
        columnOf('mean_edit_distance', 'Mean edit distance', 'percentunit', 1),
      ],
      gridPos: series(2, 1),
    }),
    timeSeriesPanel(12, {
      title: 'Thumbs up / down',
      description: "Explicit agent feedback on drafts per interval, by when it was given; the topic filter applies to the rated suggestion's predicted topic.",
      sql: thumbs,
      unit: 'short',
      drawStyle: 'bars',
      minInterval: MIN_INTERVAL,
      overrides: [displayNameOf('thumbs_up', 'Thumbs up'), colorOf('thumbs_up', 'green'), displayNameOf('thumbs_down', 'Thumbs down'), colorOf('thumbs_down', 'red')],
      gridPos: series(3, 0),
    }),
  ];

  return dashboardJson({
    uid: 'supportloop-learning',
    title: 'Learning',
    description: `Whether drafts get better for one tenant: acceptance, edit distance, automation rate, correction classes and agent feedback, per topic, against the install baseline (first ${BASELINE_DAYS} days of corrections). How tickets end is on the Outcomes dashboard.`,
    time: { from: 'now-90d', to: 'now' },
    variables: [
      queryVariable({
        name: 'tenant',
        label: 'Tenant',
        description: 'The tenant every panel shows (a filter, not an access boundary): tenants with corrections.',
        sql: `SELECT DISTINCT tenant_id FROM ${TABLES.corrections} FINAL ORDER BY tenant_id`,
        multi: false,
      }),
      queryVariable({
        name: 'topic',
        label: 'Topic',
        description: "Topics of the tenant's corrections.",
        sql: `SELECT DISTINCT topic FROM ${TABLES.corrections} FINAL WHERE ${TENANT} ORDER BY topic`,
        multi: true,
      }),
    ],
    panels,
  });
}
