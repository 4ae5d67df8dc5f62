// Learning which response strategy works: every suggestion records the strategy it was drafted in and
// how it was chosen (bandit or control arm, with the propensity off-policy evaluation needs), and every
// ticket reward records the suggestion it is credited to, so the bandit, off-policy evaluation and
// the dashboards all read one table (ticket_rewards FINAL WHERE credited = 1).
import { addColumns, type DdlContext } from '../ddl.js';
import { RETIRED_TABLES, TABLES } from '../tables.js';

export const version = 5;
export const name = 'strategies';

export function statements(ctx: DdlContext): string[] {
  return [
    ...addColumns(ctx, TABLES.suggestions, [
      // Strategy id as domain/strategies.ts strategyId makes it, e.g. "answer.concise.plain".
      'strategy LowCardinality(String)',
      // 'bandit': the contextual bandit chose; 'control': install-time content model + the tenant's default strategy.
      'policy LowCardinality(String)',
      // Probability the policy gave this strategy (1 for control).
      'propensity Float32',
      'explored UInt8',
      // Posterior mean of the chosen arm's reward in this context.
      'expected_reward Float32',
      // The one-hot context features the bandit read ("name=value").
      'bandit_features Array(String)',
    ]),
    ...addColumns(ctx, TABLES.ticketRewards, [
      // The credited suggestion: the latest one shown before the ticket's first agent reply.
      'suggestion_id String',
      'strategy LowCardinality(String)',
      'policy LowCardinality(String)',
      'propensity Float32',
      'bandit_features Array(String)',
      // 1 only when the credited draft reached the customer (first reply accepted or lightly edited).
      'credited UInt8',
    ]),
    // Per-tenant bandit settings (JSON of BanditSettings overrides); '' = defaults.
    ...addColumns(ctx, RETIRED_TABLES.tenantSettings, ["bandit_settings String DEFAULT ''"]),
  ];
}
