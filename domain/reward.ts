// The reward of a ticket: one number in 0..1 from its outcome (the `ticket.outcome` event), built so a
// support leader can read why and change what counts. Each signal a leader trusts is a component with
// a value (what happened), a weight (how much it counts, configurable per tenant) and a contribution
// (what it did to the reward). Weights are magnitudes; the direction of each signal is fixed (an
// escalation can never be made to raise the reward).
//
// reward = (Σ signed weight × value − lowest possible) / (highest possible − lowest possible), so
// 0 = every penalty at its cap and the worst CSAT, 1 = solved after the first reply with perfect CSAT,
// and every component moves the reward in its direction (no clamping that would hide a penalty).
import { Type, type Static } from '@sinclair/typebox';

const Magnitude = (description: string, maximum = 10) => Type.Number({ minimum: 0, maximum, description });

export const RewardWeights = Type.Object(
  {
    resolvedOnFirstReply: Magnitude('Bonus when the ticket was solved after the first reply: no follow-up (a thank-you does not count), no reopen, no escalation.'),
    perFollowUp: Magnitude('Penalty per customer follow-up after the first reply (thank-yous excluded), up to maxFollowUps.'),
    escalation: Magnitude('Penalty when the ticket was escalated.'),
    perReopen: Magnitude('Penalty per reopen within the outcome window, up to maxReopens.'),
    csat: Magnitude('Weight of CSAT, centred: CSAT 1 adds it, CSAT 0 subtracts it, 0.5 or no rating is neutral.'),
    slowResolution: Magnitude('Full penalty when resolution took twice the target or longer; linear from the target up.'),
    slaBreach: Magnitude('Penalty when the first-response SLA breached (off by default: it measures staffing, not the reply).'),
    resolutionTargetHours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 365, description: 'Resolution time that counts as on time, in hours.' }),
    maxFollowUps: Type.Integer({ minimum: 1, maximum: 20, description: 'Follow-ups beyond this are not penalised further.' }),
    maxReopens: Type.Integer({ minimum: 1, maximum: 20, description: 'Reopens beyond this are not penalised further.' }),
  },
  { additionalProperties: false },
);
export type RewardWeights = Static<typeof RewardWeights>;

/** A tenant's configuration: any subset of the weights; the rest keep their defaults. */
export const RewardWeightOverrides = Type.Partial(RewardWeights, { additionalProperties: false });
export type RewardWeightOverrides = Static<typeof RewardWeightOverrides>;

/**
 * Defaults, each with its reason. Escalation and CSAT weigh most: they are the signals leaders already
 * report on. A clean first-reply resolution is the clearest sign the draft was right. A follow-up costs
 * a third of an escalation (the customer had to ask again, but the ticket stayed in first line); a
 * reopen two-thirds (the answer looked right and was not). Slowness is a tiebreaker: resolution time
 * depends on queues as much as on the reply.
 */
export const DEFAULT_REWARD_WEIGHTS: RewardWeights = {
  resolvedOnFirstReply: 0.25,
  perFollowUp: 0.1,
  escalation: 0.3,
  perReopen: 0.2,
  csat: 0.3,
  slowResolution: 0.15,
  slaBreach: 0,
  resolutionTargetHours: 24,
  maxFollowUps: 3,
  maxReopens: 2,
};

export function rewardWeightsFor(overrides: RewardWeightOverrides = {}): RewardWeights {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_REWARD_WEIGHTS, ...defined };
}

