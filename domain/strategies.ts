// Response strategies: the same content can be sent in different ways, and which way works depends on
// the customer (a frustrated enterprise admin, a developer, a first-week trial user). A strategy is one
// choice on each of three axes; the candidate set of a message is (content × strategy), and the bandit
// (domain/bandit) learns which strategy to use for which context.
//
// applyStrategy is a pure, deterministic rewrite of a draft, sentence by sentence:
// - greeting ("Hi Anna,") and sign-off ("Best regards, …") stay where they are;
// - concise keeps the first `conciseSentences` (default 2) content sentences; detailed keeps every
//   content sentence and adds a next-steps sentence unless the draft already has one;
// - acknowledge puts one empathetic sentence first, picked from a small set by a hash of the seed
//   (the ticket id), so a customer does not get the same words on every ticket and replays agree;
// - clarify asks one question about the topic before the answer, which follows as "in the meantime".
import { createHash } from 'node:crypto';
import { splitSentences, type SentenceSpan } from './text/sentences.js';

export const OPENINGS = ['answer', 'clarify'] as const;
export const LENGTHS = ['concise', 'detailed'] as const;
export const TONES = ['plain', 'acknowledge'] as const;
export type Opening = (typeof OPENINGS)[number];
export type Length = (typeof LENGTHS)[number];
export type Tone = (typeof TONES)[number];

export interface ResponseStrategy {
  /** answer: answer directly; clarify: ask a clarifying question first. */
  opening: Opening;
  length: Length;
  /** acknowledge: an acknowledgement sentence first (for frustrated customers); plain: straight to the point. */
  tone: Tone;
}

/** Stable id, e.g. "answer.concise.plain"; used as the bandit's arm id and stored with each suggestion. */
export function strategyId(strategy: ResponseStrategy): string {
  return `${strategy.opening}.${strategy.length}.${strategy.tone}`;
}

export function parseStrategyId(id: string): ResponseStrategy | undefined {
  const [opening, length, tone, extra] = id.split('.');
  if (extra !== undefined) return undefined;
  if (!OPENINGS.includes(opening as Opening) || !LENGTHS.includes(length as Length) || !TONES.includes(tone as Tone)) return undefined;
  return { opening: opening as Opening, length: length as Length, tone: tone as Tone };
}

/** All 8 combinations, in a fixed order (answer before clarify, concise before detailed, plain before acknowledge). */
export const ALL_STRATEGIES: readonly ResponseStrategy[] = OPENINGS.flatMap((opening) => LENGTHS.flatMap((length) => TONES.map((tone) => ({ opening, length, tone }))));
export const STRATEGY_IDS: readonly string[] = ALL_STRATEGIES.map(strategyId);

/** What the product already does without a learned choice: answer directly, as written, no preamble. */
export const DEFAULT_STRATEGY: ResponseStrategy = { opening: 'answer', length: 'detailed', tone: 'plain' };

export interface StrategyContext {
  /** Topic of the message (e.g. "billing-refund"); the clarifying question names it. */
  topic?: string;
  /** Stable per ticket (the ticket id): picks the acknowledgement wording. */
  seed: string;
  /** Content sentences a concise reply keeps. Default 2. */
  conciseSentences?: number;
}

export const ACKNOWLEDGEMENTS = [
  "I'm sorry this has been so frustrating, and thank you for your patience while we sort it out.",
  'I understand how disruptive this is, and I want to get it resolved for you as quickly as possible.',
  "I'm sorry you've had to deal with this; let's get it fixed.",
  "Thank you for bearing with us. I know this isn't the experience you expected, and I'm on it.",
] as const;

const MEANTIME = 'In the meantime, here is what usually solves it:';
const GREETING = /^(hi|hello|hey|dear|good (morning|afternoon|evening))\b[^.!?]{0,40}[,!.:]?$/i;
const SIGN_OFF = /^(thanks|thank you|many thanks|best|regards|kind regards|best regards|warm regards|cheers|sincerely|all the best|have a (great|good|nice) (day|week))\b[^.!?]{0,40}[,!.]?$/i;
const NEXT_STEPS = /\b(next steps?|reply to this|let (us|me) know|get back to (us|me)|reach out)\b/i;

function hashIndex(seed: string, size: number): number {
  return createHash('sha256').update(seed).digest().readUInt32BE(0) % size;
}

const topicWords = (topic: string | undefined): string | undefined => {
  const words = topic?.replace(/[-_/:]+/g, ' ').trim().toLowerCase();
  return words && words !== 'unknown' ? words : undefined;
};

export function clarifyingQuestion(topic: string | undefined): string {
  const about = topicWords(topic);
  return about
    ? `To point you to the right fix for your ${about} question, could you tell me which account or order it concerns and what you see when it happens (an error message or a screenshot helps)?`
    : 'To point you to the right fix, could you tell me a little more about what you were doing when this happened and what you see (an error message or a screenshot helps)?';
}

