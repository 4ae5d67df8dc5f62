// "What would it have said on date D, and what changed since": the difference between the draft an
// older learner produces for a message and today's draft, in terms a person reads (sentences added
// and removed, topic, rules, confidence).
import { sentenceTexts } from '../text/sentences.js';
import { diffSentences } from './correctionMining.js';
import type { Suggestion } from './records.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

export interface SuggestionDifference {
  sameDraft: boolean;
  /** Sentences today's draft has that the older one did not. */
  addedSentences: string[];
  /** Sentences of the older draft that today's no longer has. */
  removedSentences: string[];
  topic: { then: string; now: string; changed: boolean };
  rules: { added: string[]; removed: string[] };
  confidence: { then: number; now: number; delta: number };
  modelVersion: { then: string; now: string };
}

export function suggestionDifference(then: Suggestion, now: Suggestion): SuggestionDifference {
  const diff = diffSentences(sentenceTexts(then.draft), sentenceTexts(now.draft), DEFAULT_THRESHOLDS.sameSentenceMax);
  const rulesThen = new Set(then.rules.map((r) => r.ruleId));
  const rulesNow = new Set(now.rules.map((r) => r.ruleId));
  return {
    sameDraft: then.draft === now.draft,
    addedSentences: diff.additions,
    removedSentences: diff.removals,
    topic: { then: then.topic.topic, now: now.topic.topic, changed: then.topic.topic !== now.topic.topic },
    rules: { added: [...rulesNow].filter((r) => !rulesThen.has(r)), removed: [...rulesThen].filter((r) => !rulesNow.has(r)) },
    confidence: { then: then.confidence, now: now.confidence, delta: now.confidence - then.confidence },
    modelVersion: { then: then.modelVersion, now: now.modelVersion },
  };
}