/** The outcome components the reward reads (the details of a `ticket.outcome` event, see ticketState.ts). */
export interface OutcomeSignals {
  resolutionSeconds: number | null;
  followUps: number;
  agentReplies: number;
  escalated: boolean;
  reopens: number;
  /** 0..1, or null when the customer did not rate. */
  csat: number | null;
  slaBreached: boolean;
  /** Follow-ups that were only a thank-you (see isThanksOnlyMessage): not penalised, and they count as "closed with thanks". */
  thanksFollowUps?: number;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** Signals from a stored `ticket.outcome` event's details; missing or mistyped fields read as "did not happen". */
export function outcomeSignalsFromDetails(details: Record<string, number | string | boolean | null>, thanksFollowUps = 0): OutcomeSignals {
  const csat = details.csat;
  const resolution = details.resolutionSeconds;
  return {
    resolutionSeconds: typeof resolution === 'number' && Number.isFinite(resolution) ? resolution : null,
    followUps: num(details.followUps, 0),
    agentReplies: num(details.agentReplies, 0),
    escalated: details.escalated === true,
    reopens: num(details.reopens, details.reopened === true ? 1 : 0),
    csat: typeof csat === 'number' && Number.isFinite(csat) ? csat : null,
    slaBreached: details.slaBreached === true,
    thanksFollowUps,
  };
}

// A short message that thanks or confirms and asks nothing: "Thanks, that worked!", "perfect, ty".
const THANKS = /\b(thanks?|thank\s+you|thx|ty|cheers|appreciated?|much\s+appreciated|perfect|great|awesome|brilliant|that\s+(?:worked|did\s+it|fixed\s+it)|all\s+(?:good|sorted)|works\s+now|solved)\b/i;
const STILL_A_PROBLEM = /\?|\b(but|still|not|n't|no\s+longer|doesn|didn|won|can't|cannot|however|again|issue|problem|error)\b/i;
// Phrases that name a problem only to say it is gone ("problem solved", "issue fixed", "no problem"):
// taken out before looking for signs of a remaining problem.
const PROBLEM_GONE = /\b(?:(?:the|my|our|this|that)\s+)?(?:problem|issue|error)s?\s+(?:(?:is|are|was|were|has\s+been|have\s+been|now)\s+)*(?:solved|resolved|fixed|gone|sorted)\b|\bno\s+(?:problem|issue)s?\b|\bnot\s+a\s+problem\b/gi;

/** Whether a customer follow-up is only a thank-you, so it should not count against the reply. */
export function isThanksOnlyMessage(text: string): boolean {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length > 0 && words.length <= 15 && THANKS.test(text) && !STILL_A_PROBLEM.test(text.replace(PROBLEM_GONE, ' '));
}

export const REWARD_COMPONENTS = ['resolvedOnFirstReply', 'followUps', 'escalation', 'reopens', 'csat', 'slowResolution', 'slaBreach'] as const;
export type RewardComponentName = (typeof REWARD_COMPONENTS)[number];

export interface RewardComponent {
  name: RewardComponentName;
  /** For people: "2 follow-ups", "CSAT 0.8". */
  label: string;
  /** What happened, on the component's scale (see `range`). */
  value: number;
  /** Signed weight: positive signals raise the reward, penalties lower it. */
  weight: number;
  /** The component's share of the reward, in reward points (reward = baseline + Σ contributions). */
  contribution: number;
  /** The values the component can take. */
  range: [number, number];
}

export interface RewardResult {
  /** 0..1. */
  reward: number;
  /** The reward of a ticket where nothing happened (no bonus, no penalty, no rating). */
  baseline: number;
  components: RewardComponent[];
  weights: RewardWeights;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function computeReward(signals: OutcomeSignals, weights: RewardWeights = DEFAULT_REWARD_WEIGHTS): RewardResult {
  const thanks = Math.max(0, signals.thanksFollowUps ?? 0);
  const followUps = Math.max(0, signals.followUps - thanks);
  const reopens = Math.max(0, signals.reopens);
  const resolved = signals.resolutionSeconds !== null;
  const firstReplyResolved = resolved && signals.agentReplies >= 1 && followUps === 0 && reopens === 0 && !signals.escalated;
  const hours = resolved ? signals.resolutionSeconds! / 3600 : 0;
  const overshoot = resolved ? clamp(hours / weights.resolutionTargetHours - 1, 0, 1) : 0;
  const csat = signals.csat === null ? 0 : clamp(signals.csat, 0, 1) * 2 - 1;

  const raw: Omit<RewardComponent, 'contribution'>[] = [
    { name: 'resolvedOnFirstReply', label: firstReplyResolved ? (thanks > 0 ? 'closed with thanks after the first reply' : 'solved after the first reply') : 'not solved by the first reply alone', value: firstReplyResolved ? 1 : 0, weight: weights.resolvedOnFirstReply, range: [0, 1] },
    { name: 'followUps', label: plural(followUps, 'follow-up'), value: Math.min(followUps, weights.maxFollowUps), weight: -weights.perFollowUp, range: [0, weights.maxFollowUps] },
    { name: 'escalation', label: signals.escalated ? 'escalated' : 'not escalated', value: signals.escalated ? 1 : 0, weight: -weights.escalation, range: [0, 1] },
    { name: 'reopens', label: plural(reopens, 'reopen'), value: Math.min(reopens, weights.maxReopens), weight: -weights.perReopen, range: [0, weights.maxReopens] },
    { name: 'csat', label: signals.csat === null ? 'no CSAT rating' : `CSAT ${clamp(signals.csat, 0, 1).toFixed(2)}`, value: csat, weight: weights.csat, range: [-1, 1] },
    { name: 'slowResolution', label: resolved ? `resolved in ${hours.toFixed(1)} h (target ${weights.resolutionTargetHours} h)` : 'not resolved', value: overshoot, weight: -weights.slowResolution, range: [0, 1] },
    { name: 'slaBreach', label: signals.slaBreached ? 'first-response SLA breached' : 'SLA met', value: signals.slaBreached ? 1 : 0, weight: -weights.slaBreach, range: [0, 1] },
  ];
  const lowest = raw.reduce((sum, c) => sum + Math.min(c.weight * c.range[0], c.weight * c.range[1]), 0);
  const highest = raw.reduce((sum, c) => sum + Math.max(c.weight * c.range[0], c.weight * c.range[1]), 0);
  const span = highest - lowest;
  // All weights zero: nothing counts, every ticket is neutral.
  if (span <= 0) return { reward: 0.5, baseline: 0.5, components: raw.map((c) => ({ ...c, contribution: 0 })), weights };
  const components = raw.map((c) => ({ ...c, contribution: (c.weight * c.value) / span }));
  const baseline = -lowest / span;
  const reward = clamp(baseline + components.reduce((sum, c) => sum + c.contribution, 0), 0, 1);
  return { reward, baseline, components, weights };
}

/** One line for people: "0.85: solved after the first reply +0.12, CSAT 0.90 +0.12". */
export function describeReward(result: RewardResult): string {
  const parts = result.components.filter((c) => c.contribution !== 0).map((c) => `${c.label} ${c.contribution > 0 ? '+' : '−'}${Math.abs(c.contribution).toFixed(2)}`);
  return `${result.reward.toFixed(2)} (baseline ${result.baseline.toFixed(2)}${parts.length ? `; ${parts.join(', ')}` : ''})`;
}
