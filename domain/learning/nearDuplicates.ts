// Near-duplicate questions over a tenant's remembered history. The full-text index keeps only each
// template's recent questions (it bounds search cost), so when a question comes back weeks later
// (a repeat customer, a form, a macro'd request) its earlier occurrence is no longer retrievable.
// This finds it in constant time per question: MinHash signatures of each question's word set,
// banded for locality-sensitive hashing (Broder 1997; Leskovec, Rajaraman & Ullman, "Mining of
// Massive Datasets", ch. 3), candidates confirmed by their exact Jaccard similarity.
// Written here because no maintained npm package fits: `minhash` (0.0.x) multiplies 32-bit values in
// doubles (losing precision) and its index cannot forget, and `@agtabesh/lsh` needs a native addon
// whose install script npm skips.
import { wordTokens } from '../text/normalise.js';

/**
 * Two questions are near-duplicates when their word sets have Jaccard similarity of at least this:
 * for two questions of equal length, two words in three shared. Words, not index terms: stop words
 * and order numbers are what make a question the *same* one (a repeat customer quoting their order).
 */
export const NEAR_DUPLICATE_JACCARD = 0.5;
/**
 * 16 bands of 4 MinHash values: a pair with similarity J becomes a candidate with probability
 * 1 − (1 − J⁴)¹⁶, whose midpoint (1/16)^(1/4) is the 0.5 above; J = 0.7 is found 99% of the time,
 * J = 0.3 is looked at 12% of the time (and then rejected by the exact check).
 */
const BANDS = 16;
const ROWS_PER_BAND = 4;
const SIGNATURE_LENGTH = BANDS * ROWS_PER_BAND;
/** Each bucket keeps its newest questions: a bucket of words half the history shares stays cheap to read. */
const BUCKET_CAPACITY = 32;

/** Murmur3's 32-bit finaliser: a bijection that mixes every input bit into every output bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a over UTF-16 code units. */
function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One fixed seed per MinHash function: the signature must be the same in every process (folds, asOf). */
const SEEDS = Array.from({ length: SIGNATURE_LENGTH }, (_, k) => mix32(0x9e3779b9 * (k + 1)));

/** A question's distinct word hashes, ascending (for the exact Jaccard by merging). */
function wordSet(text: string): Uint32Array {
  return Uint32Array.from(new Set(wordTokens(text).map(stringHash))).sort();
}

function jaccard(a: Uint32Array, b: Uint32Array): number {
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared += 1;
      i += 1;
      j += 1;
    } else if (a[i]! < b[j]!) i += 1;
    else j += 1;
  }
  const union = a.length + b.length - shared;
  return union === 0 ? 0 : shared / union;
}

/** The bucket key of each band: its index and its rows' minimum hashes, mixed into 32 bits. */
function bandKeys(words: Uint32Array): number[] {
  const minima = new Uint32Array(SIGNATURE_LENGTH).fill(0xffffffff);
  for (const word of words) {
    for (let k = 0; k < SIGNATURE_LENGTH; k += 1) {
      const h = mix32(word ^ SEEDS[k]!);
      if (h < minima[k]!) minima[k] = h;
    }
  }
  const keys: number[] = [];
  for (let band = 0; band < BANDS; band += 1) {
    let key = mix32(band + 1);
    for (let row = 0; row < ROWS_PER_BAND; row += 1) key = mix32(key ^ minima[band * ROWS_PER_BAND + row]!);
    keys.push(key);
  }
  return keys;
}

/** A question as the index sees it: its word set and its bands' bucket keys (computed once per question). */
export interface QuestionSignature {
  words: Uint32Array;
  bands: number[];
}

export function questionSignature(question: string): QuestionSignature {
  const words = wordSet(question);
  return { words, bands: words.length === 0 ? [] : bandKeys(words) };
}

export interface NearDuplicate<T> {
  item: T;
  /** Jaccard similarity of the two questions' word sets. */
  jaccard: number;
}

interface Remembered<T> extends QuestionSignature {
  key: string;
  order: number;
  item: T;
}

/** Buckets hold the same entries as `remembered`: the state must be serialised as one graph (learnerState.ts). */
export interface NearDuplicateState<T> {
  remembered: Map<string, Remembered<T>>;
  buckets: Map<number, Remembered<T>[]>;
  added: number;
}

export class NearDuplicateQuestions<T> {
  /** Remembered questions by key, oldest first (Map keeps insertion order). */
  private remembered = new Map<string, Remembered<T>>();
  private buckets = new Map<number, Remembered<T>[]>();
  private added = 0;

  /** `capacity`: most questions remembered; past it the oldest is forgotten. */
  constructor(private readonly options: { capacity: number }) {}

  get size(): number {
    return this.remembered.size;
  }

  /** Remember a question (once per key) with what it led to. A question without words is not remembered. */
  add(key: string, question: QuestionSignature, item: T): void {
    if (this.remembered.has(key) || question.words.length === 0) return;
    const entry: Remembered<T> = { key, order: this.added, words: question.words, bands: question.bands, item };
    this.added += 1;
    this.remembered.set(key, entry);
    for (const band of entry.bands) {
      const bucket = this.buckets.get(band) ?? [];
      bucket.push(entry);
      if (bucket.length > BUCKET_CAPACITY) bucket.shift();
      this.buckets.set(band, bucket);
    }
    if (this.remembered.size > this.options.capacity) this.forget(this.remembered.values().next().value!);
  }

  /** Remembered near-duplicates of a question, most similar first (ties: the newer first). */
  find(question: QuestionSignature): NearDuplicate<T>[] {
    const seen = new Set<Remembered<T>>();
    const found: (NearDuplicate<T> & { order: number })[] = [];
    for (const band of question.bands) {
      for (const entry of this.buckets.get(band) ?? []) {
        if (seen.has(entry)) continue;
        seen.add(entry);
        const similarity = jaccard(question.words, entry.words);
        if (similarity >= NEAR_DUPLICATE_JACCARD) found.push({ item: entry.item, jaccard: similarity, order: entry.order });
      }
    }
    return found.sort((a, b) => b.jaccard - a.jaccard || b.order - a.order).map(({ item, jaccard: similarity }) => ({ item, jaccard: similarity }));
  }

  exportState(): NearDuplicateState<T> {
    return { remembered: this.remembered, buckets: this.buckets, added: this.added };
  }

  restoreState(state: NearDuplicateState<T>): void {
    ({ remembered: this.remembered, buckets: this.buckets, added: this.added } = state);
  }

  private forget(entry: Remembered<T>): void {
    this.remembered.delete(entry.key);
    for (const band of entry.bands) {
      const bucket = this.buckets.get(band);
      const at = bucket?.indexOf(entry) ?? -1;
      if (at < 0) continue;
      bucket!.splice(at, 1);
      if (bucket!.length === 0) this.buckets.delete(band);
    }
  }
}
