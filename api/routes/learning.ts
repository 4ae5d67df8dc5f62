// What supportloop has learned, for leaders who must decide whether to trust it. The draft learner:
// its topics, reply templates, context rules in force, which reply drafts take and the corrections
// behind them (the same fold of the event log that drafts come from, so `asOf` is that fold up to the
// date). The strategy bandit: off-policy evaluation of the learned policy against the logged policy,
// the default strategy and the control arm, and per topic whether asking a clarifying question first
// works better, computed from the credited outcomes in ticket_rewards (`asOf`: outcomes before it).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { banditSettingsFor, modelConfig } from '../../domain/bandit/banditSettings.js';
import { clarifyEffectByTopic } from '../../domain/bandit/clarifyByTopic.js';
import { evaluatePolicies } from '../../domain/bandit/policyEvaluation.js';
import { CORRECTION_CLASSES } from '../../domain/learning/records.js';
import { REPLY_CHOICE_RULES } from '../../domain/learning/replyChoice.js';
import type { TenantLearners } from '../../activities/tenantLearners.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { banditSettingsOverrides } from '../../store/tenantSettings.js';
import { creditedOutcomes } from '../../store/ticketRewards.js';
import { ErrorResponse } from '../errors.js';
import { InstantQuery, isoInstant, Query } from '../querySchemas.js';

const Estimate = Type.Object({ value: Type.Number(), stdError: Type.Number(), lower: Type.Number(), upper: Type.Number() });
const OffPolicyReport = Type.Object({
  rows: Type.Integer(),
  confidence: Type.Number(),
  logged: Estimate,
  ips: Estimate,
  snips: Estimate,
  doublyRobust: Estimate,
  directMethod: Estimate,
  effectiveSampleSize: Type.Number(),
  maxWeight: Type.Number(),
});
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const PolicyEvaluationResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('not-enough-data')]),
  asOf: Nullable(Type.String()),
  defaultStrategy: Type.String(),
  rows: Type.Object({ total: Type.Integer(), training: Type.Integer(), evaluated: Type.Integer(), control: Type.Integer() }),
  splitAt: Nullable(Type.String()),
  confidence: Type.Number(),
  logged: Nullable(Estimate),
  learned: Nullable(OffPolicyReport),
  defaultPolicy: Nullable(OffPolicyReport),
  control: Nullable(Estimate),
  learnedVsControl: Nullable(Estimate),
  learnedVsLogged: Nullable(Estimate),
});

const OpeningOutcome = Type.Object({
  tickets: Type.Integer(),
  meanReward: Type.Number(),
  rewardStdError: Nullable(Type.Number()),
  meanResolutionHours: Nullable(Type.Number()),
  resolutionStdError: Nullable(Type.Number()),
});
const Interval = Type.Object({ value: Type.Number(), lower: Type.Number(), upper: Type.Number() });

const CorrectionCounts = Type.Object(Object.fromEntries(CORRECTION_CLASSES.map((c) => [c, Type.Integer()])));
export const LearnerModelResponse = Type.Object({
  asOf: Nullable(Type.String()),
  modelVersion: Type.String(),
  records: Type.Object({ ticket: Type.Integer(), article: Type.Integer(), feedback: Type.Integer(), outcome: Type.Integer() }),
  topics: Type.Integer(),
  labelledTickets: Type.Integer(),
  indexedCandidates: Type.Integer(),
  templates: Type.Integer(),
  contentClusters: Type.Integer(),
  activeRules: Type.Array(
    Type.Object({
      ruleId: Type.String(), feature: Type.String(), value: Type.String(), content: Type.String(), support: Type.Integer(), topics: Type.Array(Type.String()),
      recall: Type.Number(), specificity: Type.Number(), lift: Type.Number(), position: Type.Number(),
    }),
  ),
  replyChoice: Type.Object({
    rule: Type.Union(REPLY_CHOICE_RULES.map((r) => Type.Literal(r))),
    comparisons: Type.Integer(),
    meanDistance: Nullable(Type.Object(Object.fromEntries(REPLY_CHOICE_RULES.map((r) => [r, Type.Number()])))),
  }),
  corrections: Type.Object({ total: Type.Integer(), byClass: CorrectionCounts, byContext: Type.Record(Type.String(), CorrectionCounts) }),
  calibration: Type.Array(Type.Object({ from: Type.Number(), to: Type.Number(), seen: Type.Integer(), accuracy: Nullable(Type.Number()) })),
});

// Infinity (no spread from a single ticket) is not JSON: report it as null.
const finiteOrNull = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);

