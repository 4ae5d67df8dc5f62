// Full-text retrieval of draft candidates with MiniSearch (BM25+, in memory, incremental add and
// remove): past successful resolutions are indexed by the customer's question (a new question is
// matched against old questions, then answered the way those were), published articles by title
// and body. Terms go through the same normalisation as the classifier (stop words, stems).
// Each template keeps only its most recent resolutions in the index: older ones are already part of
// the template (its centroid, its medoid) and, left in, would make every search score postings from
// the whole history; this keeps draft latency flat as a tenant's history grows.
import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';
import { indexTerm } from '../text/normalise.js';

export interface ResolutionCandidate {
  kind: 'resolution';
  /** Record id of the ticket record. */
  id: string;
  ticketId: string;
  topic: string;
  templateId: string;
  question: string;
}

export interface ArticleCandidate {
  kind: 'article';
  id: string;
  articleId: string;
  title: string;
  body: string;
  topic?: string;
}

export type IndexedCandidate = ResolutionCandidate | ArticleCandidate;

interface IndexedDocument {
  key: string;
  title: string;
  text: string;
}

export interface ScoredCandidate {
  candidate: IndexedCandidate;
  score: number;
}

/** Typos: one edit allowed in stems of six or more characters (a short stem with an edit is another word). */
const fuzzyForLongTerms = (term: string): number | false => (term.length >= 6 ? 1 : false);

const SEARCH_OPTIONS: Options<IndexedDocument> = {
  idField: 'key',
  fields: ['title', 'text'],
  processTerm: indexTerm,
  autoVacuum: false,
  searchOptions: { boost: { title: 2 }, fuzzy: fuzzyForLongTerms, maxFuzzy: 1, combineWith: 'OR' },
};

export interface CandidateIndexState {
  /** MiniSearch's own serialisation: restoring it keeps BM25's running field-length averages bit for bit, which re-adding the documents would not. */
  search: AsPlainObject;
  byKey: Map<string, IndexEntry>;
  perTemplate: Map<string, string[]>;
  indexed: number;
}

interface IndexEntry {
  candidate: IndexedCandidate;
  document: IndexedDocument;
  /** When it was indexed (ties in a search go to the newer). */
  order: number;
}

export class CandidateIndex {
  private search = new MiniSearch<IndexedDocument>(SEARCH_OPTIONS);
  private byKey = new Map<string, IndexEntry>();
  /** Template id → its indexed resolution keys, oldest first. */
  private perTemplate = new Map<string, string[]>();
  private indexed = 0;

  constructor(private readonly options: { resolutionsPerTemplate: number }) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Index a resolution (once per record id); past the template's cap its oldest resolution leaves the index. */
  addResolution(candidate: ResolutionCandidate): void {
    const key = `r:${candidate.id}`;
    if (this.byKey.has(key)) return;
    this.put(key, candidate, { key, title: '', text: candidate.question });
    const keys = this.perTemplate.get(candidate.templateId) ?? [];
    keys.push(key);
    this.perTemplate.set(candidate.templateId, keys);
    if (keys.length > this.options.resolutionsPerTemplate) this.drop(keys.shift()!);
  }

  /** Publish or update an article (replaces the indexed text). */
  upsertArticle(candidate: ArticleCandidate): void {
    const key = `a:${candidate.articleId}`;
    this.removeArticle(candidate.articleId);
    this.put(key, candidate, { key, title: candidate.title, text: candidate.body });
  }

  removeArticle(articleId: string): void {
    const key = `a:${articleId}`;
    this.drop(key);
  }

  private drop(key: string): void {
    const existing = this.byKey.get(key);
    if (!existing) return;
    this.search.remove(existing.document);
    this.byKey.delete(key);
  }

  /**
   * Best candidates for a text, highest BM25 score first, at most `perTemplate` resolutions of one
   * template: further questions of a template add nothing to its draft (its evidence counts a few
   * hits, its similar-question reply pool a template window) and would crowd out other templates —
   * a phrasing answered dozens of times filled all 30 places and hid the answers to the question as
   * asked. Among equal scores (the same question asked again word for word) the most recently indexed
   * come first: those answers say how agents answer now. By their own indexing order, not the order
   * MiniSearch met them in: that follows its term tree, which a restored index (learner snapshots)
   * holds in another order.
   */
  find(text: string, limit: number, perTemplate = Infinity): ScoredCandidate[] {
    const results = this.search.search(text);
    const found: ScoredCandidate[] = [];
    const perTemplateFound = new Map<string, number>();
    for (let start = 0; start < results.length && found.length < limit; ) {
      let end = start + 1;
      while (end < results.length && results[end]!.score === results[start]!.score) end += 1;
      const tied = results.slice(start, end).map((r) => this.byKey.get(r.id as string)!);
      if (tied.length > 1) tied.sort((a, b) => b.order - a.order);
      for (const { candidate } of tied) {
        if (found.length >= limit) break;
        if (candidate.kind === 'resolution') {
          const n = perTemplateFound.get(candidate.templateId) ?? 0;
          if (n >= perTemplate) continue;
          perTemplateFound.set(candidate.templateId, n + 1);
        }
        found.push({ candidate, score: results[start]!.score });
      }
      start = end;
    }
    return found;
  }

  exportState(): CandidateIndexState {
    return { search: this.search.toJSON(), byKey: this.byKey, perTemplate: this.perTemplate, indexed: this.indexed };
  }

  restoreState(state: CandidateIndexState): void {
    this.search = MiniSearch.loadJS(state.search, SEARCH_OPTIONS);
    ({ byKey: this.byKey, perTemplate: this.perTemplate, indexed: this.indexed } = state);
  }

  private put(key: string, candidate: IndexedCandidate, document: IndexedDocument): void {
    this.search.add(document);
    this.byKey.set(key, { candidate, document, order: (this.indexed += 1) });
  }
}
