// The "Outcomes" dashboard: do tickets end better, and which response strategy works for whom?
//
// Sources (all ReplacingMergeTree, read with FINAL):
// ticket_rewards (store/migrations/004_outcomes.ts + 005_strategies.ts) — one row per ticket outcome
// (the `ticket.outcome` event when a solved ticket's outcome window closes; a ticket reopened after
// it gets another), with the reward in 0..1 under the tenant's weights at the time, dated by the
// outcome (`at`), and the suggestion it is credited to: its strategy, the policy that chose it
// ('bandit' or 'control', the randomized control arm), its propensity and `credited` (1 when that
// draft reached the customer — the only rows the bandit learns from). Every panel reads one outcome
// per ticket, its latest (TICKET_OUTCOMES): a reopened ticket's later reward supersedes its first, as
// in the bandit's learning rows (store/ticketRewards.ts creditedOutcomes), so a reopened ticket is not
// counted twice and its first, happier outcome does not linger. The topic filter applies to the
// ticket's topic stored with the reward, on every panel, baseline included.
// suggestions — every draft served, with the strategy it was drafted in and the policy that chose it.
// ticket_events — the outcome events' details (resolution time) and, for the regret panel, the
// simulator's oracle figures.
//
// Regret vs the simulator's oracle, and why it reaches ClickHouse this way: the simulator knows, per
// ticket, the expected reward of the best strategy and of the one the customer received. It sends
// them like any helpdesk sends its own fields — in the customer's custom fields of the solve event
// (`simulator.oracle_reward`, `simulator.received_reward`), which the generic webhook passes through
// into ticket_events.custom. No product code reads them; only this panel does, and it is empty for
// real tenants. That keeps simulator truth out of product logic without an import path for it.
import { LATEST_REWARD_PER_TICKET, TABLES } from '../store/tables.js';
import { BASELINE_DAYS, BASELINE_STYLE, overTimeWithBaseline, TOPIC, type Source } from './learning.js';
import { columnOf, dashboardJson, displayNameOf, queryVariable, statPanel, tablePanel, TENANT, timeSeriesPanel, type GridPos } from './panels.js';

/** Per ticket of the tenant its latest outcome (see the header); columns as in ticket_rewards. */
const TICKET_OUTCOMES = `(
  SELECT *
  FROM ${TABLES.ticketRewards} FINAL
  WHERE ${TENANT}
  ${LATEST_REWARD_PER_TICKET}
)`;
/** Rewards carry the ticket's topic. */
const REWARD_FILTERS = `${TENANT}\n  AND ${TOPIC}`;
/** The tenant's first reward (whatever the topic filter): when its tickets' outcomes started counting. */
const REWARDS_FROM = `(SELECT minOrNull(at) FROM ${TABLES.ticketRewards} FINAL WHERE ${TENANT})`;
const REWARDS: Source = { from: TICKET_OUTCOMES, time: 'at', filters: REWARD_FILTERS, inBaseline: `at < ${REWARDS_FROM} + INTERVAL ${BASELINE_DAYS} DAY` };
/** A ticket's segment: its customer segment, else its plan (as on Support operations), else (none). */
const REWARD_SEGMENT = "if(segment != '', segment, if(plan != '', plan, '(none)'))";
/** The opening of a strategy id ("clarify.concise.plain" → clarify). */
const OPENING = "splitByChar('.', strategy)[1]";
/** Simulator custom fields on solve events (see the header). */
export const ORACLE_FIELD = 'simulator.oracle_reward';
export const RECEIVED_FIELD = 'simulator.received_reward';

