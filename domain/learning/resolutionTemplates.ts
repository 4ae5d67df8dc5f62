// Resolution templates: a topic's past successful replies grouped by wording (cosine of term counts
// to the group's centroid), each group answered by one representative reply — the medoid of its most
// recent members by edit distance, weighted toward newer replies. The medoid is the reply the others
// need the fewest edits to become, which is what a draft should be; recency lets the template follow
// agents when their practice changes, and replies whose drafts were rewritten or rated down lose
// their place. Written here because this grouping is the product's core learning step.
// When replies follow the wording of the question (each phrasing of a request answered its own way),
// the medoid of whatever was said recently ignores what this customer asked: a draft then takes the
// medoid of the replies to the most similar past questions instead, or the reply the most similar
// one got (choices; which of them drafts follow is learned, replyChoice.ts), from the template's
// longer list of kept replies.
// Distances between members are word-level edit distances (each word coded as one character for
// fastest-levenshtein): agents edit words, and a 110-word reply is ~35x cheaper to compare as words
// than as its ~650 characters.
import { distance } from 'fastest-levenshtein';
import { contentTerms, termCounts, wordTokens } from '../text/normalise.js';
import type { NearDuplicate } from './nearDuplicates.js';
import { REPLY_CHOICE_RULES, type ReplyChoiceRule } from './replyChoice.js';

export interface TemplateMember {
  recordId: string;
  ticketId: string;
  text: string;
  /** The reply's words, one character per distinct word. */
  wordCode: string;
  wins: number;
  losses: number;
  bad: boolean;
  distances: Map<string, number>;
}

export interface ResolutionTemplate {
  id: string;
  topic: string;
  size: number;
  /** Drafts from this template accepted / not, over its lifetime (what the explanation reports). */
  wins: number;
  losses: number;
  /**
   * Recent acceptance evidence, each older credit weighing less (TemplateOptions.creditHalfLife):
   * its drafts' outcomes and, when another template of its topic was drafted beside it, whether its own
   * draft would have been accepted. What drafts compete on (quality()).
   */
  recent: { wins: number; losses: number };
  centroid: Map<string, number>;
  norm2: number;
  window: TemplateMember[];
  /** The last `kept` replies (newest last), the window's included: what question-conditioned drafts choose from. */
  kept: TemplateMember[];
  representative?: TemplateMember;
}

export interface TemplateOptions {
  joinCosine: number;
  window: number;
  recency: number;
  /** Most recent replies kept per template for question-conditioned drafts (the retrieval index keeps as many questions). */
  kept: number;
  /** Credits after which an acceptance credit counts half in a template's recent acceptance (thresholds.ts). */
  creditHalfLife: number;
}

/** A template's reply chosen for one draft. */
export interface ChosenReply {
  member: TemplateMember;
  /** The template the reply belongs to: this one, except for a near-duplicate's reply from another. */
  templateId: string;
  /** The rule that actually chose it (a rule without the replies it needs falls back to 'typical'). */
  chosenBy: ReplyChoiceRule;
  /** How many similar past questions' replies it was chosen from (0: none). */
  similarQuestions: number;
  /** For a reply to an earlier near-duplicate of this question: the Jaccard similarity of their words. */
  questionOverlap?: number;
}

/** A remembered past question's reply and its template (what the near-duplicate lookup returns). */
export interface EarlierReply {
  templateId: string;
  member: TemplateMember;
}

/** Normalised edit distance: Levenshtein over the longer length, 0 for two empty texts. */
export function normalisedEditDistance(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 0 : distance(a, b) / longer;
}

/**
 * Word codes: a deterministic dictionary (first seen, first coded) mapping each word to one UTF-16
 * unit below the surrogate range; past 55,296 distinct words codes are shared, which can only make
 * two replies look slightly closer than they are.
 */
export class WordCoder {
  constructor(readonly codes = new Map<string, number>()) {}

  encode(text: string): string {
    let code = '';
    for (const word of wordTokens(text)) {
      let id = this.codes.get(word);
      if (id === undefined) {
        id = this.codes.size % 0xd800;
        this.codes.set(word, id);
      }
      code += String.fromCharCode(id);
    }
    return code;
  }
}

/**
 * Half the share of a reply's drafts that were rejected beyond its template's own rejection share:
 * a reply whose drafts agents rewrite more often than the template's usually are loses its place.
 * Relative, because where every draft is rewritten (replies that follow each question's wording) a
 * rejection says nothing about the reply, and an absolute penalty only rotated drafts through the
 * replies not yet drafted from.
 */
