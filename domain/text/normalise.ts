// Text normalisation shared by classification, retrieval and correction mining, so that "the same
// words" means the same thing everywhere: Unicode NFKC, lower case, stop words removed (the
// `stopword` package's English list) and Porter stems (the `stemmer` package).
import { stemmer } from 'stemmer';
import { eng } from 'stopword';
import { BoundedMemo } from './boundedMemo.js';

const STOPWORDS = new Set(eng);
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const DIGITS_ONLY = /^\p{N}+$/u;

/** NFKC and collapsed whitespace; keeps case and punctuation (for display and diffing). */
export function normaliseWhitespace(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** The form two texts are compared in: whitespace-normalised and lower case. */
export function normaliseForComparison(text: string): string {
  return normaliseWhitespace(text).toLowerCase();
}

/** Lower-case word tokens, punctuation dropped, apostrophes inside words kept ("don't"). */
export function wordTokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

// Index terms memoised per token: a vocabulary is small next to the tokens read (every message and
// reply, again for every clustering check), and stemming was a tenth of learning time.
const termMemo = new BoundedMemo<string, string | null>(100_000);

/**
 * One token to its index term: null for stop words, pure numbers (order ids, amounts: they name a
 * case, not a topic) and single letters; otherwise its stem. Also MiniSearch's `processTerm`.
 */
export function indexTerm(token: string): string | null {
  return termMemo.get(token, () => {
    const lower = token.toLowerCase().replace(/’/g, "'");
    return lower.length < 2 || STOPWORDS.has(lower) || DIGITS_ONLY.test(lower) ? null : stemmer(lower.replace(/'s$/, ''));
  });
}

/** Index terms of a text, in order, duplicates kept. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of wordTokens(text)) {
    const term = indexTerm(token);
    if (term) terms.push(term);
  }
  return terms;
}

/** Term → count, the bag of words of a text. */
export function termCounts(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/** Dice coefficient of two term sets: 2|A∩B| / (|A|+|B|), 0 when both are empty. */
export function diceSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size + b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const term of small) if (large.has(term)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}
