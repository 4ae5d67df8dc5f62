// How the simulated agent and customer read a reply: split into sentences (lines first, then the
// `sentence-splitter` package within a line) and compare sentences by normalised Levenshtein
// distance (fastest-levenshtein), so a draft that words a sentence slightly differently still
// counts as containing it. The simulator keeps its own reading so it never depends on the learner's.
import { distance } from 'fastest-levenshtein';
import { split } from 'sentence-splitter';
import { AGENT_RULES, type AgentRule } from './agentRules.js';
import { TOPICS } from './topics.js';

/** Two sentences say the same thing when at most a quarter of their characters differ. */
export const SAME_SENTENCE_MAX_DISTANCE = 0.25;

const comparable = (text: string) => text.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();

/** Levenshtein distance over the longer length, on whitespace-normalised lower-case text (0 same … 1 different). */
export function normalisedEditDistance(a: string, b: string): number {
  const x = comparable(a);
  const y = comparable(b);
  const longer = Math.max(x.length, y.length);
  return longer === 0 ? 0 : distance(x, y) / longer;
}

// Drafts and replies repeat a lot (one template answer for many tickets), so splits are memoised.
const MEMO_LIMIT = 2048;
const memo = new Map<string, readonly string[]>();

export function splitSentences(text: string): readonly string[] {
  const cached = memo.get(text);
  if (cached) return cached;
  const sentences = Object.freeze(splitUncached(text));
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(text, sentences);
  return sentences;
}

function splitUncached(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    for (const node of split(line)) if (node.type === 'Sentence' && node.raw.trim()) sentences.push(node.raw.trim());
  }
  return sentences;
}

/** Index of the sentence closest to any variant, if within SAME_SENTENCE_MAX_DISTANCE; `taken` indexes are skipped. */
export function findSentence(sentences: readonly string[], variants: readonly string[], taken: ReadonlySet<number> = new Set()): number | undefined {
  let best: number | undefined;
  let bestDistance = SAME_SENTENCE_MAX_DISTANCE;
  sentences.forEach((sentence, i) => {
    if (taken.has(i)) return;
    for (const variant of variants) {
      const d = normalisedEditDistance(sentence, variant);
      if (d <= bestDistance) {
        best = i;
        bestDistance = d;
      }
    }
  });
  return best;
}

/** A rule is in a text when every one of its sentences is there, in any of its phrasings. */
export function ruleInText(rule: AgentRule, sentences: readonly string[]): boolean {
  return rule.sentences.every((variants) => findSentence(sentences, variants) !== undefined);
}

/** Ids of the hidden rules whose additions a text contains (whether or not they applied). */
export function rulesInText(text: string, rules: readonly AgentRule[] = AGENT_RULES): string[] {
  const sentences = splitSentences(text);
  return rules.filter((rule) => ruleInText(rule, sentences)).map((rule) => rule.id);
}

// Every sentence an agent would recognise as content (a topic's answer or follow-up answer, a rule's
// addition): anything else in a draft — a greeting, an acknowledgement, a clarifying question, next
// steps — is framing the product chose.
let contentVariants: readonly string[] | undefined;
const contentMemo = new Map<string, boolean>();

/** Whether a sentence says one of the simulator's content sentences (in any phrasing). */
export function isContentSentence(sentence: string): boolean {
  const cached = contentMemo.get(sentence);
  if (cached !== undefined) return cached;
  contentVariants ??= [
    ...TOPICS.flatMap((t) => [...t.answer.flat(), ...t.followUp.answer.flat()]),
    ...AGENT_RULES.flatMap((r) => r.sentences.flat()),
  ];
  const found = findSentence([sentence], contentVariants) !== undefined;
  if (contentMemo.size >= MEMO_LIMIT) contentMemo.delete(contentMemo.keys().next().value!);
  contentMemo.set(sentence, found);
  return found;
}
