// The learning curve, prequentially: every ticket is drafted by the learner as it stood before the
// ticket, scored against the agent's real reply and label, and only then learned. The same
// learner code the product runs; per-window figures are what `eval` prints and charts.
import { wordTokens } from '../text/normalise.js';
import type { DatasetTicket } from './datasetTickets.js';
import type { Learner } from './learner.js';
import type { CorrectionClass } from './records.js';
import { draftEditDistance } from './correctionMining.js';
import { REPLY_BASELINES, type ReplyBaselineName, type ReplyBaselines } from './replyBaselines.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';
import { UNKNOWN_TOPIC } from './topicClassifier.js';

export interface TicketScore {
  index: number;
  topicTrue?: string;
  topicPredicted: string;
  drafted: boolean;
  editDistance: number;
  accepted: boolean;
  correctionClass: CorrectionClass;
  /** Bag-of-words F1 of draft vs reply (0 without a draft), comparable with SOURCE.md's baselines. */
  tokenF1: number;
  /** Rules whose content the draft carries (added or kept). */
  rulesApplied: number;
  activeRules: number;
  /** The naive drafts replayed beside the learner (replyBaselines.ts), when `eval` runs them. */
  baselines?: Partial<Record<ReplyBaselineName, DraftScore>>;
}

export interface DraftScore {
  editDistance: number;
  tokenF1: number;
  accepted: boolean;
}

/** How close a window's drafts came to the replies sent: the learner's and each baseline's alike. */
export interface DraftFigures {
  /** Share of tickets whose draft was within the acceptance edit-distance threshold. */
  acceptance: number;
  /** Mean normalised edit distance, 1 for tickets without a draft. */
  meanEditDistance: number;
  meanTokenF1: number;
}

export interface WindowSummary extends DraftFigures {
  window: number;
  from: number;
  to: number;
  tickets: number;
  /** Share of labelled tickets whose predicted topic equals the label ('unknown' counts as wrong); null without labels. */
  topicAccuracy: number | null;
  /** Share of tickets with a topic other than 'unknown'. */
  topicCoverage: number;
  /** Share of tickets with a non-empty draft. */
  draftCoverage: number;
  /** Mean normalised edit distance over drafted tickets only. */
  meanEditDistanceDrafted: number;
  classes: Record<CorrectionClass, number>;
  activeRulesAtEnd: number;
  /** The same figures for each naive draft replayed beside the learner (empty when none ran). */
  baselines: Partial<Record<ReplyBaselineName, DraftFigures>>;
}

export function tokenF1(candidate: string, reference: string): number {
  const a = wordTokens(candidate);
  const b = wordTokens(reference);
  if (a.length === 0 || b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const token of b) counts.set(token, (counts.get(token) ?? 0) + 1);
  let overlap = 0;
  for (const token of a) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      overlap += 1;
      counts.set(token, left - 1);
    }
  }
  if (overlap === 0) return 0;
  const precision = overlap / a.length;
  const recall = overlap / b.length;
  return (2 * precision * recall) / (precision + recall);
}

function scoreDraft(draft: string, reply: string): DraftScore {
  const editDistance = draftEditDistance(draft, reply);
  return { editDistance: Number(editDistance.toFixed(4)), tokenF1: tokenF1(draft, reply), accepted: editDistance <= DEFAULT_THRESHOLDS.lightlyEditedMax };
}

/** Draft, score, learn — for one ticket (and, given baselines, their drafts from the same history). */
export function replayTicket(learner: Learner, ticket: DatasetTicket, index: number, baselines?: ReplyBaselines): TicketScore {
  const message = { ticketId: ticket.id, text: ticket.text, at: ticket.at, channel: ticket.channel, customer: ticket.customer, priorContacts: ticket.priorContacts };
  const baselineDrafts = baselines?.draft(ticket);
  baselines?.learn(ticket);
  const suggestion = learner.draft(message);
  const { correction } = learner.learn({ kind: 'ticket', id: ticket.id, at: ticket.at, message, topic: ticket.topic, reply: ticket.reply, escalated: ticket.escalated, suggestion });
  if (!correction) throw new Error(`ticket ${ticket.id} has a reply but produced no correction`);
  return {
    index,
    topicTrue: ticket.topic,
    topicPredicted: suggestion.topic.topic,
    drafted: suggestion.draft.trim() !== '',
    editDistance: correction.editDistance,
    accepted: correction.accepted,
    correctionClass: correction.class,
    tokenF1: tokenF1(suggestion.draft, ticket.reply),
    rulesApplied: suggestion.rules.filter((r) => r.effect !== 'removed').length,
    activeRules: learner.activeRules().length,
    ...(baselineDrafts && {
      baselines: Object.fromEntries(REPLY_BASELINES.flatMap((name) => { const draft = baselineDrafts[name]; return draft === undefined ? [] : [[name, scoreDraft(draft, ticket.reply)]]; })) as Partial<Record<ReplyBaselineName, DraftScore>>,
    }),
  };
}

const mean = (values: readonly number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
const round = (x: number): number => Number(x.toFixed(4));

function draftFigures(scores: readonly DraftScore[]): DraftFigures {
  return {
    acceptance: round(scores.filter((s) => s.accepted).length / Math.max(1, scores.length)),
    meanEditDistance: round(mean(scores.map((s) => s.editDistance))),
    meanTokenF1: round(mean(scores.map((s) => s.tokenF1))),
  };
}

export function summariseWindow(scores: readonly TicketScore[], window: number): WindowSummary {
  const labelled = scores.filter((s) => s.topicTrue !== undefined);
  const drafted = scores.filter((s) => s.drafted);
  const classes: Record<CorrectionClass, number> = { accepted: 0, 'lightly-edited': 0, rewritten: 0, ignored: 0 };
  for (const s of scores) classes[s.correctionClass] += 1;
  return {
    window,
    from: scores[0]?.index ?? 0,
    to: scores[scores.length - 1]?.index ?? 0,
    tickets: scores.length,
    topicAccuracy: labelled.length ? round(labelled.filter((s) => s.topicPredicted === s.topicTrue).length / labelled.length) : null,
    topicCoverage: round(scores.filter((s) => s.topicPredicted !== UNKNOWN_TOPIC).length / Math.max(1, scores.length)),
    draftCoverage: round(drafted.length / Math.max(1, scores.length)),
    ...draftFigures(scores),
    meanEditDistanceDrafted: round(mean(drafted.map((s) => s.editDistance))),
    classes,
    activeRulesAtEnd: scores[scores.length - 1]?.activeRules ?? 0,
    baselines: Object.fromEntries(REPLY_BASELINES.flatMap((name) => {
      const own = scores.flatMap((s) => s.baselines?.[name] ?? []);
      return own.length === 0 ? [] : [[name, draftFigures(own)]];
    })),
  };
}

/**
 * Consecutive windows of `size` tickets. A remainder shorter than half a window is folded into the
 * last full window instead of standing alone (a 14-ticket window would only plot noise).
 */
export function summariseWindows(scores: readonly TicketScore[], size: number): WindowSummary[] {
  const bounds: Array<[number, number]> = [];
  for (let start = 0; start < scores.length; start += size) bounds.push([start, Math.min(scores.length, start + size)]);
  const last = bounds[bounds.length - 1];
  if (bounds.length > 1 && last && last[1] - last[0] < size / 2) {
    bounds.pop();
    bounds[bounds.length - 1]![1] = last[1];
  }
  return bounds.map(([from, to], i) => summariseWindow(scores.slice(from, to), i + 1));
}