const REWARD_BASELINE_TEXT = `The install baseline (dashed) is the mean reward over the tenant's first ${BASELINE_DAYS} days of rewards, counted from its earliest ticket outcome with a reward (computed in SQL, whatever the time range; the topic filter applies to it too, the start date does not).`;
const REWARD_TEXT =
  "Reward: one number per ticket in 0..1 (0.5-ish = nothing happened either way), computed when a solved ticket's outcome window closes, under the tenant's reward weights at the time: bonus for a first-reply resolution, penalties for follow-ups (thank-yous excluded), escalation, reopens, slow resolution and (if weighted) SLA breach, CSAT centred on 0.5. A ticket reopened after its outcome is rewarded again when it closes again, and only that latest reward counts (the bandit learns it the same way). Dated by the outcome; the topic filter applies to the ticket's topic.";
const CREDITED_TEXT = "Credited outcomes only: the ticket's first agent reply sent the draft (accepted or lightly edited), so the outcome says something about the draft's strategy — the rows the bandit learns from.";

// ---------------------------------------------------------------------------------------------
// Panel SQL

const ticketsRewarded = `SELECT uniqExact(ticket_id) AS tickets_rewarded
FROM ${TICKET_OUTCOMES}
WHERE ${REWARD_FILTERS}
  AND $__timeFilter(at)`;

const creditedShare = `SELECT avgOrNull(credited) AS credited_share
FROM ${TICKET_OUTCOMES}
WHERE ${REWARD_FILTERS}
  AND $__timeFilter(at)`;

const rewardOverTime = overTimeWithBaseline({ name: 'mean_reward', expression: 'reward' }, undefined, REWARDS);

const rewardBySegmentOverTime = `SELECT $__timeInterval(at) AS time, ${REWARD_SEGMENT} AS customer_segment, avg(reward) AS mean_reward
FROM ${TICKET_OUTCOMES}
WHERE ${REWARD_FILTERS}
  AND $__timeFilter(at)
GROUP BY time, customer_segment
ORDER BY time, customer_segment`;

const rewardPerTopic = `SELECT topic, uniqExact(ticket_id) AS tickets, avg(reward) AS mean_reward
FROM ${TICKET_OUTCOMES}
WHERE ${REWARD_FILTERS}
  AND $__timeFilter(at)
GROUP BY topic
ORDER BY tickets DESC, topic`;

const rewardByStrategyOverTime = `SELECT $__timeInterval(at) AS time, strategy, avg(reward) AS mean_reward
FROM ${TICKET_OUTCOMES}
WHERE ${REWARD_FILTERS}
  AND credited = 1
  AND $__timeFilter(at)
GROUP BY time, strategy
ORDER BY time, strategy`;

/** Every outcome of a ticket on either arm, credited or not: the randomized comparison (intention to treat). */
const rewardByPolicyOverTime = `SELECT $__timeInterval(at) AS time, policy, avg(reward) AS mean_reward
FROM ${TICKET_OUTCOMES}
WHERE ${REWARD_FILTERS}
  AND policy != ''
  AND $__timeFilter(at)
GROUP BY time, policy
ORDER BY time, policy`;

const strategyShareOverTime = `SELECT $__timeInterval(message_at) AS time, if(policy = 'control', 'control arm', strategy) AS arm, count() / sum(count()) OVER (PARTITION BY time) AS draft_share
FROM ${TABLES.suggestions} FINAL
WHERE ${TENANT}
  AND ${TOPIC}
  AND strategy != ''
  AND $__timeFilter(message_at)
GROUP BY time, arm
ORDER BY time, arm`;

const rewardPerSegmentAndStrategy = `SELECT ${REWARD_SEGMENT} AS customer_segment, strategy, uniqExact(ticket_id) AS tickets, avg(reward) AS mean_reward
FROM ${TICKET_OUTCOMES}
WHERE ${REWARD_FILTERS}
  AND credited = 1
  AND $__timeFilter(at)
GROUP BY customer_segment, strategy
ORDER BY customer_segment, mean_reward DESC, strategy`;

