// Learning from outcomes, the leader's side: configure the reward weights, read a ticket's reward
// and the components behind it.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { DEFAULT_REWARD_WEIGHTS, RewardWeightOverrides, RewardWeights, rewardWeightsFor } from '../../domain/reward.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { rewardWeightOverrides, saveRewardWeightOverrides } from '../../store/tenantSettings.js';
import { ticketRewards } from '../../store/ticketRewards.js';
import { ApiError, ErrorResponse } from '../errors.js';

const WeightsView = Type.Object({ overrides: RewardWeightOverrides, effective: RewardWeights, defaults: RewardWeights });

export const outcomeRoutes: FastifyPluginAsync<{ ch: ClickHouse }> = async (app, { ch }) => {
  const security = [{ apiKey: [] }];
  const view = (overrides: RewardWeightOverrides) => ({ overrides, effective: rewardWeightsFor(overrides), defaults: DEFAULT_REWARD_WEIGHTS });

  app.get('/v1/settings/reward-weights', { schema: { summary: "The tenant's reward weights (overrides, effective, defaults)", tags: ['outcomes'], security, response: { 200: WeightsView, 401: ErrorResponse } } }, async (request) =>
    view(await rewardWeightOverrides(ch, request.tenant.tenantId)),
  );

  app.put<{ Body: RewardWeightOverrides }>(
    '/v1/settings/reward-weights',
    {
      schema: {
        summary: 'Set reward weight overrides (unset keys keep their defaults); applies to outcomes recorded from now on',
        tags: ['outcomes'],
        security,
        body: RewardWeightOverrides,
        response: { 200: WeightsView, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      await saveRewardWeightOverrides(ch, request.tenant.tenantId, request.body, Date.now());
      return view(request.body);
    },
  );

  app.get<{ Params: { ticketId: string } }>(
    '/v1/tickets/:ticketId/reward',
    {
      schema: {
        summary: "A closed ticket's reward with its components",
        tags: ['outcomes'],
        security,
        params: Type.Object({ ticketId: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: {
          200: Type.Object({ ticketId: Type.String(), rewards: Type.Array(Type.Object({ outcomeEventId: Type.String(), at: Type.String(), reward: Type.Number(), components: Type.Array(Type.Unknown()), weights: Type.Record(Type.String(), Type.Number()) })) }),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const rewards = await ticketRewards(ch, request.tenant.tenantId, request.params.ticketId);
      if (rewards.length === 0) throw new ApiError(404, 'reward_not_found', `ticketId: no reward for ticket "${request.params.ticketId}" (its outcome window has not closed)`, 'ticketId');
      return { ticketId: request.params.ticketId, rewards };
    },
  );
};
