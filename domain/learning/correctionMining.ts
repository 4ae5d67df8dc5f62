// The invisible feedback: what the agent did to a draft. Character edit distance (fastest-levenshtein)
// says how much changed; a sentence-level diff (jsdiff's diffArrays with a fuzzy sentence comparator)
// says what was added, removed and edited. See thresholds.ts for the class boundaries.
import { diffArrays } from 'diff';
import { normaliseForComparison } from '../text/normalise.js';
import { sentenceTexts } from '../text/sentences.js';
import { normalisedEditDistance } from './resolutionTemplates.js';
import type { Correction, CorrectionClass, Suggestion } from './records.js';
import type { LearnerThresholds } from './thresholds.js';

export interface SentenceDiff {
  additions: string[];
  removals: string[];
  edits: Array<{ from: string; to: string }>;
  /** Draft sentences that survived, paired with their sent form. */
  kept: Array<{ from: string; to: string }>;
}

/** Same sentence, possibly edited: normalised edit distance within the threshold. */
export function sameSentence(a: string, b: string, maxDistance: number): boolean {
  const x = normaliseForComparison(a);
  const y = normaliseForComparison(b);
  if (x === y) return true;
  const longer = Math.max(x.length, y.length);
  if (Math.abs(x.length - y.length) > maxDistance * longer) return false;
  return normalisedEditDistance(x, y) <= maxDistance;
}

export function diffSentences(draft: readonly string[], sent: readonly string[], maxDistance: number): SentenceDiff {
  const result: SentenceDiff = { additions: [], removals: [], edits: [], kept: [] };
  const parts = diffArrays([...draft], [...sent], { comparator: (a: string, b: string) => sameSentence(a, b, maxDistance) });
  let draftAt = 0;
  let sentAt = 0;
  for (const part of parts) {
    const count = part.count ?? part.value.length;
    if (part.added) {
      result.additions.push(...sent.slice(sentAt, sentAt + count));
      sentAt += count;
    } else if (part.removed) {
      result.removals.push(...draft.slice(draftAt, draftAt + count));
      draftAt += count;
    } else {
      for (let i = 0; i < count; i += 1) {
        const pair = { from: draft[draftAt + i]!, to: sent[sentAt + i]! };
        result.kept.push(pair);
        if (normaliseForComparison(pair.from) !== normaliseForComparison(pair.to)) result.edits.push(pair);
      }
      draftAt += count;
      sentAt += count;
    }
  }
  return result;
}

export function correctionClass(editDistance: number, keptSentences: number, thresholds: LearnerThresholds): CorrectionClass {
  if (editDistance <= thresholds.acceptedMax) return 'accepted';
  if (editDistance <= thresholds.lightlyEditedMax) return 'lightly-edited';
  return keptSentences > 0 ? 'rewritten' : 'ignored';
}

export interface MineInput {
  suggestion: Suggestion;
  sentReply: string;
  /** Topic the correction is keyed by: the resolved label when known, else the predicted topic. */
  topic?: string;
  escalated?: boolean;
  thresholds: LearnerThresholds;
}

/** How far the sent reply is from a draft: normalised edit distance after whitespace/case normalisation, 1 for no draft. */
export function draftEditDistance(draft: string, sentReply: string): number {
  return draft.trim() ? normalisedEditDistance(normaliseForComparison(draft), normaliseForComparison(sentReply)) : 1;
}

export function mineCorrection(input: MineInput): Correction {
  const { suggestion, sentReply, thresholds } = input;
  const draftSentences = sentenceTexts(suggestion.draft);
  const sentSentences = sentenceTexts(sentReply);
  const diff = diffSentences(draftSentences, sentSentences, thresholds.sameSentenceMax);
  const editDistance = draftEditDistance(suggestion.draft, sentReply);
  const rulesKept: string[] = [];
  const rulesRemoved: string[] = [];
  for (const rule of suggestion.rules) {
    if (rule.effect === 'removed') continue;
    const survived = sentenceTexts(rule.content).every((s) => sentSentences.some((t) => sameSentence(s, t, thresholds.sameSentenceMax)));
    (survived ? rulesKept : rulesRemoved).push(rule.ruleId);
  }
  return {
    suggestionId: suggestion.suggestionId,
    ticketId: suggestion.ticketId,
    modelVersion: suggestion.modelVersion,
    class: correctionClass(editDistance, diff.kept.length, thresholds),
    editDistance: Number(editDistance.toFixed(4)),
    accepted: editDistance <= thresholds.lightlyEditedMax,
    additions: diff.additions,
    removals: diff.removals,
    edits: diff.edits,
    kept: diff.kept.length,
    rulesKept,
    rulesRemoved,
    escalatedWhileConfident: Boolean(input.escalated) && suggestion.draft.trim() !== '' && suggestion.confidence >= thresholds.handleConfidence,
    topic: input.topic ?? suggestion.topic.topic,
    context: suggestion.context,
  };
}
