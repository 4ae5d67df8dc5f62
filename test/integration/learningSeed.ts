// Learning-loop rows for the dashboard test: per tenant, weeks of customer messages with the draft
// served for each (suggestions), what the agent then did with it (corrections, plus the reply or
// escalation event in the event log), some thumbs up/down (suggestion_feedback) and, for the tickets
// that got solved, the reward of their outcome (ticket_rewards, computed by the domain's reward from
// the ticket's outcome event, as the outcome activity does; a few tickets reopen after their outcome
// and are rewarded again), written by the store's own row mappers. Acceptance improves from the
// install onwards, and tickets whose draft was sent end better, so the install baselines differ
// from later ranges. Some rows are written twice, in later inserts (a retried activity or
// insert), so panels must read with FINAL. Alongside, the figures each Learning panel should show,
// computed from the seeded records in plain TypeScript (the Outcomes dashboard's: outcomesSeed.ts).
// Every draft carries a response strategy and each reward the credit for it (outcomesSeed.ts draws
// them from a stream of their own, so the rows above do not depend on them).
import type { TicketEvent } from '../../domain/events.js';
import type { Correction, CorrectionClass, Suggestion } from '../../domain/learning/records.js';
import { computeReward, outcomeSignalsFromDetails, rewardWeightsFor } from '../../domain/reward.js';
import { newTicketState, outcomeEvent, type TicketState } from '../../domain/ticketState.js';
import { BatchingWriter } from '../../store/batchingWriter.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { writeCorrection } from '../../store/corrections.js';
import { writeFeedback } from '../../store/suggestionFeedback.js';
import { writeSuggestion } from '../../store/suggestions.js';
import { writeTicketEvents } from '../../store/ticketEvents.js';
import { writeTicketReward } from '../../store/ticketRewards.js';
import type { LearningProfile, Random } from './learningProfiles.js';
import { seededOracle, seededStrategyChoice, strategyRandom, type SeededReward } from './outcomesSeed.js';
import { writeInTimeOrder, type TimedWrite } from '../helpers/timedWrites.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Rows reach ClickHouse in one insert per table per window of simulated time. */
const INSERT_WINDOW_MS = 2 * DAY;
/** A solved ticket's outcome is recorded (and rewarded) when this window closes without a reopen. */
const OUTCOME_WINDOW_MS = DAY;

export interface SeededSuggestion {
  suggestionId: string;
  topic: string;
  at: number;
  strategy: string;
  policy: string;
}
export interface SeededCorrection {
  at: number;
  topic: string;
  class: CorrectionClass;
  /** As ClickHouse stores it (Float32). */
  editDistance: number;
  accepted: boolean;
  escalated: boolean;
  escalatedWhileConfident: boolean;
}
export interface SeededFeedback {
  at: number;
  rating: 'up' | 'down';
  /** The rated suggestion's topic. */
  topic: string;
}
export interface SeededLearning {
  suggestions: SeededSuggestion[];
  corrections: SeededCorrection[];
  feedback: SeededFeedback[];
  /** One per outcome (a ticket reopened after its outcome has two); retried writes not repeated. */
  rewards: SeededReward[];
}

/** The learner's default class boundaries (domain/learning/thresholds.ts DEFAULT_THRESHOLDS). */
const ACCEPTED_MAX = 0.02;
const LIGHTLY_EDITED_MAX = 0.3;
const HANDLE_CONFIDENCE = 0.5;

function suggestionOf(ticketId: string, suggestionId: string, messageAt: string, topic: string, confidence: number): Suggestion {
  const prediction = { topic, confidence, best: topic };
  return {
    suggestionId,
    ticketId,
    messageAt,
    modelVersion: 'seed-1',
    topic: prediction,
    draft: `Thanks for reaching out about ${topic}. Here is what to do next.`,
    confidence,
    basis: { kind: 'template', templateId: `${topic}-1` },
    candidates: [],
    groups: [],
    context: {},
    features: { language: 'en', sentiment: 0, sentimentLabel: 'neutral', frustration: 0, frustrationLevel: 'none', frustrationSignals: [] },
    rules: [],
    explanation: { summary: '', topic: prediction, similarTickets: [], articles: [], contextFeatures: [], rules: [], confidence },
  };
}

