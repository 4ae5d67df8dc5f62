// Topic classifier: multinomial naive Bayes over stemmed words and word pairs, updated one labelled
// ticket at a time, with online calibration.
//
// Written here rather than taken from a library because continuous learning is the product's core:
// the NB classifiers on npm (natural, bayes) either retrain over every document or expose no
// posterior, and we need O(words) updates, deterministic output and a calibrated probability.
// Calibration is prequential: before a labelled ticket is learned, the learner scores it and records
// (raw posterior, was it right) in ten bins; the reported confidence is the bin's observed accuracy,
// shrunk toward the raw posterior while the bin has few observations.
import { contentTerms } from '../text/normalise.js';
import type { TopicPrediction } from './records.js';

export const UNKNOWN_TOPIC = 'unknown';

interface TopicCounts {
  docs: number;
  total: number;
  terms: Map<string, number>;
}

export interface RawTopicScore {
  /** Best topic, undefined before anything was learned or when no term of the text was ever seen. */
  topic?: string;
  posterior: number;
  /** Share of the text's features seen in training. */
  knownShare: number;
}

const BINS = 10;

/** Unigrams plus adjacent pairs ("cancel order" and "track order" differ by their pair). */
export function topicFeatures(text: string): string[] {
  const terms = contentTerms(text);
  const features = [...terms];
  for (let i = 1; i < terms.length; i += 1) features.push(`${terms[i - 1]}_${terms[i]}`);
  return features;
}

/** What a classifier has learned (learnerState.ts): its live structures, not copies. */
export interface TopicClassifierState {
  topics: Map<string, TopicCounts>;
  vocabulary: Set<string>;
  documents: number;
  bins: Array<{ seen: number; right: number }>;
}

export class TopicClassifier {
  private topics = new Map<string, TopicCounts>();
  private vocabulary = new Set<string>();
  private documents = 0;
  private bins = Array.from({ length: BINS }, () => ({ seen: 0, right: 0 }));

  constructor(private readonly options: { smoothing: number; minConfidence: number; calibrationPriorWeight: number }) {}

  get topicCount(): number {
    return this.topics.size;
  }

  get documentCount(): number {
    return this.documents;
  }

  learn(text: string, topic: string): void {
    let counts = this.topics.get(topic);
    if (!counts) {
      counts = { docs: 0, total: 0, terms: new Map() };
      this.topics.set(topic, counts);
    }
    counts.docs += 1;
    this.documents += 1;
    for (const feature of topicFeatures(text)) {
      counts.terms.set(feature, (counts.terms.get(feature) ?? 0) + 1);
      counts.total += 1;
      this.vocabulary.add(feature);
    }
  }

  /** Record whether a prediction made before learning the label was right (prequential calibration). */
  observe(raw: RawTopicScore, trueTopic: string): void {
    if (!raw.topic) return;
    const bin = this.bins[binOf(raw.posterior)]!;
    bin.seen += 1;
    if (raw.topic === trueTopic) bin.right += 1;
  }

  scoreRaw(text: string): RawTopicScore {
    const features = topicFeatures(text);
    const known = features.filter((f) => this.vocabulary.has(f));
    if (this.topics.size === 0 || known.length === 0) return { posterior: 0, knownShare: 0 };
    const { smoothing } = this.options;
    const vocabularySize = this.vocabulary.size;
    const logScores: Array<[string, number]> = [];
    for (const [topic, counts] of this.topics) {
      let log = Math.log(counts.docs / this.documents);
      const denominator = Math.log(counts.total + smoothing * vocabularySize);
      for (const feature of known) log += Math.log((counts.terms.get(feature) ?? 0) + smoothing) - denominator;
      logScores.push([topic, log]);
    }
    let best = logScores[0]!;
    for (const entry of logScores) if (entry[1] > best[1]) best = entry;
    let sum = 0;
    for (const [, log] of logScores) sum += Math.exp(log - best[1]);
    return { topic: best[0], posterior: 1 / sum, knownShare: known.length / features.length };
  }

  /** Calibrated probability that a raw prediction is right. */
  calibrated(raw: RawTopicScore): number {
    if (!raw.topic) return 0;
    const bin = this.bins[binOf(raw.posterior)]!;
    const prior = this.options.calibrationPriorWeight;
    return (bin.right + prior * raw.posterior) / (bin.seen + prior);
  }

  classify(text: string): TopicPrediction {
    return this.predict(this.scoreRaw(text));
  }

  /** The prediction for a raw score (lets a caller that already scored a text skip scoring it again). */
  predict(raw: RawTopicScore): TopicPrediction {
    const confidence = Number(this.calibrated(raw).toFixed(4));
    const best = raw.topic ?? UNKNOWN_TOPIC;
    return { topic: confidence >= this.options.minConfidence ? best : UNKNOWN_TOPIC, confidence, best };
  }

  exportState(): TopicClassifierState {
    return { topics: this.topics, vocabulary: this.vocabulary, documents: this.documents, bins: this.bins };
  }

  /** Continue from an exported state (a fresh classifier's, with the options it was exported under). */
  restoreState(state: TopicClassifierState): void {
    ({ topics: this.topics, vocabulary: this.vocabulary, documents: this.documents, bins: this.bins } = state);
  }

  calibrationTable(): Array<{ from: number; to: number; seen: number; accuracy: number | null }> {
    return this.bins.map((bin, i) => ({ from: i / BINS, to: (i + 1) / BINS, seen: bin.seen, accuracy: bin.seen ? bin.right / bin.seen : null }));
  }
}

function binOf(posterior: number): number {
  return Math.min(BINS - 1, Math.floor(posterior * BINS));
}