function lossPenalty(member: TemplateMember, template: ResolutionTemplate): number {
  const share = (wins: number, losses: number) => losses / (wins + losses + 1);
  return 0.5 * Math.max(0, share(member.wins, member.losses) - share(template.wins, template.losses));
}

/**
 * Weighted medoid: the member with the least cost(i) = Σ_j w_j·d(i,j) / Σ_j w_j over the other
 * entries, plus its loss penalty. Ties go to the later entry. Shared by a template's representative
 * (recency weights) and the reply for one question (recency × question similarity).
 */
function weightedMedoid(entries: readonly { member: TemplateMember; weight: number }[], distance: (i: number, j: number) => number, template: ResolutionTemplate): TemplateMember | undefined {
  let best: TemplateMember | undefined;
  let bestCost = Infinity;
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    let weighted = 0;
    let weights = 0;
    for (let j = 0; j < entries.length; j += 1) {
      if (j === i) continue;
      weighted += entries[j]!.weight * distance(i, j);
      weights += entries[j]!.weight;
    }
    const { member } = entries[i]!;
    const cost = (weights ? weighted / weights : 0) + lossPenalty(member, template);
    if (cost < bestCost) {
      best = member;
      bestCost = cost;
    }
  }
  return best;
}

/** P(draft accepted) for a basis with these counts: Beta(1,1) prior, posterior mean. */
export function acceptanceEstimate(wins: number, losses: number): number {
  return (wins + 1) / (wins + losses + 2);
}

/** Templates and members are shared between the maps (and with near-duplicate memories): serialised as one graph (learnerState.ts). */
export interface ResolutionTemplatesState {
  templates: Map<string, ResolutionTemplate>;
  byTopic: Map<string, ResolutionTemplate[]>;
  members: Map<string, { template: ResolutionTemplate; member: TemplateMember }>;
  templateOfRecord: Map<string, ResolutionTemplate>;
  recordsByTicket: Map<string, string[]>;
  wordCodes: Map<string, number>;
}

export class ResolutionTemplates {
  private templates = new Map<string, ResolutionTemplate>();
  private byTopic = new Map<string, ResolutionTemplate[]>();
  /** Members in some template's window (their texts are the only ones kept in memory). */
  private members = new Map<string, { template: ResolutionTemplate; member: TemplateMember }>();
  /** Every reply ever added → its template, for crediting a template after its reply left the window. */
  private templateOfRecord = new Map<string, ResolutionTemplate>();
  private recordsByTicket = new Map<string, string[]>();
  private words = new WordCoder();
  /**
   * Word edit distances between kept replies outside each other's window, computed for a question-
   * conditioned draft (`choices`) and reused by the next: the same template's pairs come back draft
   * after draft, and Levenshtein was a tenth of learning time. A cache, not state: keyed by the member
   * objects, so a restored learner starts it empty and computes the same values.
   */
  private readonly keptDistances = new WeakMap<TemplateMember, Map<string, number>>();

  /** Weight a recent-acceptance credit keeps per later credit. */
  private readonly creditDecay: number;

  constructor(private readonly options: TemplateOptions) {
    this.creditDecay = 0.5 ** (1 / options.creditHalfLife);
  }

  get count(): number {
    return this.templates.size;
  }

  get(templateId: string): ResolutionTemplate | undefined {
    return this.templates.get(templateId);
  }

  forTopic(topic: string): readonly ResolutionTemplate[] {
    return this.byTopic.get(topic) ?? [];
  }

  /** The template of a topic a reply would join, without adding it. */
  match(topic: string, text: string): ResolutionTemplate | undefined {
    return this.closest(topic, termCounts(contentTerms(text)));
  }

  /** Add a successful reply to its topic's closest template (or a new one); returns the template. */
  add(input: { recordId: string; ticketId: string; topic: string; text: string }): ResolutionTemplate {
    const existing = this.templateOfRecord.get(input.recordId);
    if (existing) return existing;
    const counts = termCounts(contentTerms(input.text));
    const template = this.closest(input.topic, counts) ?? this.create(input.topic);
    for (const [term, n] of counts) {
      const before = template.centroid.get(term) ?? 0;
      template.centroid.set(term, before + n);
      template.norm2 += (before + n) ** 2 - before ** 2;
    }
    template.size += 1;
    const member: TemplateMember = { recordId: input.recordId, ticketId: input.ticketId, text: input.text, wordCode: this.words.encode(input.text), wins: 0, losses: 0, bad: false, distances: new Map() };
    for (const other of template.window) {
      const d = normalisedEditDistance(member.wordCode, other.wordCode);
      member.distances.set(other.recordId, d);
      other.distances.set(member.recordId, d);
    }
    template.window.push(member);
    template.kept.push(member);
    this.members.set(member.recordId, { template, member });
    this.templateOfRecord.set(member.recordId, template);
    if (template.window.length > this.options.window) {
      const evicted = template.window.shift()!;
      for (const other of template.window) other.distances.delete(evicted.recordId);
      evicted.distances.clear();
    }
    if (template.kept.length > Math.max(this.options.kept, this.options.window)) this.members.delete(template.kept.shift()!.recordId);
    const ids = this.recordsByTicket.get(input.ticketId) ?? [];
    ids.push(input.recordId);
    this.recordsByTicket.set(input.ticketId, ids);
    this.chooseRepresentative(template);
    return template;
  }

