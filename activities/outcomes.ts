// When a ticket's outcome window closes: its reward under the tenant's weights, stored with the
// components that explain it and credited to the suggestion the agent's first reply was built from
// (store/ticketRewards.ts rewardCredit). The lifecycle then refreshes the tenant's bandit.
import type { DerivedEvent } from '../domain/events.js';
import { computeReward, outcomeSignalsFromDetails, rewardWeightsFor, type RewardResult } from '../domain/reward.js';
import type { TicketState } from '../domain/ticketState.js';
import type { BatchingWriter } from '../store/batchingWriter.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { rewardWeightOverrides } from '../store/tenantSettings.js';
import { rewardCredit, writeTicketReward } from '../store/ticketRewards.js';

export function createOutcomeActivities(deps: { ch: ClickHouse; writer: BatchingWriter; now: () => number }) {
  return {
    async recordReward(input: { ticket: TicketState; outcome: DerivedEvent }): Promise<Pick<RewardResult, 'reward'>> {
      const weights = rewardWeightsFor(await rewardWeightOverrides(deps.ch, input.ticket.tenantId));
      const thanks = Number(input.outcome.details.thanksFollowUps ?? 0);
      const result = computeReward(outcomeSignalsFromDetails(input.outcome.details, thanks), weights);
      const credit = await rewardCredit(deps.ch, input.ticket.tenantId, input.ticket.ticketId);
      await writeTicketReward(deps.writer, input.ticket, input.outcome.eventId, input.outcome.occurredAt, result, deps.now(), credit);
      return { reward: result.reward };
    },
  };
}
