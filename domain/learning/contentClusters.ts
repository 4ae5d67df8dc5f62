// Content the agents add, grouped so that "the same paragraph, worded a little differently for
// another topic" counts as one thing. Each added sentence joins the cluster whose first phrasing
// shares enough stemmed words with it (Dice coefficient), found through a MiniSearch index of the
// clusters so the lookup stays fast as clusters accumulate. Sentences with fewer than three content
// words only match their exact phrasing: too little to judge similarity on.
import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';
import { BoundedMemo } from '../text/boundedMemo.js';
import { contentTerms, diceSimilarity, indexTerm, normaliseForComparison } from '../text/normalise.js';

export interface ContentCluster {
  id: number;
  /** Terms of the first phrasing; similarity is judged against them. */
  terms: ReadonlySet<string>;
  /** Most frequent phrasing (earliest on ties): what a rule adds to a draft. */
  representative: string;
  /** Times a sentence was assigned to the cluster. */
  count: number;
  /** Mean relative position (0 = first sentence, 1 = last) in the replies it appeared in. */
  meanPosition: number;
}

interface ClusterState extends ContentCluster {
  /** The phrasing the index holds (MiniSearch removes a document by its indexed text). */
  indexedText: string;
  phrasings: Map<string, { text: string; count: number }>;
  positionSum: number;
}

const MIN_FUZZY_TERMS = 3;
const CANDIDATES_CHECKED = 10;
/**
 * The index is queried with a sentence's rarest terms only: a cluster at Dice ≥ 0.5 shares half the
 * terms, so it shares some rare ones, and common terms ("team", "help") have posting lists as long
 * as the index, which would make every lookup scan it.
 */
const QUERY_TERMS = 6;
const identity = (term: string): string => term;
const splitOnSpace = (text: string): string[] => text.split(' ');

const INDEX_OPTIONS: Options<{ id: number; text: string }> = {
  fields: ['text'],
  processTerm: indexTerm,
  autoVacuum: false,
  searchOptions: { combineWith: 'OR' },
};

export interface ContentClustersState {
  index: AsPlainObject;
  clusters: Map<number, ClusterState>;
  byPhrasing: Map<string, number>;
  termFrequency: Map<string, number>;
  seenOnce: Set<number>;
  nextId: number;
}

export class ContentClusters {
  private index = new MiniSearch<{ id: number; text: string }>(INDEX_OPTIONS);
  private clusters = new Map<number, ClusterState>();
  private byPhrasing = new Map<string, number>();
  /** Term → number of clusters whose first phrasing has it. */
  private termFrequency = new Map<string, number>();
  /**
   * Ids of clusters seen once, oldest first (counts only grow, so a cluster leaves for good): the
   * capacity forgets from here without walking every cluster, which past capacity with few seen-once
   * clusters would happen on every new cluster.
   */
  private seenOnce = new Set<number>();
  private nextId = 1;
  private readonly sentences = new BoundedMemo<string, { phrasing: string; terms: ReadonlySet<string> }>(4096);

  constructor(private readonly options: { diceMin: number; capacity: number; onForget: (ids: number[]) => void }) {}

  get size(): number {
    return this.clusters.size;
  }

  get(id: number): ContentCluster | undefined {
    return this.clusters.get(id);
  }

  /** The cluster a known phrasing belongs to (no similarity search, no new cluster). */
  lookupExact(sentence: string): ContentCluster | undefined {
    const id = this.byPhrasing.get(normaliseForComparison(sentence));
    return id === undefined ? undefined : this.clusters.get(id);
  }

  /** Does a sentence say the cluster's content (same phrasing, or similar enough wording)? */
  matches(sentence: string, cluster: ContentCluster): boolean {
    const { phrasing, terms } = this.readSentence(sentence);
    if (this.byPhrasing.get(phrasing) === cluster.id) return true;
    return terms.size >= MIN_FUZZY_TERMS && cluster.terms.size >= MIN_FUZZY_TERMS && diceSimilarity(terms, cluster.terms) >= this.options.diceMin;
  }

  /**
   * A sentence's phrasing and terms, memoised: a draft's sentences are checked against every rule's
   * cluster, draft after draft. A cache, not state (a restored learner starts it empty).
   */
  private readSentence(sentence: string): { phrasing: string; terms: ReadonlySet<string> } {
    return this.sentences.get(sentence, () => ({ phrasing: normaliseForComparison(sentence), terms: new Set(contentTerms(sentence)) }));
  }

