// The "Support operations" dashboard: volume, backlog, response and resolution times, SLA,
// escalations and CSAT for one tenant. Every panel filters on the tenant variable and honours the
// channel / segment filters. Table names come from store/tables.ts and stay unqualified: the
// datasource's default database (CLICKHOUSE_DATABASE) resolves them.
import { TABLES } from '../store/tables.js';
import { dashboardJson, queryVariable, statPanel, TENANT, timeSeriesPanel, type GridPos } from './panels.js';

// ---------------------------------------------------------------------------------------------
// Filters shared by every panel (and panels.ts TENANT). `$__conditionalAll` drops a filter entirely
// while it is set to All.

const CHANNEL = '$__conditionalAll(channel IN (${channel:singlequote}), $channel)';
/** A ticket's segment: its customer segment, else its plan (the same rule the per-minute rollup applies). */
const TICKET_SEGMENT_EXPRESSION = "if(segment != '', segment, plan)";
const TICKET_SEGMENT = `$__conditionalAll(${TICKET_SEGMENT_EXPRESSION} IN (\${segment:singlequote}), $segment)`;
/** events_per_minute already stores the resolved segment. */
const ROLLUP_SEGMENT = '$__conditionalAll(segment IN (${segment:singlequote}), $segment)';
/** Tickets table rows of the selected tenant, channels and segments. */
const TICKET_FILTERS = `${TENANT}\n  AND ${CHANNEL}\n  AND ${TICKET_SEGMENT}`;
/** Event rows whose ticket is in scope (events themselves may lack the customer context a segment needs). */
const EVENTS_OF_TICKETS_IN_SCOPE = `ticket_id IN (\n    SELECT ticket_id FROM ${TABLES.tickets} FINAL\n    WHERE ${TENANT} AND ${CHANNEL} AND ${TICKET_SEGMENT}\n  )`;
const CLOSED_STATUSES = "('solved', 'closed')";

// ---------------------------------------------------------------------------------------------
// Panel SQL

const openTicketsNow = `SELECT count() AS open_tickets
FROM ${TABLES.tickets} FINAL
WHERE ${TICKET_FILTERS}
  AND status NOT IN ${CLOSED_STATUSES}`;

const ticketsCreated = `SELECT count() AS tickets_created
FROM ${TABLES.tickets} FINAL
WHERE ${TICKET_FILTERS}
  AND $__timeFilter(created_at)`;

const ticketsSolved = `SELECT count() AS tickets_solved
FROM ${TABLES.tickets} FINAL
WHERE ${TICKET_FILTERS}
  AND status IN ${CLOSED_STATUSES}
  AND solved_at IS NOT NULL
  AND $__timeFilter(solved_at)`;

const slaBreachRate = `SELECT if(count() = 0, NULL, countIf(sla_breached = 1) / count()) AS sla_breach_rate
FROM ${TABLES.tickets} FINAL
WHERE ${TICKET_FILTERS}
  AND $__timeFilter(created_at)`;

const escalationRate = `SELECT if(count() = 0, NULL, countIf(escalations > 0) / count()) AS escalation_rate
FROM ${TABLES.tickets} FINAL
WHERE ${TICKET_FILTERS}
  AND $__timeFilter(created_at)`;

/** Of the tickets solved in the range (and still solved or closed), the share reopened at least once. */
const reopenRate = `SELECT if(count() = 0, NULL, countIf(reopens > 0) / count()) AS reopen_rate
FROM ${TABLES.tickets} FINAL
WHERE ${TICKET_FILTERS}
  AND status IN ${CLOSED_STATUSES}
  AND solved_at IS NOT NULL
  AND $__timeFilter(solved_at)`;

const csatAverage = `SELECT avgOrNull(csat_score) AS csat_average
FROM ${TABLES.ticketEvents} FINAL
WHERE ${TENANT}
  AND kind = 'csat.rated'
  AND $__timeFilter(occurred_at)
  AND ${EVENTS_OF_TICKETS_IN_SCOPE}`;

const newTicketsByChannel = `SELECT $__timeInterval(minute) AS time, channel, uniqExactMerge(events) AS new_tickets
FROM ${TABLES.eventsPerMinute}
WHERE ${TENANT}
  AND kind = 'ticket.created'
  AND $__timeFilter(minute)
  AND ${CHANNEL}
  AND ${ROLLUP_SEGMENT}
GROUP BY time, channel
ORDER BY time, channel`;

const newTicketsBySegment = `SELECT $__timeInterval(minute) AS time, if(segment = '', '(none)', segment) AS customer_segment, uniqExactMerge(events) AS new_tickets
FROM ${TABLES.eventsPerMinute}
WHERE ${TENANT}
  AND kind = 'ticket.created'
  AND $__timeFilter(minute)
  AND ${CHANNEL}
  AND ${ROLLUP_SEGMENT}
GROUP BY time, customer_segment
ORDER BY time, customer_segment`;