/** Hours from creation to solve, from the outcome event the reward was computed from. */
const OUTCOME_HOURS = "JSONExtract(e.details, 'resolutionSeconds', 'Nullable(Float64)') / 3600";
/** Propensity-weighted (1/propensity) per opening: the same estimator as domain/bandit/clarifyByTopic.ts. */
const R_OPENING = OPENING.replace('strategy', 'r.strategy');
const weightedBy = (value: string, opening: string) => {
  const rows = `${R_OPENING} = '${opening}' AND ${value} IS NOT NULL`;
  return `sumIf(${value} / r.propensity, ${rows}) / nullIf(sumIf(1 / r.propensity, ${rows}), 0)`;
};
const clarifyVersusAnswer = `SELECT r.topic AS topic,
  uniqExactIf(r.ticket_id, ${R_OPENING} = 'clarify') AS clarify_tickets,
  uniqExactIf(r.ticket_id, ${R_OPENING} = 'answer') AS answer_tickets,
  ${weightedBy(OUTCOME_HOURS, 'clarify')} AS clarify_hours,
  ${weightedBy(OUTCOME_HOURS, 'answer')} AS answer_hours,
  clarify_hours - answer_hours AS hours_difference,
  ${weightedBy('r.reward', 'clarify')} AS clarify_reward,
  ${weightedBy('r.reward', 'answer')} AS answer_reward
FROM ${TICKET_OUTCOMES} AS r
LEFT JOIN (
  SELECT event_id, any(details) AS details
  FROM ${TABLES.ticketEvents} FINAL
  WHERE ${TENANT}
    AND kind = 'ticket.outcome'
  GROUP BY event_id
) AS e ON e.event_id = r.outcome_event_id
WHERE r.${TENANT}
  AND $__conditionalAll(r.topic IN (\${topic:singlequote}), $topic)
  AND r.credited = 1
  AND r.propensity > 0
  AND $__timeFilter(r.at)
GROUP BY topic
ORDER BY clarify_tickets + answer_tickets DESC, topic`;

const regretVersusOracle = `WITH simulated AS (
  SELECT ticket_id, min(occurred_at) AS solved_at,
    toFloat64OrNull(any(custom['${ORACLE_FIELD}'])) AS oracle,
    toFloat64OrNull(any(custom['${RECEIVED_FIELD}'])) AS received
  FROM ${TABLES.ticketEvents} FINAL
  WHERE ${TENANT}
    AND kind = 'ticket.solved'
    AND mapContains(custom, '${ORACLE_FIELD}')
    AND $__conditionalAll(ticket_id IN (SELECT ticket_id FROM ${TABLES.ticketRewards} FINAL WHERE ${TENANT} AND topic IN (\${topic:singlequote})), $topic)
  GROUP BY ticket_id
)
SELECT $__timeInterval(solved_at) AS time, avg(oracle) AS oracle_reward, avg(received) AS received_reward, sum(oracle - received) AS regret
FROM simulated
WHERE $__timeFilter(solved_at)
GROUP BY time
ORDER BY time`;

// ---------------------------------------------------------------------------------------------
// Layout: stats, then two panels per row. Outcomes move slowly: series are at least daily.

const STAT_HEIGHT = 4;
const SERIES = { w: 12, h: 8 };
const MIN_INTERVAL = '1d';
const REWARD_AXIS = { min: 0, max: 1 };
const stat = (x: number, w: number): GridPos => ({ x, y: 0, w, h: STAT_HEIGHT });
const series = (row: number, column: number, w = SERIES.w): GridPos => ({ x: column * SERIES.w, y: STAT_HEIGHT + row * SERIES.h, w, h: SERIES.h });
/** A table's mean reward as a 0..1 gauge. */
const MEAN_REWARD_COLUMN = columnOf('mean_reward', 'Mean reward', 'none', 2, [{ id: 'custom.cellOptions', value: { type: 'gauge', mode: 'basic' } }, { id: 'min', value: 0 }, { id: 'max', value: 1 }]);
const rewardSeries = { unit: 'none', decimals: 2, axis: REWARD_AXIS, drawStyle: 'line' as const, minInterval: MIN_INTERVAL };