/** What the agent did with a draft: an edit distance drawn around the tenant's acceptance at that time, classed as the learner classes it. */
function agentEdit(random: Random, acceptance: number): { class: CorrectionClass; editDistance: number } {
  const distance = random.chance(acceptance)
    ? random.chance(0.4)
      ? random.between(0, ACCEPTED_MAX)
      : random.between(ACCEPTED_MAX + 0.001, LIGHTLY_EDITED_MAX)
    : random.between(LIGHTLY_EDITED_MAX + 0.001, 1);
  const editDistance = Number(distance.toFixed(4));
  const cls: CorrectionClass = editDistance <= ACCEPTED_MAX ? 'accepted' : editDistance <= LIGHTLY_EDITED_MAX ? 'lightly-edited' : editDistance < 0.8 ? 'rewritten' : 'ignored';
  return { class: cls, editDistance };
}

/** Seeds one tenant's learning rows from its install to `end`. */
export async function seedLearning(ch: ClickHouse, profile: LearningProfile, end: number, random: Random): Promise<SeededLearning> {
  const writer = new BatchingWriter(ch, { maxRows: 100_000, flushMs: 60_000 });
  const writes: TimedWrite[] = [];
  const later = (at: number, write: () => Promise<void>) => writes.push({ at, write });
  /** Written again in a later insert (same key, later version): only FINAL reads it once. */
  const maybeTwice = (at: number, write: (at: number) => Promise<void>) => {
    later(at, () => write(at));
    if (random.chance(0.2)) later(at + INSERT_WINDOW_MS, () => write(at + INSERT_WINDOW_MS));
  };
  const seeded: SeededLearning = { suggestions: [], corrections: [], feedback: [], rewards: [] };
  /** Tickets an agent acted on, for their outcomes (drawn after the loop, so the rows above stay as they were). */
  const acted: { ticketId: string; suggestionId: string; topic: string; messageAt: number; actedAt: number; accepted: boolean; escalated: boolean; choice: ReturnType<typeof seededStrategyChoice> }[] = [];
  const strategies = strategyRandom(profile.tenantId);
  const event = (ticketId: string, eventId: string, kind: TicketEvent['kind'], at: number, body: string): TicketEvent => ({
    eventId,
    kind,
    tenantId: profile.tenantId,
    ticketId,
    occurredAt: new Date(at).toISOString(),
    provider: 'generic',
    channel: 'email',
    tags: [],
    body,
  });
  const context = { channel: 'email', provider: 'generic', segment: '', plan: '', topic: '' };

  let n = 0;
  for (let day = profile.installedAt; day < end; day += DAY) {
    const acceptance = profile.acceptance.atInstall + ((profile.acceptance.atEnd - profile.acceptance.atInstall) * (day - profile.installedAt)) / (end - profile.installedAt);
    for (let i = 0; i < profile.messagesPerDay; i++, n++) {
      // Ticket numbers and suggestion ids repeat across tenants. These tickets are not the ticket
      // seed's (no tickets row), so Support operations' ticket-scoped panels never count their events.
      const ticketId = String(5000 + n);
      const suggestionId = `suggestion-${n}`;
      const messageAt = Math.round(day + random.between(0, DAY - 3 * HOUR));
      const topic = random.pick(profile.topics);
      const confidence = Math.round(random.between(0.2, 0.95) * 100) / 100;
      const message = event(ticketId, `${ticketId}:0`, 'message.customer', messageAt, `Question about ${topic}`);
      later(messageAt, () => writeTicketEvents(writer, { inbound: [{ event: message }], derived: [], context }, messageAt));
      const suggestion = suggestionOf(ticketId, suggestionId, message.occurredAt, topic, confidence);
      const choice = seededStrategyChoice(strategies, topic);
      maybeTwice(messageAt, (at) => writeSuggestion(writer, profile.tenantId, message.eventId, { ticketId, text: message.body!, at: message.occurredAt }, suggestion, at, choice));
      seeded.suggestions.push({ suggestionId, topic, at: messageAt, strategy: choice.id, policy: choice.policy });

      // Some messages are still waiting for an agent.
      if (random.chance(0.06)) continue;
      const actedAt = Math.round(messageAt + random.between(5, 150) * MINUTE);
      if (actedAt >= end) continue;
      const escalated = random.chance(profile.escalationShare);
      const edit = escalated ? { class: 'ignored' as const, editDistance: 1 } : agentEdit(random, acceptance);
      const action = event(ticketId, `${ticketId}:1`, escalated ? 'ticket.escalated' : 'reply.agent', actedAt, escalated ? '' : 'Here is what to do next.');
      later(actedAt, () => writeTicketEvents(writer, { inbound: [{ event: action }], derived: [], context }, actedAt));
      const correction: Correction = {
        suggestionId,
        ticketId,
        modelVersion: suggestion.modelVersion,
        class: edit.class,
        editDistance: edit.editDistance,
        accepted: edit.editDistance <= LIGHTLY_EDITED_MAX,
        additions: [],
        removals: [],
        edits: [],
        kept: edit.class === 'ignored' ? 0 : 1,
        rulesKept: [],
        rulesRemoved: [],
        escalatedWhileConfident: escalated && confidence >= HANDLE_CONFIDENCE,
        topic,
        context: {},
      };
      maybeTwice(actedAt, (at) =>
        writeCorrection(writer, { tenantId: profile.tenantId, replyEventId: action.eventId, repliedAt: action.occurredAt, channel: 'email', segment: '', correction }, at),
      );
      acted.push({ ticketId, suggestionId, topic, messageAt, actedAt, accepted: correction.accepted, escalated, choice });
      seeded.corrections.push({
        at: actedAt,
        topic,
        class: correction.class,
        editDistance: Math.fround(correction.editDistance),
        accepted: correction.accepted,
        escalated,
        escalatedWhileConfident: correction.escalatedWhileConfident,
      });

      if (!random.chance(profile.feedbackShare)) continue;
      const ratedAt = actedAt + 2 * MINUTE;
      if (ratedAt >= end) continue;
      const rating = random.chance(0.85) === correction.accepted ? 'up' : 'down';
      maybeTwice(ratedAt, () =>
        writeFeedback(writer, { tenantId: profile.tenantId, ticketId, suggestionId, feedbackId: `feedback-${n}`, rating, comment: '', authorId: 'agent-1', createdAtMs: ratedAt }),
      );
      seeded.feedback.push({ at: ratedAt, rating, topic });
    }
  }

  // Outcomes: most acted-on tickets get solved; tickets whose draft was sent (accepted) resolve
  // sooner, with fewer follow-ups and reopens and better CSAT. When the outcome window closes, the
  // reward is computed from the outcome event's details under the tenant's weights and written, as
  // activities/outcomes.ts does; a retried activity writes it again later (same key, later version).
  const weights = rewardWeightsFor(profile.rewardWeights);
  const within = ([min, max]: [number, number]) => random.between(min, max);
  for (const ticket of acted) {
    if (!random.chance(0.9)) continue;
    const segment = random.pick(profile.segments);
    let state: TicketState = {
      ...newTicketState(profile.tenantId, ticket.ticketId),
      status: 'solved',
      provider: 'generic',
      channel: 'email',
      topic: ticket.topic,
      customer: { customerId: `${ticket.ticketId}-customer`, plan: random.pick(profile.plans), ...(segment ? { segment } : {}) },
      createdAt: new Date(ticket.messageAt).toISOString(),
      firstResponseAt: ticket.escalated ? undefined : new Date(ticket.actedAt).toISOString(),
    };
    const good = ticket.accepted && !ticket.escalated;
    const followUps = ticket.escalated ? (random.chance(0.4) ? 1 : 0) : good ? (random.chance(0.1) ? 1 : 0) : random.chance(0.6) ? (random.chance(0.5) ? 2 : 1) : 0;
    const thanks = random.chance(0.25) ? 1 : 0;
    const solvedAt = Math.round(ticket.actedAt + within(ticket.escalated ? [6, 60] : good ? [0.5, 20] : [2, 40]) * HOUR);
    const csat = random.chance(0.6) ? Math.round(within(ticket.escalated ? [0.1, 0.7] : good ? [0.7, 1] : [0.1, 0.8]) * 100) / 100 : undefined;
    state = {
      ...state,
      customerMessages: 1 + followUps + thanks,
      agentReplies: 1 + followUps,
      followUps: followUps + thanks,
      thanksFollowUps: thanks,
      escalations: ticket.escalated ? 1 : 0,
      reopens: random.chance(good ? 0.04 : 0.15) ? 1 : 0,
      slaBreached: random.chance(0.1),
      csatScore: csat,
      solvedAt: new Date(solvedAt).toISOString(),
    };
    // A few tickets reopen after their outcome was recorded and are solved (and rewarded) again.
    const reopenedAfterOutcome = random.chance(0.05);
    // As the simulator does: every solve carries the ticket's oracle figures in the customer's custom fields.
    const oracle = seededOracle(strategies, ticket.choice);
    for (let closedAt = solvedAt + OUTCOME_WINDOW_MS, round = 0; closedAt < end && round < (reopenedAfterOutcome ? 2 : 1); round++) {
      const outcome = outcomeEvent(state, closedAt);
      const result = computeReward(outcomeSignalsFromDetails(outcome.details, Number(outcome.details.thanksFollowUps ?? 0)), weights);
      const snapshot = state;
      // The draft reached the customer when the agent's first reply kept it: only then is the outcome credited to its strategy.
      const credit = { suggestionId: ticket.suggestionId, strategy: ticket.choice.id, policy: ticket.choice.policy, propensity: ticket.choice.propensity, banditFeatures: ticket.choice.features, credited: good };
      maybeTwice(closedAt, (at) => writeTicketReward(writer, snapshot, outcome.eventId, outcome.occurredAt, result, at, credit));
      later(closedAt, () => writeTicketEvents(writer, { inbound: [], derived: [outcome], context: { ...context, topic: ticket.topic } }, closedAt));
      const solveAt = Date.parse(snapshot.solvedAt!);
      const solved: TicketEvent = { ...event(ticket.ticketId, `${ticket.ticketId}:solved:${round}`, 'ticket.solved', solveAt, ''), customer: { custom: oracle.custom } };
      later(solveAt, () => writeTicketEvents(writer, { inbound: [{ event: solved }], derived: [], context }, solveAt));
      const resolutionSeconds = outcome.details.resolutionSeconds;
      seeded.rewards.push({
        at: closedAt,
        ticketId: ticket.ticketId,
        topic: ticket.topic,
        segment: segment || state.customer.plan!,
        reward: result.reward,
        strategy: credit.strategy,
        policy: credit.policy,
        propensity: Math.fround(credit.propensity),
        credited: credit.credited,
        resolutionHours: typeof resolutionSeconds === 'number' ? resolutionSeconds / 3600 : null,
        solvedAt: solveAt,
        oracle: oracle.oracle,
        received: oracle.received,
      });
      const solvedAgain = closedAt + Math.round(random.between(2, 48) * HOUR);
      state = { ...state, reopens: state.reopens + 1, customerMessages: state.customerMessages + 1, agentReplies: state.agentReplies + 1, solvedAt: new Date(solvedAgain).toISOString() };
      closedAt = solvedAgain + OUTCOME_WINDOW_MS;
    }
  }

  await writeInTimeOrder(writer, writes, INSERT_WINDOW_MS);
  await writer.close();
  return seeded;
}