// Open tickets at the end of each bucket: the tickets open when the range starts, plus the running
// sum of tickets created minus tickets closed. A ticket is closed at its solve time (or, solved
// through a status on a reply, at its last update).
const backlogOverTime = `WITH scoped AS (
  SELECT created_at, coalesce(solved_at, if(status IN ${CLOSED_STATUSES}, updated_at, NULL)) AS closed_at
  FROM ${TABLES.tickets} FINAL
  WHERE ${TICKET_FILTERS}
),
changes AS (
  SELECT time, sum(delta) AS net_change
  FROM (
    SELECT $__timeInterval(created_at) AS time, 1 AS delta FROM scoped WHERE $__timeFilter(created_at)
    UNION ALL
    SELECT $__timeInterval(assumeNotNull(closed_at)) AS time, -1 AS delta FROM scoped WHERE closed_at IS NOT NULL AND $__timeFilter(closed_at)
  )
  GROUP BY time
)
SELECT time,
  (SELECT countIf(created_at < $__fromTime AND (closed_at IS NULL OR closed_at >= $__fromTime)) FROM scoped)
    + sum(net_change) OVER (ORDER BY time ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS open_tickets
FROM changes
ORDER BY time`;

const firstResponseTime = `SELECT $__timeInterval(responded_at) AS time,
  quantileExact(0.5)(wait_seconds) AS p50,
  quantileExact(0.9)(wait_seconds) AS p90
FROM (
  SELECT assumeNotNull(first_response_at) AS responded_at, dateDiff('second', created_at, assumeNotNull(first_response_at)) AS wait_seconds
  FROM ${TABLES.tickets} FINAL
  WHERE ${TICKET_FILTERS}
    AND first_response_at IS NOT NULL
    AND $__timeFilter(first_response_at)
)
GROUP BY time
ORDER BY time`;

const resolutionTime = `SELECT $__timeInterval(resolved_at) AS time,
  quantileExact(0.5)(resolution_seconds) AS p50,
  quantileExact(0.9)(resolution_seconds) AS p90
FROM (
  SELECT assumeNotNull(solved_at) AS resolved_at, dateDiff('second', created_at, assumeNotNull(solved_at)) AS resolution_seconds
  FROM ${TABLES.tickets} FINAL
  WHERE ${TICKET_FILTERS}
    AND status IN ${CLOSED_STATUSES}
    AND solved_at IS NOT NULL
    AND $__timeFilter(solved_at)
)
GROUP BY time
ORDER BY time`;

const slaBreaches = `SELECT $__timeInterval(minute) AS time, uniqExactMerge(events) AS sla_breaches
FROM ${TABLES.eventsPerMinute}
WHERE ${TENANT}
  AND kind = 'sla.breached'
  AND $__timeFilter(minute)
  AND ${CHANNEL}
  AND ${ROLLUP_SEGMENT}
GROUP BY time
ORDER BY time`;

const escalations = `SELECT $__timeInterval(occurred_at) AS time, count() AS escalations
FROM ${TABLES.ticketEvents} FINAL
WHERE ${TENANT}
  AND kind = 'ticket.escalated'
  AND $__timeFilter(occurred_at)
  AND ${EVENTS_OF_TICKETS_IN_SCOPE}
GROUP BY time
ORDER BY time`;

const csatOverTime = `SELECT $__timeInterval(occurred_at) AS time, avg(assumeNotNull(csat_score)) AS csat_average, count() AS ratings
FROM ${TABLES.ticketEvents} FINAL
WHERE ${TENANT}
  AND kind = 'csat.rated'
  AND csat_score IS NOT NULL
  AND $__timeFilter(occurred_at)
  AND ${EVENTS_OF_TICKETS_IN_SCOPE}
GROUP BY time
ORDER BY time`;

// ---------------------------------------------------------------------------------------------
// Layout: a row of stats, then two time series per row.

const STATS = 7;
/** Panel ids are kept stable for links; the reopen-rate stat came after the last series panel. */
const REOPEN_RATE_ID = 15;
const STAT = { h: 4 };
const SERIES = { w: 12, h: 8 };
/** Stat `column` of STATS across Grafana's 24 grid columns (widths 3 and 4, no gap). */
const stat = (column: number): GridPos => {
  const x = Math.round((column * 24) / STATS);
  return { x, y: 0, w: Math.round(((column + 1) * 24) / STATS) - x, ...STAT };
};
const series = (row: number, column: number): GridPos => ({ x: column * SERIES.w, y: STAT.h + row * SERIES.h, ...SERIES });

