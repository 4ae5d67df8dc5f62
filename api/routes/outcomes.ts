// Learning from outcomes, the leader's side: configure the reward weights and the strategy bandit,
// read a ticket's reward, the components behind it and the suggestion it was credited to.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { BanditSettings, BanditSettingsOverrides, banditSettingsFor, DEFAULT_BANDIT_SETTINGS } from '../../domain/bandit/banditSettings.js';
import { DEFAULT_REWARD_WEIGHTS, RewardWeightOverrides, RewardWeights, rewardWeightsFor } from '../../domain/reward.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { banditSettingsOverrides, rewardWeightOverrides, saveBanditSettingsOverrides, saveRewardWeightOverrides } from '../../store/tenantSettings.js';
import { ticketRewards } from '../../store/ticketRewards.js';
import { ApiError, ErrorResponse } from '../errors.js';

const WeightsView = Type.Object({ overrides: RewardWeightOverrides, effective: RewardWeights, defaults: RewardWeights });
const BanditSettingsView = Type.Object({ overrides: BanditSettingsOverrides, effective: BanditSettings, defaults: BanditSettings });

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

  const banditView = (overrides: BanditSettingsOverrides) => ({ overrides, effective: banditSettingsFor(overrides), defaults: DEFAULT_BANDIT_SETTINGS });

  app.get('/v1/settings/bandit', { schema: { summary: "The tenant's strategy-bandit settings (overrides, effective, defaults)", tags: ['outcomes'], security, response: { 200: BanditSettingsView, 401: ErrorResponse } } }, async (request) =>
    banditView(await banditSettingsOverrides(ch, request.tenant.tenantId)),
  );

  app.put<{ Body: BanditSettingsOverrides }>(
    '/v1/settings/bandit',
    {
      schema: {
        summary: 'Set strategy-bandit overrides (unset keys keep their defaults): exploration, priors, context features read, control-arm share, default strategy; applies to drafts from now on',
        tags: ['outcomes'],
        security,
        body: BanditSettingsOverrides,
        response: { 200: BanditSettingsView, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      await saveBanditSettingsOverrides(ch, request.tenant.tenantId, request.body, Date.now());
      return banditView(request.body);
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
          200: Type.Object({ ticketId: Type.String(), rewards: Type.Array(Type.Object({ outcomeEventId: Type.String(), at: Type.String(), reward: Type.Number(), components: Type.Array(Type.Unknown()), weights: Type.Record(Type.String(), Type.Number()), suggestionId: Type.String(), strategy: Type.String(), policy: Type.String(), credited: Type.Boolean() })) }),
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
