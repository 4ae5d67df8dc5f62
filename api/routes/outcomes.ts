// Learning from outcomes, the leader's side: configure the reward weights and the strategy bandit,
// read a ticket's reward, the components behind it and the suggestion it was credited to.
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { BanditSettings, BanditSettingsOverrides, banditSettingsFor, DEFAULT_BANDIT_SETTINGS } from '../../domain/bandit/banditSettings.js';
import { DEFAULT_REWARD_WEIGHTS, RewardWeightOverrides, RewardWeights, rewardWeightsFor } from '../../domain/reward.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { banditSettingsOverrides, rewardWeightOverrides, saveBanditSettingsOverrides, saveRewardWeightOverrides } from '../../store/tenantSettings.js';
import { ticketRewards } from '../../store/ticketRewards.js';
import { ApiError, ErrorResponse } from '../errors.js';

/** A per-tenant settings kind: GET shows overrides, effective values and defaults; PUT replaces the overrides. */
interface SettingsKind<O extends object> {
  path: string;
  what: string;
  applies: string;
  overrides: TSchema;
  full: TSchema;
  effective: (overrides: O) => unknown;
  defaults: unknown;
  load: (ch: ClickHouse, tenantId: string) => Promise<O>;
  save: (ch: ClickHouse, tenantId: string, overrides: O, nowMs: number) => Promise<void>;
}

function settingsRoutes<O extends object>(app: FastifyInstance, ch: ClickHouse, kind: SettingsKind<O>): void {
  const security = [{ apiKey: [] }];
  const View = Type.Object({ overrides: kind.overrides, effective: kind.full, defaults: kind.full });
  const view = (overrides: O) => ({ overrides, effective: kind.effective(overrides), defaults: kind.defaults });
  app.get(kind.path, { schema: { summary: `The tenant's ${kind.what} (overrides, effective, defaults)`, tags: ['outcomes'], security, response: { 200: View, 401: ErrorResponse } } }, async (request) =>
    view(await kind.load(ch, request.tenant.tenantId)),
  );
  app.put<{ Body: O }>(
    kind.path,
    {
      schema: {
        summary: `Set ${kind.what} overrides (unset keys keep their defaults); ${kind.applies}`,
        tags: ['outcomes'],
        security,
        body: kind.overrides,
        response: { 200: View, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      // The body schema is kind.overrides, validated before this runs.
      const overrides = request.body as O;
      await kind.save(ch, request.tenant.tenantId, overrides, Date.now());
      return view(overrides);
    },
  );
}

export const outcomeRoutes: FastifyPluginAsync<{ ch: ClickHouse }> = async (app, { ch }) => {
  const security = [{ apiKey: [] }];
  settingsRoutes<RewardWeightOverrides>(app, ch, {
    path: '/v1/settings/reward-weights',
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