export function supportOperationsDashboard() {
  const panels = [
    statPanel(1, {
      title: 'Open tickets now',
      description: 'Tickets whose latest status is not solved or closed, whatever the time range.',
      sql: openTicketsNow,
      unit: 'short',
      gridPos: stat(0),
    }),
    statPanel(2, {
      title: 'Tickets created',
      description: 'Tickets created in the time range.',
      sql: ticketsCreated,
      unit: 'short',
      gridPos: stat(1),
    }),
    statPanel(3, {
      title: 'Tickets solved',
      description: 'Tickets solved in the time range and still solved or closed (reopened ones count when solved again).',
      sql: ticketsSolved,
      unit: 'short',
      gridPos: stat(2),
    }),
    statPanel(4, {
      title: 'SLA breach rate',
      description: 'Share of the tickets created in the time range whose first-response SLA was breached.',
      sql: slaBreachRate,
      unit: 'percentunit',
      decimals: 1,
      gridPos: stat(3),
    }),
    statPanel(5, {
      title: 'Escalation rate',
      description: 'Share of the tickets created in the time range that were escalated at least once.',
      sql: escalationRate,
      unit: 'percentunit',
      decimals: 1,
      gridPos: stat(4),
    }),
    statPanel(REOPEN_RATE_ID, {
      title: 'Reopen rate',
      description: 'Share of the tickets solved in the time range (and still solved or closed) that were reopened at least once before.',
      sql: reopenRate,
      unit: 'percentunit',
      decimals: 1,
      gridPos: stat(5),
    }),
    statPanel(6, {
      title: 'CSAT average',
      description: 'Average satisfaction of the ratings received in the time range, normalised to 0–100% across helpdesks.',
      sql: csatAverage,
      unit: 'percentunit',
      decimals: 1,
      gridPos: stat(6),
    }),
    timeSeriesPanel(7, {
      title: 'New tickets by channel',
      description: 'Tickets created per interval, one series per channel (per-minute rollup, distinct event ids).',
      sql: newTicketsByChannel,
      unit: 'short',
      drawStyle: 'bars',
      displayName: '${__field.labels.channel}',
      gridPos: series(0, 0),
    }),
    timeSeriesPanel(8, {
      title: 'New tickets by segment',
      description: "Tickets created per interval, one series per customer segment (the plan when a ticket has no segment).",
      sql: newTicketsBySegment,
      unit: 'short',
      drawStyle: 'bars',
      displayName: '${__field.labels.customer_segment}',
      gridPos: series(0, 1),
    }),
    timeSeriesPanel(9, {
      title: 'Backlog',
      description: 'Open tickets at the end of each interval: open at the start of the range, plus created, minus solved or closed.',
      sql: backlogOverTime,
      unit: 'short',
      drawStyle: 'line',
      gridPos: series(1, 0),
    }),
    timeSeriesPanel(10, {
      title: 'SLA breaches',
      description: 'First-response SLA breaches recorded per interval.',
      sql: slaBreaches,
      unit: 'short',
      drawStyle: 'bars',
      gridPos: series(1, 1),
    }),
    timeSeriesPanel(11, {
      title: 'First response time',
      description: 'Median (p50) and p90 time from ticket creation to the first agent reply, by the time of that reply.',
      sql: firstResponseTime,
      unit: 's',
      drawStyle: 'line',
      gridPos: series(2, 0),
    }),
    timeSeriesPanel(12, {
      title: 'Resolution time',
      description: 'Median (p50) and p90 time from ticket creation to solve, by solve time, for tickets that are still solved.',
      sql: resolutionTime,
      unit: 's',
      drawStyle: 'line',
      gridPos: series(2, 1),
    }),
    timeSeriesPanel(13, {
      title: 'Escalations',
      description: 'Escalation events per interval.',
      sql: escalations,
      unit: 'short',
      drawStyle: 'bars',
      gridPos: series(3, 0),
    }),
    timeSeriesPanel(14, {
      title: 'CSAT',
      description: 'Average satisfaction (0–100%) of the ratings received per interval, and how many ratings arrived.',
      sql: csatOverTime,
      unit: 'percentunit',
      decimals: 1,
      drawStyle: 'line',
      rightAxis: { field: 'ratings', unit: 'short' },
      gridPos: series(3, 1),
    }),
  ];

  return dashboardJson({
    uid: 'supportloop-support-operations',
    title: 'Support operations',
    description: 'Volume, backlog, response and resolution times, SLA, escalations and CSAT for one tenant.',
    time: { from: 'now-7d', to: 'now' },
    variables: [
      queryVariable({
        name: 'tenant',
        label: 'Tenant',
        description: 'The tenant every panel shows (a filter, not an access boundary).',
        sql: `SELECT DISTINCT tenant_id FROM ${TABLES.tickets} ORDER BY tenant_id`,
        multi: false,
      }),
      queryVariable({
        name: 'channel',
        label: 'Channel',
        description: 'Channels the ticket came in through.',
        sql: `SELECT DISTINCT channel FROM ${TABLES.tickets} WHERE ${TENANT} ORDER BY channel`,
        multi: true,
      }),
      queryVariable({
        name: 'segment',
        label: 'Segment',
        description: 'Customer segment (the plan when a ticket has no segment).',
        sql: `SELECT DISTINCT ${TICKET_SEGMENT_EXPRESSION} AS customer_segment FROM ${TABLES.tickets} WHERE ${TENANT} AND customer_segment != '' ORDER BY customer_segment`,
        multi: true,
      }),
    ],
    panels,
  });
}
