// What the simulated agent sends, given the product's draft and the ideal reply. Deterministic:
//   no draft                         → write the ideal ("written")
//   < half the answer in the draft   → discard it and write the ideal ("rewritten")
//   otherwise reuse the draft         → keep every ideal sentence the draft has, worded as the draft
//                                       words it; drop draft sentences the ideal lacks; insert missing
//                                       ideal sentences where the ideal has them. Nothing to change →
//                                       the draft is sent verbatim ("accepted"), else "edited".
// Two human imperfections, decided by the ticket's dice: a lapse (reusing a draft, the agent does
// not add missing rule sentences) and forgetting (writing from scratch, the agent leaves the rule
// sentences out). Both are what make customers follow up.
// The form of a reused draft is the product's choice (its response strategy), which the agent
// respects: draft sentences that are no content at all (an acknowledgement, a clarifying question,
// "in the meantime", next steps) stay where they are — before the content when the draft has them
// before it, after it otherwise — and a concise draft is not padded with the answer sentences it
// left out (rule additions that apply are still added: they are about the customer, not the form).
import { renderReply, type ReplySentence } from './agentRules.js';
import { findSentence, isContentSentence, normalisedEditDistance, rulesInText, splitSentences } from './replyMatching.js';

/** The simulator's view of acceptance: draft sent with a light edit at most (the product's "lightly edited" boundary). */
export const ACCEPTED_MAX_EDIT_DISTANCE = 0.3;
/** Reuse the draft when at least this share of the answer's sentences is in it. */
export const REUSE_MIN_ANSWER_COVERAGE = 0.5;

export type AgentAction = 'accepted' | 'edited' | 'rewritten' | 'written';

export interface AgentDecision {
  sent: string;
  action: AgentAction;
  /** Normalised edit distance from draft to sent (1 when there was no draft). */
  editDistance: number;
  accepted: boolean;
  /** Share of the ideal's answer sentences found in the draft. */
  answerCoverage: number;
  rulesInDraft: string[];
  rulesInSent: string[];
}

export interface AgentImperfection {
  lapse: boolean;
  forgets: boolean;
}

export interface DraftForm {
  /** The draft is concise on purpose: missing answer sentences are not added back. */
  concise: boolean;
}

export function agentReply(draft: string, ideal: readonly ReplySentence[], imperfection: AgentImperfection = { lapse: false, forgets: false }, form: DraftForm = { concise: false }): AgentDecision {
  const draftSentences = splitSentences(draft);
  const taken = new Set<number>();
  const matches = ideal.map((sentence) => {
    const index = findSentence(draftSentences, sentence.variants, taken);
    if (index !== undefined) taken.add(index);
    return index;
  });
  const answerSlots = ideal.flatMap((sentence, i) => (sentence.source === 'answer' ? [i] : []));
  const answerCoverage = answerSlots.length === 0 ? 0 : answerSlots.filter((i) => matches[i] !== undefined).length / answerSlots.length;
  const withoutRules = ideal.filter((s) => s.source === 'answer');

  let sent: string;
  let action: AgentAction;
  if (draftSentences.length === 0) {
    sent = renderReply(imperfection.forgets ? withoutRules : ideal);
    action = 'written';
  } else if (answerCoverage < REUSE_MIN_ANSWER_COVERAGE) {
    sent = renderReply(imperfection.forgets ? withoutRules : ideal);
    action = 'rewritten';
  } else {
    type Part = { source: string; text: string; draftIndex: number | undefined };
    const content = ideal.flatMap((sentence, i): Part[] => {
      const index = matches[i];
      if (index !== undefined) return [{ source: sentence.source, text: draftSentences[index]!, draftIndex: index }];
      if (imperfection.lapse && sentence.source !== 'answer') return [];
      if (form.concise && sentence.source === 'answer') return [];
      return [{ source: sentence.source, text: sentence.text, draftIndex: undefined }];
    });
    const firstContent = Math.min(...matches.filter((m): m is number => m !== undefined));
    const framing = draftSentences.flatMap((text, i): Part[] => (taken.has(i) || isContentSentence(text) ? [] : [{ source: `framing:${i < firstContent ? 'opening' : 'closing'}`, text, draftIndex: i }]));
    const merged = [...framing.filter((f) => f.draftIndex! < firstContent), ...content, ...framing.filter((f) => f.draftIndex! > firstContent)];
    const unchanged = merged.length === draftSentences.length && merged.every((m, i) => m.draftIndex === i);
    sent = unchanged ? draft : renderReply(merged);
    action = unchanged ? 'accepted' : 'edited';
  }
  const editDistance = draftSentences.length === 0 ? 1 : normalisedEditDistance(draft, sent);
  return {
    sent,
    action,
    editDistance,
    accepted: draftSentences.length > 0 && editDistance <= ACCEPTED_MAX_EDIT_DISTANCE,
    answerCoverage,
    rulesInDraft: rulesInText(draft),
    rulesInSent: rulesInText(sent),
  };
}
