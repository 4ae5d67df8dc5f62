// Frustration: how close a customer is to escalating. Sentiment alone misses it ("this is the third
// time I ask" has no negative word) and over-reads it (a bug report is full of "error" and "fail"),
// so independent signals are combined with a noisy-OR, 1 - Π(1 - s_i): one signal alone can raise
// the score, agreeing signals raise it further. The signals are the usual escalation cues of support
// work: anger words, threats to leave or escalate, waiting and repetition, shouting, repeated
// punctuation, repeat contacts, and (weakly) negative sentiment.
import { analyseSentiment, type SentimentResult } from './sentiment.js';

/** Words that express anger or exasperation (not problem descriptions like "error" or "broken"). */
export const ANGER_TERMS = [
  'frustrated', 'frustrating', 'frustration', 'annoyed', 'annoying', 'angry', 'furious', 'livid', 'ridiculous', 'unacceptable',
  'outrageous', 'disgusting', 'disappointed', 'disappointing', 'useless', 'terrible', 'awful', 'horrible', 'worst',
  'hate', 'pathetic', 'incompetent', 'joke', 'fed up', 'sick of', 'waste of',
] as const;

/** Threats: legal action, payment disputes, going public or to a competitor. */
export const THREAT_TERMS = [
  'lawyer', 'attorney', 'legal action', 'sue', 'court', 'chargeback', 'dispute', 'report you', 'never again', 'competitor',
] as const;

/** Asking to go over the agent's head. */
export const ESCALATION_TERMS = ['manager', 'supervisor', 'escalate', 'complaint', 'speak to a human', 'real person'] as const;

/**
 * Wanting to leave. Weak alone (most "cancel my order" messages are routine), it tips the score
 * when another signal agrees.
 */
export const LEAVING_TERMS = ['cancel', 'cancellation', 'close my account', 'unsubscribe', 'delete my account'] as const;

/** Waiting and repetition: the customer has been here before. */
export const REPETITION_TERMS = [
  'again', 'still', 'third time', 'second time', 'how many times', 'keep asking', 'nobody', 'no one', 'no response', 'no reply',
  'for hours', 'for days', 'for weeks', 'all day', 'waiting',
] as const;

export type FrustrationLevel = 'calm' | 'annoyed' | 'frustrated';

export interface FrustrationResult {
  /** 0..1, noisy-OR of the signal strengths. */
  score: number;
  level: FrustrationLevel;
  /** The signals that fired, readable ("anger: ridiculous", "ALL CAPS", "3 prior contacts"). */
  signals: string[];
}

/** Levels: annoyed is one clear signal (an anger word, a threat, shouting); frustrated needs two agreeing signals. */
export const ANNOYED_FROM = 0.3;
export const FRUSTRATED_FROM = 0.5;

const patterns = (terms: readonly string[]) => terms.map((term) => ({ term, pattern: new RegExp(`\\b${term.replace(/ /g, '\\s+')}\\b`, 'i') }));
const LEXICONS = [
  { name: 'anger', terms: patterns(ANGER_TERMS), each: 0.35, cap: 0.7 },
  { name: 'threat', terms: patterns(THREAT_TERMS), each: 0.35, cap: 0.7 },
  { name: 'escalation', terms: patterns(ESCALATION_TERMS), each: 0.3, cap: 0.6 },
  { name: 'leaving', terms: patterns(LEAVING_TERMS), each: 0.2, cap: 0.3 },
  { name: 'repetition', terms: patterns(REPETITION_TERMS), each: 0.2, cap: 0.45 },
];

export function assessFrustration(text: string, options: { priorContacts?: number; sentiment?: SentimentResult } = {}): FrustrationResult {
  const sentiment = options.sentiment ?? analyseSentiment(text);
  const signals: string[] = [];
  const strengths: number[] = [];
  const add = (strength: number, signal: string) => {
    strengths.push(strength);
    signals.push(signal);
  };

  for (const lexicon of LEXICONS) {
    const found = lexicon.terms.filter(({ pattern }) => pattern.test(text)).map(({ term }) => term);
    if (found.length > 0) add(Math.min(lexicon.cap, lexicon.each * found.length), `${lexicon.name}: ${found.join(', ')}`);
  }
  // Shouting: upper-case words of five letters or more (shorter ones are mostly acronyms: CSV, API, SSO).
  const shouted = (text.match(/\b\p{Lu}{5,}\b/gu) ?? []).length;
  if (shouted >= 1) add(Math.min(0.6, 0.3 * shouted), 'ALL CAPS');
  const bangs = (text.match(/[!?]{2,}/g) ?? []).length;
  if (bangs > 0) add(Math.min(0.5, 0.25 * bangs), 'repeated !/?');
  const prior = options.priorContacts ?? 0;
  if (prior > 0) add(Math.min(0.6, 0.15 * prior), `${prior} prior contact${prior === 1 ? '' : 's'}`);
  // Weak on purpose (alone it stays below annoyed): support messages describe problems in negative
  // words without being upset.
  if (sentiment.comparative <= -0.1) add(Math.min(0.2, -sentiment.comparative), `negative sentiment (${sentiment.comparative.toFixed(2)})`);

  const score = 1 - strengths.reduce((keep, s) => keep * (1 - s), 1);
  const level: FrustrationLevel = score >= FRUSTRATED_FROM ? 'frustrated' : score >= ANNOYED_FROM ? 'annoyed' : 'calm';
  return { score: Number(score.toFixed(4)), level, signals };
}
