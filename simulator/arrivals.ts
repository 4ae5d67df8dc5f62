// When tickets arrive: a non-homogeneous Poisson process with a weekly profile (weekday × hour of
// day, UTC) and optional spikes that multiply one topic's rate inside a window. Sampled by thinning
// (Lewis & Shedler): candidate times at the maximum rate, each kept with probability rate/max.
import type { SeededRandom } from './seededRandom.js';

/** Relative volume by UTC weekday (getUTCDay order, Sunday first): weekdays busy, weekends quiet. */
export const WEEKDAY_FACTOR = [0.3, 1.25, 1.2, 1.15, 1.1, 0.95, 0.35] as const;
/** Relative volume by UTC hour: quiet nights, a morning ramp, busy office hours, an evening tail. */
export const HOUR_FACTOR = [
  0.25, 0.2, 0.2, 0.2, 0.25, 0.35, 0.55, 0.85, 1.2, 1.5, 1.6, 1.6, 1.45, 1.55, 1.6, 1.55, 1.4, 1.2, 0.95, 0.75, 0.6, 0.5, 0.4, 0.3,
] as const;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const WEEKDAY_MEAN = mean(WEEKDAY_FACTOR);
const HOUR_MEAN = mean(HOUR_FACTOR);
const MAX_SEASONAL = (Math.max(...WEEKDAY_FACTOR) / WEEKDAY_MEAN) * (Math.max(...HOUR_FACTOR) / HOUR_MEAN);

/** Seasonal multiplier of the base rate at `at`; its average over a week is 1. */
export function seasonalFactor(at: Date): number {
  return (WEEKDAY_FACTOR[at.getUTCDay()]! / WEEKDAY_MEAN) * (HOUR_FACTOR[at.getUTCHours()]! / HOUR_MEAN);
}

/** A topic's rate × factor between from and to (optionally for one tenant only): for detection tests. */
export interface Spike {
  topicId: string;
  tenantId?: string;
  from: string;
  to: string;
  factor: number;
}

/** One stream of tickets: a tenant's topic, with its share of the base volume (shares sum to 1). */
export interface ArrivalSource {
  tenantId: string;
  topicId: string;
  share: number;
}

export interface Arrival {
  at: Date;
  tenantId: string;
  topicId: string;
}

/** A spike with its window parsed once (every candidate arrival looks at every spike). */
type TimedSpike = Spike & { fromMs: number; toMs: number };

function spikeFactor(source: ArrivalSource, spikes: readonly TimedSpike[], atMs: number): number {
  let factor = 1;
  for (const spike of spikes) {
    if (spike.topicId !== source.topicId || (spike.tenantId !== undefined && spike.tenantId !== source.tenantId)) continue;
    if (atMs >= spike.fromMs && atMs < spike.toMs) factor *= spike.factor;
  }
  return factor;
}

export function validateSpike(spike: Spike): Spike {
  if (Number.isNaN(Date.parse(spike.from)) || Number.isNaN(Date.parse(spike.to))) throw new Error(`spike on ${spike.topicId}: from/to must be ISO dates`);
  if (Date.parse(spike.to) <= Date.parse(spike.from)) throw new Error(`spike on ${spike.topicId}: "to" must be after "from"`);
  if (!(spike.factor > 0)) throw new Error(`spike on ${spike.topicId}: factor must be > 0`);
  return spike;
}

/** Exactly `count` arrivals from `start` on, at `ticketsPerDay` on an average day before spikes. */
export function generateArrivals(options: {
  start: Date;
  count: number;
  ticketsPerDay: number;
  sources: readonly ArrivalSource[];
  spikes: readonly Spike[];
  rng: SeededRandom;
}): Arrival[] {
  const { sources, rng } = options;
  const spikes = options.spikes.map((s): TimedSpike => ({ ...s, fromMs: Date.parse(s.from), toMs: Date.parse(s.to) }));
  const baseRatePerMs = options.ticketsPerDay / 86_400_000;
  const maxSpike = (source: ArrivalSource) => spikes.filter((s) => s.topicId === source.topicId).reduce((f, s) => f * Math.max(1, s.factor), 1);
  const maxRate = baseRatePerMs * MAX_SEASONAL * sources.reduce((sum, s) => sum + s.share * maxSpike(s), 0);
  const arrivals: Arrival[] = [];
  let t = options.start.getTime();
  while (arrivals.length < options.count) {
    t += rng.exponential(1 / maxRate);
    const weights = sources.map((s) => s.share * spikeFactor(s, spikes, t));
    const rate = baseRatePerMs * seasonalFactor(new Date(t)) * weights.reduce((a, b) => a + b, 0);
    if (rng.float() * maxRate >= rate) continue;
    const source = sources[rng.weightedIndex(weights)]!;
    arrivals.push({ at: new Date(Math.floor(t)), tenantId: source.tenantId, topicId: source.topicId });
  }
  return arrivals;
}
