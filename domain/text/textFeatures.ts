// Everything the product reads off one customer message, in one call: language, sentiment,
// frustration. Used by classification, drafting (context features) and the stored suggestion.
import { detectLanguage, type LanguageGuess } from './language.js';
import { analyseSentiment, type SentimentResult } from './sentiment.js';
import { assessFrustration, type FrustrationResult } from './frustration.js';
import { wordTokens } from './normalise.js';

export interface TextFeatures {
  language: LanguageGuess;
  sentiment: SentimentResult;
  frustration: FrustrationResult;
  wordCount: number;
}

export function extractTextFeatures(text: string, options: { priorContacts?: number } = {}): TextFeatures {
  const sentiment = analyseSentiment(text);
  return {
    language: detectLanguage(text),
    sentiment,
    frustration: assessFrustration(text, { priorContacts: options.priorContacts, sentiment }),
    wordCount: wordTokens(text).length,
  };
}

/** The signals stored with a message (events table, volume rollups): the same for live and imported messages. */
export function storedTextSignals(features: TextFeatures): { language: string; sentiment: number; frustration: number } {
  return { language: features.language.language, sentiment: Number(features.sentiment.comparative.toFixed(4)), frustration: features.frustration.score };
}