  /**
   * Credit a draft's outcome to the reply it was built from and to its template. A counterfactual
   * credit (the template's draft checked against what an agent sent after another template's draft)
   * moves only the recent acceptance: it was not a draft.
   */
  credit(memberId: string, won: boolean, counterfactual = false): void {
    const template = this.templateOfRecord.get(memberId);
    if (!template) return;
    const decay = this.creditDecay;
    template.recent = { wins: template.recent.wins * decay + (won ? 1 : 0), losses: template.recent.losses * decay + (won ? 0 : 1) };
    if (counterfactual) return;
    if (won) template.wins += 1;
    else template.losses += 1;
    const entry = this.members.get(memberId);
    if (!entry) return;
    if (won) entry.member.wins += 1;
    else entry.member.losses += 1;
    this.chooseRepresentative(template);
  }

  /** A ticket ended badly: its replies stop being candidates for the representative. */
  markTicketOutcome(ticketId: string, outcome: 'good' | 'bad'): void {
    for (const recordId of this.recordsByTicket.get(ticketId) ?? []) {
      const entry = this.members.get(recordId);
      if (!entry || entry.member.bad === (outcome === 'bad')) continue;
      entry.member.bad = outcome === 'bad';
      this.chooseRepresentative(entry.template);
    }
  }

  /** A kept reply by record id (undefined once it left the template's kept list). */
  member(recordId: string): TemplateMember | undefined {
    return this.members.get(recordId)?.member;
  }

  /**
   * Each reply-choice rule's reply from this template for a question (replyChoice.ts says which one
   * drafts follow). `similarity` maps kept replies to how similar their question is to this one
   * (retrieval score over the top score; replies retrieval did not surface weigh nothing).
   * - typical: the template's representative, whatever was asked.
   * - similar: the medoid again, each kept reply weighted by recency (as the representative is) times
   *   its question's similarity, over the `window` heaviest; with fewer than three such replies there
   *   is no medoid to speak of, and the representative answers. On the bitext dataset (replies follow
   *   the question's wording), last 1,000 tickets: edit distance 0.647 → 0.628 and token F1 0.489 →
   *   0.510 against the typical reply.
   * - nearest: the reply to the most similar earlier question — a near-duplicate from the remembered
   *   history (`nearDuplicates`, most similar first), whichever template its reply is in (the same
   *   question says more about the answer than which template retrieval ranked first: 10x bitext,
   *   last 1,000, acceptance 75.9% when only this template's near-duplicates counted, 91.7% with
   *   any), else this template's kept reply whose question retrieval scored highest (ties: the
   *   newer), else the representative.
   */
  choices(template: ResolutionTemplate, similarity: ReadonlyMap<string, number>, nearDuplicates: readonly NearDuplicate<EarlierReply>[]): Record<ReplyChoiceRule, ChosenReply> | undefined {
    if (!template.representative) return undefined;
    const typical: ChosenReply = { member: template.representative, templateId: template.id, chosenBy: 'typical', similarQuestions: 0 };
    const candidates = template.kept
      .map((member, i) => {
        const questionSimilarity = similarity.get(member.recordId) ?? 0;
        return { member, similarity: questionSimilarity, weight: questionSimilarity * this.options.recency ** (template.kept.length - 1 - i) };
      })
      .filter(({ member, weight }) => !member.bad && weight > 0);
    const nearest = candidates.reduce<(typeof candidates)[number] | undefined>((best, c) => (!best || c.similarity >= best.similarity ? c : best), undefined);
    // Lightest first, so the medoid's ties go to the heavier reply.
    const pool = candidates.sort((a, b) => a.weight - b.weight).slice(-this.options.window);
    let similar = typical;
    if (pool.length >= 3) {
      // Each pair once: the matrix is symmetric.
      const distances = pool.map(() => new Array<number>(pool.length).fill(0));
      pool.forEach((a, i) => {
        for (let j = i + 1; j < pool.length; j += 1) distances[i]![j] = distances[j]![i] = this.distanceBetween(a.member, pool[j]!.member);
      });
      similar = { member: weightedMedoid(pool, (i, j) => distances[i]![j]!, template)!, templateId: template.id, chosenBy: 'similar', similarQuestions: pool.length };
    }
    const duplicate = nearDuplicates.find(({ item }) => !item.member.bad);
    const nearestReply: ChosenReply = duplicate
      ? { member: duplicate.item.member, templateId: duplicate.item.templateId, chosenBy: 'nearest', similarQuestions: 1, questionOverlap: duplicate.jaccard }
      : nearest
        ? { member: nearest.member, templateId: template.id, chosenBy: 'nearest', similarQuestions: 1 }
        : typical;
    return { typical, similar, nearest: nearestReply };
  }

