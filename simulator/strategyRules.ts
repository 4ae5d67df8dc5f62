// The customers' hidden taste in response *strategies* (opening × length × tone, the product's
// strategy ids, e.g. "answer.detailed.plain"): how the form of the first reply they receive changes
// what they do next. Only the simulator knows these; the product's bandit has to learn them from
// ticket outcomes. Each rule is data: a condition on the customer and the strategy they received,
// and what it does — a follow-up (they write back), an escalation, a reopen, a star off the CSAT.
// Effects of several rules combine as independent chances (1 − Π(1 − p)).
//
// The strategy a customer "receives": the suggestion's strategy when the agent sent the product's
// draft (reused it, keeping its framing), else the agent's habit (AGENT_HABIT_STRATEGY). The tone
// they perceive is "acknowledge" also when the reply carries the agents' own apology (the hidden
// agent rule frustrated-apology): an apology is an acknowledgement whoever wrote it.
import { parseStrategyId, type ResponseStrategy } from '../domain/strategies.js';

/** What a human agent writes when not sending the product's draft: a direct, complete answer, no preamble. */
export const AGENT_HABIT_STRATEGY = 'answer.detailed.plain';
/** Days a trial account counts as "in its first week". */
export const FIRST_WEEK_DAYS = 7;
/** Topics whose first messages are too vague to answer well without asking first (hidden from the product). */
export const AMBIGUOUS_TOPICS: readonly string[] = ['webhook-failures', 'csv-import-errors', 'email-notifications'];

export interface StrategyAudience {
  segment: string;
  plan: string;
  role: string;
  tenureDays: number;
  frustrated: boolean;
  topicId: string;
}

/** What a strategy does to a ticket: chances on top of what the content of the reply already causes. */
export interface StrategyEffects {
  /** The customer writes back because the form did not fit. */
  followUp: number;
  /** Given that follow-up, a second one (they had to explain twice). */
  secondFollowUp: number;
  escalation: number;
  reopen: number;
  /** One CSAT star less. */
  csatPenalty: number;
}

export interface StrategyRule {
  id: string;
  description: string;
  applies(audience: StrategyAudience, strategy: ResponseStrategy): boolean;
  effects: Partial<StrategyEffects>;
  /** What the customer writes when the rule's follow-up happens. */
  followUpQuestions: string[];
}

const technical = (a: StrategyAudience) => a.role === 'developer' || a.role === 'admin';
const firstWeekTrial = (a: StrategyAudience) => a.plan === 'trial' && a.tenureDays < FIRST_WEEK_DAYS;
const ambiguous = (a: StrategyAudience) => AMBIGUOUS_TOPICS.includes(a.topicId);

export const STRATEGY_RULES: readonly StrategyRule[] = [
  {
    id: 'frustrated-need-acknowledgement',
    description: 'frustrated customers who get a plain reply escalate more and rate lower',
    applies: (a, s) => a.frustrated && s.tone === 'plain',
    effects: { escalation: 0.3, csatPenalty: 0.6 },
    followUpQuestions: [],
  },
  {
    id: 'calm-dislike-scripted-empathy',
    description: 'calm customers find an acknowledgement preamble scripted',
    applies: (a, s) => !a.frustrated && s.tone === 'acknowledge',
    effects: { csatPenalty: 0.3, followUp: 0.1 },
    followUpQuestions: ["I'm not upset, I just need the answer: could you keep it short next time?"],
  },
  {
    id: 'frustrated-enterprise-next-steps',
    description: 'frustrated enterprise customers resolve best with acknowledgement and detailed next steps',
    applies: (a, s) => a.frustrated && a.segment === 'enterprise' && !(s.tone === 'acknowledge' && s.length === 'detailed'),
    effects: { followUp: 0.6, escalation: 0.2 },
    followUpQuestions: ['What exactly happens next, and when? We need a plan we can share internally.', 'We need concrete next steps and a timeline, not just an answer.'],
  },
  {
    id: 'technical-want-detail',
    description: 'developers and admins need the detailed answer',
    applies: (a, s) => technical(a) && s.length === 'concise',
    effects: { followUp: 0.6, csatPenalty: 0.2 },
    followUpQuestions: ['Could you give me the full details? I need to know exactly how this works.', 'That is a bit thin, can you walk me through all the steps?'],
  },
  {
    id: 'first-week-trial-want-short',
    description: 'trial users in their first week want a short answer',
    applies: (a, s) => firstWeekTrial(a) && s.length === 'detailed',
    effects: { followUp: 0.5, csatPenalty: 0.3 },
    followUpQuestions: ["That's a lot to take in, what is the one thing I need to do?", "Sorry, I'm new here, what's the short version?"],
  },
  {
    id: 'ambiguous-topic-clarify-first',
    description: 'vague questions answered straight away miss the actual problem',
    applies: (a, s) => ambiguous(a) && s.opening === 'answer',
    effects: { followUp: 0.85, secondFollowUp: 0.5, reopen: 0.2 },
    followUpQuestions: ["That's not quite my problem. Let me explain again what we actually see.", 'This does not match what is happening on our side, here are more details.'],
  },
  {
    id: 'clear-topic-no-questions',
    description: 'a clear question answered with a question first annoys',
    applies: (a, s) => !ambiguous(a) && s.opening === 'clarify',
    effects: { csatPenalty: 0.4 },
    followUpQuestions: [],
  },
];

const NO_EFFECTS: StrategyEffects = { followUp: 0, secondFollowUp: 0, escalation: 0, reopen: 0, csatPenalty: 0 };
const EFFECT_NAMES = Object.keys(NO_EFFECTS) as (keyof StrategyEffects)[];

export function strategyOf(id: string): ResponseStrategy {
  const strategy = parseStrategyId(id);
  if (!strategy) throw new Error(`not a strategy id: "${id}" (expected opening.length.tone, e.g. ${AGENT_HABIT_STRATEGY})`);
  return strategy;
}

/** The strategy as the customer experiences it: an apology in the content counts as acknowledgement. */
export function perceivedStrategy(strategyId: string, apologyInReply: boolean): ResponseStrategy {
  const strategy = strategyOf(strategyId);
  return apologyInReply ? { ...strategy, tone: 'acknowledge' } : strategy;
}

export function rulesFor(audience: StrategyAudience, strategy: ResponseStrategy): StrategyRule[] {
  return STRATEGY_RULES.filter((rule) => rule.applies(audience, strategy));
}

/** Combined effects of every rule that holds: independent chances. */
export function strategyEffects(audience: StrategyAudience, strategy: ResponseStrategy): StrategyEffects {
  const rules = rulesFor(audience, strategy);
  const combined = { ...NO_EFFECTS };
  for (const name of EFFECT_NAMES) combined[name] = 1 - rules.reduce((stay, rule) => stay * (1 - (rule.effects[name] ?? 0)), 1);
  return combined;
}