export function outcomesDashboard() {
  const panels = [
    statPanel(1, {
      title: 'Tickets with a reward',
      description: "Tickets whose latest outcome falls in the time range (a ticket reopened after its outcome and closed again counts once, at its latest outcome). Rewards are computed when a solved ticket's outcome window closes; the topic filter applies to the ticket's topic.",
      sql: ticketsRewarded,
      unit: 'short',
      gridPos: stat(0, 6),
    }),
    statPanel(2, {
      title: 'Outcomes credited to a strategy',
      description: `Share of the tickets with an outcome in the time range whose draft reached the customer (the agent's first reply was the draft, accepted or lightly edited). ${CREDITED_TEXT}`,
      sql: creditedShare,
      unit: 'percentunit',
      decimals: 1,
      gridPos: stat(6, 6),
    }),
    timeSeriesPanel(3, {
      title: 'Mean reward',
      description: `Mean reward of the ticket outcomes per interval. ${REWARD_TEXT} ${REWARD_BASELINE_TEXT}`,
      sql: rewardOverTime,
      ...rewardSeries,
      overrides: [displayNameOf('mean_reward', 'Mean reward'), BASELINE_STYLE],
      gridPos: { ...stat(12, 12), h: STAT_HEIGHT },
    }),
    timeSeriesPanel(4, {
      title: 'Mean reward by strategy',
      description: `Mean reward per interval, one series per response strategy (opening.length.tone). ${CREDITED_TEXT} ${REWARD_TEXT}`,
      sql: rewardByStrategyOverTime,
      ...rewardSeries,
      displayName: '${__field.labels.strategy}',
      gridPos: series(0, 0),
    }),
    timeSeriesPanel(5, {
      title: 'Bandit vs control arm',
      description: `Mean reward per interval on each arm: bandit (the contextual bandit chose the strategy) and control (a stable share of tickets, by ticket id, keeps the install-time content model and the tenant's default strategy). Every outcome of the arm's tickets, credited or not, so the comparison stays randomized. ${REWARD_TEXT}`,
      sql: rewardByPolicyOverTime,
      ...rewardSeries,
      displayName: '${__field.labels.policy}',
      gridPos: series(0, 1),
    }),
    timeSeriesPanel(6, {
      title: 'Strategy share of drafts',
      description: "Share of the drafts served per interval in each strategy chosen by the bandit, and on the control arm, stacked (drafts for customer messages that arrived in the interval; the topic filter applies to the predicted topic). Exploration shows as the small shares of strategies the bandit does not expect to be best.",
      sql: strategyShareOverTime,
      unit: 'percentunit',
      decimals: 1,
      axis: REWARD_AXIS,
      drawStyle: 'bars',
      stacked: true,
      displayName: '${__field.labels.arm}',
      minInterval: MIN_INTERVAL,
      gridPos: series(1, 0),
    }),
    timeSeriesPanel(7, {
      title: 'Mean reward by segment',
      description: `Mean reward per interval, one series per customer segment (the plan when the ticket's customer has no segment, (none) when neither is known). ${REWARD_TEXT}`,
      sql: rewardBySegmentOverTime,
      ...rewardSeries,
      displayName: '${__field.labels.customer_segment}',
      gridPos: series(1, 1),
    }),
    tablePanel(8, {
      title: 'Mean reward per segment and strategy',
      description: `Per customer segment and strategy over the time range: tickets and mean reward, best strategy first within a segment. ${CREDITED_TEXT}`,
      sql: rewardPerSegmentAndStrategy,
      unit: 'short',
      overrides: [
        columnOf('customer_segment', 'Segment', 'string'),
        columnOf('strategy', 'Strategy', 'string'),
        columnOf('tickets', 'Tickets', 'short'),
        MEAN_REWARD_COLUMN,
      ],
      gridPos: series(2, 0),
    }),
    tablePanel(9, {
      title: 'Mean reward by topic',
      description: `Per ticket topic over the time range: tickets with a reward and their mean reward (each ticket's latest outcome). ${REWARD_TEXT}`,
      sql: rewardPerTopic,
      unit: 'short',
      sortBy: { displayName: 'Tickets', desc: true },
      overrides: [
        columnOf('topic', 'Topic', 'string'),
        columnOf('tickets', 'Tickets', 'short'),
        MEAN_REWARD_COLUMN,
      ],
      gridPos: series(2, 1),
    }),
    tablePanel(10, {
      title: 'Clarify first vs answer first, per topic',
      description: `Per topic over the time range: tickets whose reply asked a clarifying question first vs answered directly, their mean hours from creation to solve and mean reward. Each outcome weighs 1 / the propensity its strategy was chosen with, so both openings are compared on the same mix of customers (the bandit asks first more often where it expects it to help). Negative hours difference: asking first resolved faster. ${CREDITED_TEXT}`,
      sql: clarifyVersusAnswer,
      unit: 'short',
      overrides: [
        columnOf('topic', 'Topic', 'string'),
        columnOf('clarify_tickets', 'Asked first', 'short'),
        columnOf('answer_tickets', 'Answered first', 'short'),
        columnOf('clarify_hours', 'Hours to solve, asked first', 'h', 1),
        columnOf('answer_hours', 'Hours to solve, answered first', 'h', 1),
        columnOf('hours_difference', 'Difference (h)', 'h', 1),
        columnOf('clarify_reward', 'Reward, asked first', 'none', 2),
        columnOf('answer_reward', 'Reward, answered first', 'none', 2),
      ],
      gridPos: series(3, 0, 24),
    }),
    timeSeriesPanel(11, {
      title: 'Regret vs simulator oracle',
      description: `Only for tickets played by the supportloop simulator: per interval, the mean expected reward of the best strategy for each ticket under the simulator's hidden rules (oracle), the mean expected reward of the strategy the customer actually received, and their summed difference (regret, right axis), by solve time. The simulator sends these figures as the customer's custom fields ${ORACLE_FIELD} and ${RECEIVED_FIELD} on the solve; real tenants have none, and the product never reads them.`,
      sql: regretVersusOracle,
      unit: 'none',
      decimals: 3,
      drawStyle: 'line',
      minInterval: MIN_INTERVAL,
      rightAxis: { field: 'regret', unit: 'none' },
      overrides: [displayNameOf('oracle_reward', 'Oracle (best strategy)'), displayNameOf('received_reward', 'Strategy received'), displayNameOf('regret', 'Regret (sum)')],
      gridPos: series(4, 0, 24),
    }),
  ];

  return dashboardJson({
    uid: 'supportloop-outcomes',
    title: 'Outcomes',
    description: `Whether tickets end better for one tenant: the reward of their outcomes against the first ${BASELINE_DAYS} days of rewards, by segment and topic; which response strategies work for whom, bandit against the control arm; whether asking first resolves faster per topic; and, for simulated tenants, regret against the simulator's oracle.`,
    time: { from: 'now-90d', to: 'now' },
    variables: [
      queryVariable({
        name: 'tenant',
        label: 'Tenant',
        description: 'The tenant every panel shows (a filter, not an access boundary): tenants with ticket rewards.',
        sql: `SELECT DISTINCT tenant_id FROM ${TABLES.ticketRewards} FINAL ORDER BY tenant_id`,
        multi: false,
      }),
      queryVariable({
        name: 'topic',
        label: 'Topic',
        description: "Topics of the tenant's rewarded tickets.",
        sql: `SELECT DISTINCT topic FROM ${TABLES.ticketRewards} FINAL WHERE ${TENANT} ORDER BY topic`,
        multi: true,
      }),
    ],
    panels,
  });
}