export const learningRoutes: FastifyPluginAsync<{ ch: ClickHouse; learners: TenantLearners }> = async (app, { ch, learners }) => {
  const security = [{ apiKey: [] }];

  app.get<{ Querystring: { asOf?: string } }>(
    '/v1/learning/model',
    {
      schema: {
        summary: "What the draft learner has learned for this tenant: topics, reply templates, context rules in force, the learned reply choice and the corrections behind them",
        description: 'The same fold of the event log that drafts come from (refreshed after every solve, outcome and thumbs). With `asOf`, the learner built from what was learned before that date.',
        tags: ['learning'],
        security,
        querystring: Query({ asOf: Type.Optional(InstantQuery('what was learned before this time')) }),
        response: { 200: LearnerModelResponse, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const asOf = isoInstant(request.query.asOf);
      const learner = asOf ? await learners.asOf(request.tenant.tenantId, asOf) : await learners.current(request.tenant.tenantId);
      return { asOf: asOf ?? null, ...learner.snapshotStats() };
    },
  );

  app.get<{ Querystring: { asOf?: string; trainShare?: number; confidence?: number } }>(
    '/v1/learning/policy-evaluation',
    {
      schema: {
        summary: 'Estimated reward of the learned strategy policy vs the logged policy, the default strategy and the control arm (IPS, SNIPS, doubly robust)',
        description: 'The learned policy is the bandit folded from the earliest `trainShare` of credited outcomes, evaluated on the later bandit-logged outcomes only. With `asOf`, only outcomes before that date.',
        tags: ['learning'],
        security,
        querystring: Query({
          asOf: Type.Optional(InstantQuery('only outcomes before this time')),
          trainShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
          confidence: Type.Optional(Type.Number({ minimum: 0.5, maximum: 0.999 })),
        }),
        response: { 200: PolicyEvaluationResponse, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const tenantId = request.tenant.tenantId;
      const { trainShare, confidence } = request.query;
      const asOf = isoInstant(request.query.asOf);
      const [settings, outcomes] = await Promise.all([banditSettingsOverrides(ch, tenantId).then(banditSettingsFor), creditedOutcomes(ch, tenantId, { before: asOf })]);
      const rows = outcomes.map((o) => ({ id: o.id, at: o.at, features: o.features, arm: o.arm, propensity: o.propensity, reward: o.reward, policy: o.policy }));
      const result = evaluatePolicies(rows, { config: modelConfig(settings), defaultStrategy: settings.defaultStrategy, trainShare, confidence });
      const { defaultStrategy: defaultPolicy, ...rest } = result;
      return { ...rest, defaultPolicy, asOf: asOf ?? null, defaultStrategy: settings.defaultStrategy };
    },
  );

  app.get<{ Querystring: { asOf?: string; minTicketsPerOpening?: number; confidence?: number } }>(
    '/v1/learning/clarify-by-topic',
    {
      schema: {
        summary: 'Per topic: does asking a clarifying question first end better (reward) and faster (hours to resolve) than answering directly?',
        description: 'From the credited outcomes of bandit-chosen drafts, each weighted by 1/propensity; a verdict only with enough tickets on both sides and an interval excluding zero.',
        tags: ['learning'],
        security,
        querystring: Query({
          asOf: Type.Optional(InstantQuery('only outcomes before this time')),
          minTicketsPerOpening: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          confidence: Type.Optional(Type.Number({ minimum: 0.5, maximum: 0.999 })),
        }),
        response: {
          200: Type.Object({
            asOf: Nullable(Type.String()),
            topics: Type.Array(
              Type.Object({
                topic: Type.String(),
                clarify: OpeningOutcome,
                answer: OpeningOutcome,
                rewardDifference: Nullable(Interval),
                resolutionHoursDifference: Nullable(Interval),
                verdict: Type.Union(['clarify-first', 'answer-first', 'no-clear-difference', 'not-enough-data'].map((v) => Type.Literal(v))),
                summary: Type.String(),
              }),
            ),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { minTicketsPerOpening, confidence } = request.query;
      const asOf = isoInstant(request.query.asOf);
      const outcomes = await creditedOutcomes(ch, request.tenant.tenantId, { before: asOf, withResolution: true });
      const effects = clarifyEffectByTopic(
        outcomes.filter((o) => o.policy === 'bandit').map((o) => ({ topic: o.topic, strategyId: o.arm, reward: o.reward, resolutionSeconds: o.resolutionSeconds, propensity: o.propensity })),
        { minTicketsPerOpening, confidence },
      );
      const opening = (o: (typeof effects)[number]['clarify']) => ({ ...o, rewardStdError: finiteOrNull(o.rewardStdError), resolutionStdError: finiteOrNull(o.resolutionStdError) });
      return { asOf: asOf ?? null, topics: effects.map((e) => ({ ...e, clarify: opening(e.clarify), answer: opening(e.answer) })) };
    },
  );
};
