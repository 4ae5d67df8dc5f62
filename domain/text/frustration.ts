// Frustration: how close a customer is to escalating. Sentiment alone misses it ("this is the third
// time I ask" has no negative word), so five independent signals are combined with a noisy-OR,
// 1 - Π(1 - s_i): each signal alone can raise the score, and agreeing signals raise it further.
import { analyseSentiment, type SentimentResult } from './sentiment.js';
import { wordTokens } from './normalise.js';

/** Words and phrases that announce an escalation (legal threats, cancellation, demands for a manager). */
export const ESCALATION_TERMS = [
  'lawyer', 'attorney', 'legal action', 'sue', 'court', 'chargeback', 'dispute',
  'cancel', 'cancellation', 'unsubscribe', 'close my account',
  'unacceptable', 'ridiculous', 'outrageous', 'disgusting', 'worst', 'scam', 'fraud',
  'manager', 'supervisor', 'escalate', 'complaint', 'report you',
  'fed up', 'sick of', 'still waiting', 'still not', 'again', 'third time', 'never again', 'waste of',
] as const;

export type FrustrationLevel = 'calm' | 'annoyed' | 'frustrated';

export interface FrustrationResult {
  /** 0..1, noisy-OR of the signal strengths. */
  score: number;
  level: FrustrationLevel;
  /** The signals that fired, readable ("escalation term: lawyer", "ALL CAPS", "3 prior contacts"). */
  signals: string[];
}

/** Levels: 0.3 is one strong signal (a legal threat, shouting); 0.6 needs two agreeing signals. */
export const ANNOYED_FROM = 0.3;
export const FRUSTRATED_FROM = 0.6;

const TERM_PATTERNS = ESCALATION_TERMS.map((term) => ({ term, pattern: new RegExp(`\\b${term.replace(/ /g, '\\s+')}\\b`, 'i') }));

export function assessFrustration(text: string, options: { priorContacts?: number; sentiment?: SentimentResult } = {}): FrustrationResult {
  const sentiment = options.sentiment ?? analyseSentiment(text);
  const signals: string[] = [];
  const strengths: number[] = [];

  // Negative sentiment: comparative -1 (an average word of "bad") maps to 0.5, capped at 0.8.
  if (sentiment.comparative < 0) {
    strengths.push(Math.min(0.8, -sentiment.comparative / 2));
    signals.push(`negative sentiment (${sentiment.comparative.toFixed(2)})`);
  }
  const terms = TERM_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ term }) => term);
  if (terms.length > 0) {
    strengths.push(Math.min(0.7, 0.3 * terms.length));
    signals.push(`escalation terms: ${terms.join(', ')}`);
  }
  const words = wordTokens(text);
  const shouted = (text.match(/\b\p{Lu}{3,}\b/gu) ?? []).length;
  if (shouted >= 2 || (shouted >= 1 && words.length <= 4)) {
    strengths.push(Math.min(0.6, 0.2 * shouted));
    signals.push('ALL CAPS');
  }
  const bangs = (text.match(/[!?]{2,}/g) ?? []).length;
  if (bangs > 0) {
    strengths.push(Math.min(0.5, 0.25 * bangs));
    signals.push('repeated !/?');
  }
  const prior = options.priorContacts ?? 0;
  if (prior > 0) {
    strengths.push(Math.min(0.6, 0.15 * prior));
    signals.push(`${prior} prior contact${prior === 1 ? '' : 's'}`);
  }

  const score = 1 - strengths.reduce((keep, s) => keep * (1 - s), 1);
  const level: FrustrationLevel = score >= FRUSTRATED_FROM ? 'frustrated' : score >= ANNOYED_FROM ? 'annoyed' : 'calm';
  return { score: Number(score.toFixed(4)), level, signals };
}
