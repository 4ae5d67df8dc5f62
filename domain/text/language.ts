// Language of a customer message, with the `tinyld` package (n-gram profiles, no network, fast on
// short texts). Short chat messages are often ambiguous; below the accuracy floor we answer 'und'
// (undetermined, BCP 47) instead of guessing.
import { detectAll } from 'tinyld';

export interface LanguageGuess {
  /** ISO 639-1 code, or 'und' when the text is too short or ambiguous to tell. */
  language: string;
  /** tinyld's accuracy for the top language, 0..1. */
  confidence: number;
}

/** tinyld's accuracy is a normalised profile match; under half means another language fits nearly as well. */
export const LANGUAGE_MIN_ACCURACY = 0.5;

export function detectLanguage(text: string): LanguageGuess {
  const [best] = detectAll(text);
  if (!best || best.accuracy < LANGUAGE_MIN_ACCURACY) return { language: 'und', confidence: best?.accuracy ?? 0 };
  return { language: best.lang, confidence: best.accuracy };
}