// ---------------------------------------------------------------------------------------------
// The figures the Learning panels should show

export interface Window {
  from: number;
  to: number;
  intervalMs: number;
  /** The topic filter; undefined = All. */
  topics?: string[];
}

export type Figure = number | null;
export type ExpectedRow = Record<string, string | Figure>;

export const mean = (values: number[]): Figure => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
const share = <T>(items: T[], test: (item: T) => boolean): Figure => mean(items.map((item) => (test(item) ? 1 : 0)));
const automated = (c: SeededCorrection) => c.class === 'accepted' || c.class === 'lightly-edited';
/** ClickHouse's text form of a bucket start. */
export const bucketOf = (at: number, intervalMs: number) => new Date(Math.floor(at / intervalMs) * intervalMs).toISOString().slice(0, 19).replace('T', ' ');

/** Groups items by a key, keys in ascending order. */
export function groupBy<T>(items: T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function learningFigures(seeded: SeededLearning, baselineDays: number, w: Window) {
  const inRange = (at: number) => at >= w.from && at <= w.to;
  const inTopics = (topic: string) => !w.topics || w.topics.includes(topic);
  // The install: the tenant's first correction, whatever the topic filter.
  const installedAt = Math.min(...seeded.corrections.map((c) => c.at));
  const corrections = seeded.corrections.filter((c) => inTopics(c.topic));
  const replies = corrections.filter((c) => !c.escalated);
  const baseline = corrections.filter((c) => c.at < installedAt + baselineDays * DAY);
  const inRangeCorrections = corrections.filter((c) => inRange(c.at));
  const overTime = (items: SeededCorrection[], name: string, value: (group: SeededCorrection[]) => Figure, baselineValue: Figure): ExpectedRow[] =>
    groupBy(items.filter((c) => inRange(c.at)), (c) => bucketOf(c.at, w.intervalMs)).map(([time, group]) => ({ time, [name]: value(group), install_baseline: baselineValue }));

  return {
    installedAt,
    'Acceptance vs install baseline': [{ acceptance_rate: share(inRangeCorrections, (c) => c.accepted), install_baseline: share(baseline, (c) => c.accepted) }],
    'Automation rate vs install baseline': [
      { automation_rate: share(replies.filter((c) => inRange(c.at)), automated), install_baseline: share(baseline.filter((c) => !c.escalated), automated) },
    ],
    'Drafts shown': [{ drafts_shown: seeded.suggestions.filter((s) => inTopics(s.topic) && inRange(s.at)).length }],
    Corrections: [{ correction_count: inRangeCorrections.length }],
    'Escalated while confident': [{ confident_escalations: inRangeCorrections.filter((c) => c.escalatedWhileConfident).length }],
    'Draft acceptance rate': overTime(corrections, 'acceptance_rate', (g) => share(g, (c) => c.accepted), share(baseline, (c) => c.accepted)),
    'Mean edit distance': overTime(corrections, 'mean_edit_distance', (g) => mean(g.map((c) => c.editDistance)), mean(baseline.map((c) => c.editDistance))),
    'Automation rate': overTime(replies, 'automation_rate', (g) => share(g, automated), share(baseline.filter((c) => !c.escalated), automated)),
    'Correction classes': groupBy(inRangeCorrections, (c) => bucketOf(c.at, w.intervalMs)).map(([time, group]) => ({
      time,
      class_accepted: group.filter((c) => c.class === 'accepted').length,
      class_lightly_edited: group.filter((c) => c.class === 'lightly-edited').length,
      class_rewritten: group.filter((c) => c.class === 'rewritten').length,
      class_ignored: group.filter((c) => c.class === 'ignored').length,
    })),
    'Acceptance by topic': groupBy(inRangeCorrections, (c) => `${bucketOf(c.at, w.intervalMs)}|${c.topic}`).map(([key, group]) => ({
      time: key.split('|')[0],
      topic: key.split('|')[1],
      acceptance_rate: share(group, (c) => c.accepted),
    })),
    'Acceptance per topic': groupBy(inRangeCorrections, (c) => c.topic)
      .map(([topic, group]) => ({
        topic,
        correction_count: group.length,
        acceptance_rate: share(group, (c) => c.accepted),
        install_baseline: share(baseline.filter((c) => c.topic === topic), (c) => c.accepted),
        mean_edit_distance: mean(group.map((c) => c.editDistance)),
      }))
      .sort((a, b) => b.correction_count - a.correction_count || (a.topic < b.topic ? -1 : 1)),
    'Thumbs up / down': groupBy(seeded.feedback.filter((f) => inTopics(f.topic) && inRange(f.at)), (f) => bucketOf(f.at, w.intervalMs)).map(([time, group]) => ({
      time,
      thumbs_up: group.filter((f) => f.rating === 'up').length,
      thumbs_down: group.filter((f) => f.rating === 'down').length,
    })),
  } satisfies Record<string, unknown>;
}
