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
import { settingsRoutes } from '../settingsRoutes.js';

export const outcomeRoutes: FastifyPluginAsync<{ ch: ClickHouse }> = async (app, { ch }) => {
  const security = [{ apiKey: [] }];
  settingsRoutes<RewardWeightOverrides>(app, ch, {
    path: '/v1/settings/reward-weights',
    tag: 'outcomes',
    what: 'reward weights',
    applies: 'applies to outcomes recorded from now on',
    overrides: RewardWeightOverrides,
    full: RewardWeights,
    effective: rewardWeightsFor,
    defaults: DEFAULT_REWARD_WEIGHTS,
    load: rewardWeightOverrides,
    save: saveRewardWeightOverrides,
  });
  settingsRoutes<BanditSettingsOverrides>(app, ch, {
    path: '/v1/settings/bandit',
    tag: 'outcomes',
    what: 'strategy-bandit settings',
    applies: 'exploration, priors, context features read, control-arm share, default strategy; applies to drafts from now on',
    overrides: BanditSettingsOverrides,
    full: BanditSettings,
    effective: banditSettingsFor,
    defaults: DEFAULT_BANDIT_SETTINGS,
    load: banditSettingsOverrides,
    save: saveBanditSettingsOverrides,
  });

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