export function nextStepsSentence(topic: string | undefined): string {
  const about = topicWords(topic);
  return `Next steps: if anything${about ? ` about your ${about} question` : ''} is still not working after this, reply here with what you see and we will take it from there.`;
}

/** Join spans back with the gap the source had between them (a line break stays a line break). */
function joinSpans(source: string, spans: readonly SentenceSpan[]): string {
  let out = '';
  spans.forEach((span, i) => {
    if (i > 0) {
      const gap = source.slice(spans[i - 1]!.end, span.start);
      out += /\n\s*\n/.test(gap) ? '\n\n' : /\n/.test(gap) ? '\n' : ' ';
    }
    out += span.text;
  });
  return out;
}

interface DraftParts {
  greeting?: string;
  body: SentenceSpan[];
  signOff: SentenceSpan[];
}

function draftParts(spans: readonly SentenceSpan[]): DraftParts {
  let start = 0;
  let greeting: string | undefined;
  if (spans.length > 1 && GREETING.test(spans[0]!.text)) {
    greeting = spans[0]!.text;
    start = 1;
  }
  let end = spans.length;
  // "Best regards," then a name line ("Sam"): the name belongs to the sign-off.
  const nameLine = (span: SentenceSpan) => span.text.split(/\s+/).length <= 3 && !/[.!?]$/.test(span.text);
  if (end > start + 2 && nameLine(spans[end - 1]!) && SIGN_OFF.test(spans[end - 2]!.text)) end -= 2;
  while (end > start + 1 && SIGN_OFF.test(spans[end - 1]!.text)) end -= 1;
  return { greeting, body: spans.slice(start, end), signOff: spans.slice(end) };
}

/** The draft rewritten for a strategy. Empty draft in, only the strategy's own sentences out (or '' when it has none). */
export function applyStrategy(draft: string, strategy: ResponseStrategy, context: StrategyContext): string {
  const spans = splitSentences(draft);
  const { greeting, body, signOff } = draftParts(spans);
  const keep = Math.max(1, context.conciseSentences ?? 2);
  const kept = strategy.length === 'concise' ? body.slice(0, keep) : body;
  const blocks: string[] = [];
  if (greeting) blocks.push(greeting);
  if (strategy.tone === 'acknowledge') blocks.push(ACKNOWLEDGEMENTS[hashIndex(context.seed, ACKNOWLEDGEMENTS.length)]!);
  if (strategy.opening === 'clarify') blocks.push(clarifyingQuestion(context.topic));
  if (kept.length > 0) {
    const answer = joinSpans(draft, kept);
    blocks.push(strategy.opening === 'clarify' ? `${MEANTIME}\n${answer}` : answer);
  }
  if (strategy.length === 'detailed' && kept.length > 0 && !kept.some((s) => NEXT_STEPS.test(s.text))) blocks.push(nextStepsSentence(context.topic));
  if (signOff.length > 0) blocks.push(joinSpans(draft, signOff));
  return blocks.join('\n\n');
}

export interface StrategyCandidate {
  /** `${contentId}|${strategyId}`. */
  candidateId: string;
  contentId: string;
  strategyId: string;
  strategy: ResponseStrategy;
  text: string;
}

/** The candidate set of a message: every content (a retrieved draft) in every allowed strategy. */
export function strategyCandidates(contents: readonly { contentId: string; text: string }[], context: StrategyContext, strategies: readonly ResponseStrategy[] = ALL_STRATEGIES): StrategyCandidate[] {
  return contents.flatMap((content) =>
    strategies.map((strategy) => {
      const id = strategyId(strategy);
      return { candidateId: `${content.contentId}|${id}`, contentId: content.contentId, strategyId: id, strategy, text: applyStrategy(content.text, strategy, context) };
    }),
  );
}

const isStrategySentence = (text: string): boolean =>
  (ACKNOWLEDGEMENTS as readonly string[]).includes(text) || text === MEANTIME || (text.startsWith('To point you to the right fix') && text.endsWith('?')) || text.startsWith('Next steps: if anything');

/**
 * The content of a draft without the sentences a strategy adds (acknowledgement, clarifying question,
 * "in the meantime", next steps). Past replies sent in a strategy are what the learner drafts from
 * later; without this, their strategy sentences would come back as content and be doubled (or
 * contradict the next strategy: a clarifying question in an "answer directly" draft).
 */
export function strategyFreeContent(draft: string): string {
  const spans = splitSentences(draft);
  const kept = spans.filter((span) => !isStrategySentence(span.text));
  return kept.length === spans.length ? draft : joinSpans(draft, kept);
}
