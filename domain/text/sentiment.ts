// Sentiment of a customer message with the `sentiment` package (AFINN-165 word list with negation
// handling). `comparative` is the score per token, which keeps long and short messages comparable.
import Sentiment from 'sentiment';

const analyser = new Sentiment();

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface SentimentResult {
  /** Sum of AFINN word scores (-5..5 per word). */
  score: number;
  /** score / number of tokens. */
  comparative: number;
  label: SentimentLabel;
  negativeWords: string[];
  positiveWords: string[];
}

/**
 * |comparative| below 0.1 is neutral: one mildly coloured word (AFINN ±1) in a ten-word message,
 * which is how AFINN's own examples read "neutral" text.
 */
export const NEUTRAL_BAND = 0.1;

export function analyseSentiment(text: string): SentimentResult {
  const result = analyser.analyze(text);
  const label: SentimentLabel = result.comparative <= -NEUTRAL_BAND ? 'negative' : result.comparative >= NEUTRAL_BAND ? 'positive' : 'neutral';
  return { score: result.score, comparative: result.comparative, label, negativeWords: result.negative, positiveWords: result.positive };
}
