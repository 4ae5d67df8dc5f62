// Per topic: does asking a clarifying question first resolve better (reward) and faster (hours to
// resolve) than answering directly? For the dashboard and the API, from the logged strategy choices.
//
// The bandit chooses "clarify" more often for the customers it expects to benefit, so a plain average
// per opening would credit the customers, not the question. Each row is weighted by 1 / propensity
// (rows logged without one weigh 1): the weighted mean of an opening's rows in a topic is the
// self-normalised IPS estimate of "use a random strategy with this opening on this topic's tickets",
// the same for both openings. The difference gets a normal-approximation confidence interval (delta
// method), and a verdict only when both sides have enough tickets and the interval excludes zero.
import { parseStrategyId, type Opening } from '../strategies.js';
import { zFor } from './offPolicy.js';

export interface ClarifyOutcomeRow {
  topic: string;
  /** The strategy id the reply used (its opening is what is compared). */
  strategyId: string;
  reward: number;
  /** Time from ticket creation to solve, when it was solved. */
  resolutionSeconds?: number | null;
  /** Probability the logging policy gave this strategy. */
  propensity?: number;
}

export interface OpeningOutcome {
  tickets: number;
  /** Propensity-weighted mean reward. */
  meanReward: number;
  rewardStdError: number;
  /** Propensity-weighted mean hours to resolve, over the solved tickets; null when none was solved. */
  meanResolutionHours: number | null;
  resolutionStdError: number | null;
}

export type ClarifyVerdict = 'clarify-first' | 'answer-first' | 'no-clear-difference' | 'not-enough-data';

export interface TopicClarifyEffect {
  topic: string;
  clarify: OpeningOutcome;
  answer: OpeningOutcome;
  /** clarify − answer mean reward, with its confidence interval. */
  rewardDifference: { value: number; lower: number; upper: number } | null;
  /** clarify − answer mean hours to resolve (negative = clarifying first is faster), with its interval. */
  resolutionHoursDifference: { value: number; lower: number; upper: number } | null;
  verdict: ClarifyVerdict;
  /** For people: "asking first: reward +0.12 (95% CI +0.05 … +0.19), 3.1 h faster; 40 vs 52 tickets". */
  summary: string;
}

export interface ClarifyOptions {
  confidence?: number;
  /** Tickets each opening needs in a topic before a verdict. Default 20. */
  minTicketsPerOpening?: number;
}

/** Self-normalised weighted mean and its delta-method standard error. */
function weightedMean(values: readonly number[], weights: readonly number[]): { mean: number; stdError: number } | null {
  const total = weights.reduce((s, w) => s + w, 0);
  if (values.length === 0 || total <= 0) return null;
  const m = values.reduce((s, v, i) => s + weights[i]! * v, 0) / total;
  const spread = values.reduce((s, v, i) => s + (weights[i]! * (v - m)) ** 2, 0);
  // n/(n−1) small-sample correction; a single ticket has no spread estimate.
  const n = values.length;
  return { mean: m, stdError: n > 1 ? Math.sqrt((spread * n) / (n - 1)) / total : Infinity };
}

function openingOutcome(rows: readonly ClarifyOutcomeRow[]): OpeningOutcome {
  const weights = rows.map((r) => (r.propensity && r.propensity > 0 ? 1 / r.propensity : 1));
  const reward = weightedMean(rows.map((r) => r.reward), weights);
  const solved = rows.map((r, i) => ({ r, w: weights[i]! })).filter(({ r }) => typeof r.resolutionSeconds === 'number' && Number.isFinite(r.resolutionSeconds));
  const hours = weightedMean(solved.map(({ r }) => r.resolutionSeconds! / 3600), solved.map(({ w }) => w));
  return {
    tickets: rows.length,
    meanReward: reward?.mean ?? 0,
    rewardStdError: reward?.stdError ?? Infinity,
    meanResolutionHours: hours?.mean ?? null,
    resolutionStdError: hours?.stdError ?? null,
  };
}

function difference(a: number, seA: number, b: number, seB: number, z: number) {
  const value = a - b;
  const se = Math.sqrt(seA * seA + seB * seB);
  return { value, lower: value - z * se, upper: value + z * se };
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

export function clarifyEffectByTopic(rows: Iterable<ClarifyOutcomeRow>, options: ClarifyOptions = {}): TopicClarifyEffect[] {
  const confidence = options.confidence ?? 0.95;
  const z = zFor(confidence);
  const minimum = options.minTicketsPerOpening ?? 20;
  const byTopic = new Map<string, Record<Opening, ClarifyOutcomeRow[]>>();
  for (const row of rows) {
    const opening = parseStrategyId(row.strategyId)?.opening;
    if (!opening || !Number.isFinite(row.reward)) continue;
    const groups = byTopic.get(row.topic) ?? { answer: [], clarify: [] };
    groups[opening].push(row);
    byTopic.set(row.topic, groups);
  }
  const effects = [...byTopic].map(([topic, groups]): TopicClarifyEffect => {
    const clarify = openingOutcome(groups.clarify);
    const answer = openingOutcome(groups.answer);
    const both = clarify.tickets > 1 && answer.tickets > 1;
    const rewardDifference = both ? difference(clarify.meanReward, clarify.rewardStdError, answer.meanReward, answer.rewardStdError, z) : null;
    const resolutionHoursDifference =
      both && clarify.meanResolutionHours !== null && answer.meanResolutionHours !== null && Number.isFinite(clarify.resolutionStdError!) && Number.isFinite(answer.resolutionStdError!)
        ? difference(clarify.meanResolutionHours, clarify.resolutionStdError!, answer.meanResolutionHours, answer.resolutionStdError!, z)
        : null;
    let verdict: ClarifyVerdict = 'not-enough-data';
    if (rewardDifference && clarify.tickets >= minimum && answer.tickets >= minimum) {
      verdict = rewardDifference.lower > 0 ? 'clarify-first' : rewardDifference.upper < 0 ? 'answer-first' : 'no-clear-difference';
    }
    const parts = [`${clarify.tickets} tickets asked first, ${answer.tickets} answered directly`];
    if (rewardDifference) parts.unshift(`asking first: reward ${signed(rewardDifference.value)} (${Math.round(confidence * 100)}% CI ${signed(rewardDifference.lower)} … ${signed(rewardDifference.upper)})`);
    if (resolutionHoursDifference) parts.splice(1, 0, `${Math.abs(resolutionHoursDifference.value).toFixed(1)} h ${resolutionHoursDifference.value <= 0 ? 'faster' : 'slower'}`);
    return { topic, clarify, answer, rewardDifference, resolutionHoursDifference, verdict, summary: parts.join('; ') };
  });
  // Most evidence first, then by name, so the dashboard's order is stable.
  return effects.sort((a, b) => b.clarify.tickets + b.answer.tickets - (a.clarify.tickets + a.answer.tickets) || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}