  /** Put an added sentence in its cluster (creating one if none is close); position is relative, 0..1. */
  assign(sentence: string, position: number): ContentCluster {
    const phrasing = normaliseForComparison(sentence);
    const cluster = this.clusterOf(phrasing, sentence) ?? this.create(sentence);
    const seen = cluster.phrasings.get(phrasing);
    if (seen) seen.count += 1;
    else cluster.phrasings.set(phrasing, { text: sentence, count: 1 });
    this.byPhrasing.set(phrasing, cluster.id);
    const best = cluster.phrasings.get(normaliseForComparison(cluster.representative))!;
    if (cluster.phrasings.get(phrasing)!.count > best.count) cluster.representative = sentence;
    cluster.count += 1;
    if (cluster.count === 1) this.seenOnce.add(cluster.id);
    else this.seenOnce.delete(cluster.id);
    cluster.positionSum += position;
    cluster.meanPosition = cluster.positionSum / cluster.count;
    this.enforceCapacity();
    return cluster;
  }

  exportState(): ContentClustersState {
    const { clusters, byPhrasing, termFrequency, seenOnce, nextId } = this;
    return { index: this.index.toJSON(), clusters, byPhrasing, termFrequency, seenOnce, nextId };
  }

  restoreState(state: ContentClustersState): void {
    this.index = MiniSearch.loadJS(state.index, INDEX_OPTIONS);
    ({ clusters: this.clusters, byPhrasing: this.byPhrasing, termFrequency: this.termFrequency, seenOnce: this.seenOnce, nextId: this.nextId } = state);
  }

  private clusterOf(phrasing: string, sentence: string): ClusterState | undefined {
    const exact = this.byPhrasing.get(phrasing);
    if (exact !== undefined) return this.clusters.get(exact);
    const terms = new Set(contentTerms(sentence));
    if (terms.size < MIN_FUZZY_TERMS) return undefined;
    let best: ClusterState | undefined;
    let bestDice = this.options.diceMin;
    const rarest = [...terms]
      .sort((a, b) => (this.termFrequency.get(a) ?? 0) - (this.termFrequency.get(b) ?? 0) || (a < b ? -1 : 1))
      .slice(0, QUERY_TERMS);
    const hits = this.index.search(rarest.join(' '), { processTerm: identity, tokenize: splitOnSpace });
    for (const hit of hits.slice(0, CANDIDATES_CHECKED)) {
      const candidate = this.clusters.get(hit.id as number)!;
      const dice = diceSimilarity(terms, candidate.terms);
      if (dice >= bestDice) {
        best = candidate;
        bestDice = dice;
      }
    }
    return best;
  }

  private create(sentence: string): ClusterState {
    const cluster: ClusterState = {
      id: this.nextId++,
      terms: new Set(contentTerms(sentence)),
      representative: sentence,
      indexedText: sentence,
      count: 0,
      meanPosition: 0,
      phrasings: new Map(),
      positionSum: 0,
    };
    this.clusters.set(cluster.id, cluster);
    if (cluster.terms.size >= MIN_FUZZY_TERMS) {
      this.index.add({ id: cluster.id, text: sentence });
      for (const term of cluster.terms) this.termFrequency.set(term, (this.termFrequency.get(term) ?? 0) + 1);
    }
    return cluster;
  }

  /** Past capacity, forget the oldest clusters seen only once (a tenth of capacity at a time). */
  private enforceCapacity(): void {
    if (this.clusters.size <= this.options.capacity) return;
    const target = Math.floor(this.options.capacity * 0.9);
    const forgotten: number[] = [];
    for (const id of this.seenOnce) {
      if (this.clusters.size - forgotten.length <= target) break;
      forgotten.push(id);
    }
    for (const id of forgotten) {
      this.seenOnce.delete(id);
      const cluster = this.clusters.get(id)!;
      if (this.index.has(id)) {
        this.index.remove({ id, text: cluster.indexedText });
        for (const term of cluster.terms) this.termFrequency.set(term, this.termFrequency.get(term)! - 1);
      }
      for (const phrasing of cluster.phrasings.keys()) this.byPhrasing.delete(phrasing);
      this.clusters.delete(id);
    }
    if (forgotten.length > 0) this.options.onForget(forgotten);
  }
}