  /** Two kept replies' word edit distance: the window's own when both are in it, else cached. */
  private distanceBetween(a: TemplateMember, b: TemplateMember): number {
    const inWindow = a.distances.get(b.recordId);
    if (inWindow !== undefined) return inWindow;
    const cached = this.keptDistances.get(a)?.get(b.recordId);
    if (cached !== undefined) return cached;
    const d = normalisedEditDistance(a.wordCode, b.wordCode);
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const known = this.keptDistances.get(from) ?? new Map<string, number>();
      known.set(to.recordId, d);
      this.keptDistances.set(from, known);
    }
    return d;
  }

  /** Word edit distance from each rule's reply to a sent text, coded once (its words join the coder's dictionary). */
  distancesTo(chosen: Record<ReplyChoiceRule, ChosenReply>, text: string): Record<ReplyChoiceRule, number> {
    const code = this.words.encode(text);
    return Object.fromEntries(REPLY_CHOICE_RULES.map((rule) => [rule, normalisedEditDistance(chosen[rule].member.wordCode, code)])) as Record<ReplyChoiceRule, number>;
  }

  /** P(a draft from it is accepted), from its recent acceptance evidence. */
  quality(template: ResolutionTemplate): number {
    return acceptanceEstimate(template.recent.wins, template.recent.losses);
  }

  exportState(): ResolutionTemplatesState {
    const { templates, byTopic, members, templateOfRecord, recordsByTicket } = this;
    return { templates, byTopic, members, templateOfRecord, recordsByTicket, wordCodes: this.words.codes };
  }

  restoreState(state: ResolutionTemplatesState): void {
    ({ templates: this.templates, byTopic: this.byTopic, members: this.members, templateOfRecord: this.templateOfRecord, recordsByTicket: this.recordsByTicket } = state);
    this.words = new WordCoder(state.wordCodes);
  }

  private closest(topic: string, counts: Map<string, number>): ResolutionTemplate | undefined {
    let norm2 = 0;
    for (const n of counts.values()) norm2 += n * n;
    let best: ResolutionTemplate | undefined;
    let bestCosine = this.options.joinCosine;
    for (const template of this.forTopic(topic)) {
      let dot = 0;
      for (const [term, n] of counts) dot += n * (template.centroid.get(term) ?? 0);
      const cosine = norm2 === 0 || template.norm2 === 0 ? 0 : dot / Math.sqrt(norm2 * template.norm2);
      if (cosine >= bestCosine) {
        best = template;
        bestCosine = cosine;
      }
    }
    return best;
  }

  private create(topic: string): ResolutionTemplate {
    const list = this.byTopic.get(topic) ?? [];
    const template: ResolutionTemplate = { id: `${topic}#${list.length + 1}`, topic, size: 0, wins: 0, losses: 0, recent: { wins: 0, losses: 0 }, centroid: new Map(), norm2: 0, window: [], kept: [] };
    list.push(template);
    this.byTopic.set(topic, list);
    this.templates.set(template.id, template);
    return template;
  }

  /** The window's medoid with recency weights, w = recency^(steps back from the newest); ties go to the newer member. */
  private chooseRepresentative(template: ResolutionTemplate): void {
    const good = template.window.filter((m) => !m.bad);
    const weighted = good.map((member, j) => ({ member, weight: this.options.recency ** (good.length - 1 - j) }));
    template.representative = weightedMedoid(weighted, (i, j) => good[i]!.distances.get(good[j]!.recordId)!, template);
  }
}
