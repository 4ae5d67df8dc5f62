// Generalisation: "customers with context feature X=v get content C", learned only from what agents
// send. Every correction is an opportunity for each of its context values; the content clusters in
// the sent reply are its evidence. A rule is active when its content recurred for X=v in enough
// replies, across enough different topics, in most X=v replies since it first appeared, and mostly
// for X=v customers (see thresholds.ts). Active rules apply to every topic, including topics never
// corrected for X=v, which is the point. Written here: this mining is the product's core.
//
// Overlapping features (every trial customer is also new) make several rules claim one content. The
// rule with the best recall is the content's primary rule; another rule applies to customers the
// primary does not cover only once it has earned it on exactly those customers (its residual
// evidence, counted from the moment the primary was chosen). So "trial → workflow paragraph" does
// not drag "new customer → workflow paragraph" along for new customers who are not on a trial.
import type { ContentCluster } from './contentClusters.js';
import type { LearnerThresholds } from './thresholds.js';

export interface ContextRule {
  ruleId: string;
  feature: string;
  value: string;
  clusterId: number;
  /** What the rule adds: the content's most frequent phrasing. */
  content: string;
  /** Replies for X=v that contained the content. */
  support: number;
  /** Topics those replies were in. */
  topics: string[];
  /** Share of X=v replies (since the content first appeared) that contained it. */
  recall: number;
  /** Share of the content's appearances that were for X=v customers. */
  specificity: number;
  /** specificity / (X=v share of all replies). */
  lift: number;
  /** Where in a reply the content goes (relative, 0..1). */
  position: number;
}

interface Residual {
  /** The primary rule the residual evidence is counted against. */
  primary: string;
  /** Per context value, replies not covered by the primary: how many, and how many had the content. */
  counts: Map<string, { support: number; opportunities: number }>;
}

interface Evidence {
  support: number;
  topics: Map<string, number>;
  /** Opportunities for the feature value before the content first appeared for it. */
  baselineOpportunities: number;
}

export interface ContextRuleBookState {
  opportunities: Map<string, number>;
  corrections: number;
  evidence: Map<number, Map<string, Evidence>>;
  appearances: Map<number, number>;
  rejections: Map<string, number>;
  active: Map<string, ContextRule>;
  residuals: Map<number, Residual>;
}

export class ContextRuleBook {
  private opportunities = new Map<string, number>();
  private corrections = 0;
  private evidence = new Map<number, Map<string, Evidence>>();
  private appearances = new Map<number, number>();
  private rejections = new Map<string, number>();
  private active = new Map<string, ContextRule>();
  private residuals = new Map<number, Residual>();

  constructor(
    private readonly thresholds: LearnerThresholds,
    private readonly clusterById: (id: number) => ContentCluster | undefined,
  ) {}

  /**
   * One sent reply: its context ("plan=trial" keys), its topic (undefined when unknown, then it
   * adds support but no topic) and the content clusters present in it.
   */
  observe(featureKeys: readonly string[], topic: string | undefined, present: readonly ContentCluster[]): void {
    this.countResiduals(featureKeys, new Set(present.map((cluster) => cluster.id)));
    this.corrections += 1;
    for (const key of featureKeys) this.opportunities.set(key, (this.opportunities.get(key) ?? 0) + 1);
    const touched: Array<[number, string]> = [];
    for (const cluster of new Set(present)) {
      this.appearances.set(cluster.id, (this.appearances.get(cluster.id) ?? 0) + 1);
      let byKey = this.evidence.get(cluster.id);
      if (!byKey) {
        byKey = new Map();
        this.evidence.set(cluster.id, byKey);
      }
      for (const key of featureKeys) {
        let evidence = byKey.get(key);
        if (!evidence) {
          evidence = { support: 0, topics: new Map(), baselineOpportunities: this.opportunities.get(key)! - 1 };
          byKey.set(key, evidence);
        }
        evidence.support += 1;
        if (topic !== undefined) evidence.topics.set(topic, (evidence.topics.get(topic) ?? 0) + 1);
        touched.push([cluster.id, key]);
      }
    }
    const activeBefore = [...this.active.values()].map((r) => [r.clusterId, `${r.feature}=${r.value}`] as [number, string]);
    for (const [clusterId, key] of [...touched, ...activeBefore]) this.evaluate(clusterId, key);
    this.choosePrimaries();
  }

  /** Residual evidence of each content with a primary rule, from a reply the primary does not cover. */
  private countResiduals(featureKeys: readonly string[], present: ReadonlySet<number>): void {
    for (const [clusterId, residual] of this.residuals) {
      const primary = this.active.get(residual.primary);
      if (!primary || featureKeys.includes(`${primary.feature}=${primary.value}`)) continue;
      for (const key of featureKeys) {
        const counts = residual.counts.get(key) ?? { support: 0, opportunities: 0 };
        counts.opportunities += 1;
        if (present.has(clusterId)) counts.support += 1;
        residual.counts.set(key, counts);
      }
    }
  }

  /** Primary rule per content: best recall, then support, then id; a new primary restarts the residual counts. */
  private choosePrimaries(): void {
    const best = new Map<number, ContextRule>();
    for (const rule of this.active.values()) {
      const current = best.get(rule.clusterId);
      if (!current || rule.recall > current.recall || (rule.recall === current.recall && (rule.support > current.support || (rule.support === current.support && rule.ruleId < current.ruleId)))) best.set(rule.clusterId, rule);
    }
    for (const clusterId of this.residuals.keys()) if (!best.has(clusterId)) this.residuals.delete(clusterId);
    for (const [clusterId, rule] of best) {
      if (this.residuals.get(clusterId)?.primary !== rule.ruleId) this.residuals.set(clusterId, { primary: rule.ruleId, counts: new Map() });
    }
  }

  /** A rule applies when it is its content's primary rule, or has earned it on the customers the primary does not cover. */
  private applies(rule: ContextRule): boolean {
    const residual = this.residuals.get(rule.clusterId);
    if (!residual || residual.primary === rule.ruleId) return true;
    const counts = residual.counts.get(`${rule.feature}=${rule.value}`);
    return counts !== undefined && counts.support >= this.thresholds.ruleMinSupport && counts.support / counts.opportunities >= this.thresholds.ruleMinRecall;
  }

  /** A thumbs-down on a draft that applied these rules counts against them like a reply without the content. */
  reject(ruleIds: readonly string[]): void {
    for (const ruleId of ruleIds) {
      this.rejections.set(ruleId, (this.rejections.get(ruleId) ?? 0) + 1);
      const rule = this.active.get(ruleId);
      if (rule) this.evaluate(rule.clusterId, `${rule.feature}=${rule.value}`);
    }
    this.choosePrimaries();
  }

  /** Content clusters were forgotten (capacity): drop their evidence. */
  forget(clusterIds: readonly number[]): void {
    for (const id of clusterIds) {
      this.evidence.delete(id);
      this.appearances.delete(id);
      for (const [ruleId, rule] of this.active) if (rule.clusterId === id) this.active.delete(ruleId);
    }
    this.choosePrimaries();
  }

  /** Rules that apply, ordered by position in a reply, then rule id (deterministic). */
  activeRules(): ContextRule[] {
    return [...this.active.values()].filter((rule) => this.applies(rule)).sort((a, b) => a.position - b.position || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  }

  /** Opportunities per context value (how many replies each value was seen in). */
  contextCounts(): Record<string, number> {
    return Object.fromEntries(this.opportunities);
  }

  exportState(): ContextRuleBookState {
    const { opportunities, corrections, evidence, appearances, rejections, active, residuals } = this;
    return { opportunities, corrections, evidence, appearances, rejections, active, residuals };
  }

  restoreState(state: ContextRuleBookState): void {
    ({ opportunities: this.opportunities, corrections: this.corrections, evidence: this.evidence, appearances: this.appearances, rejections: this.rejections, active: this.active, residuals: this.residuals } = state);
  }

  private evaluate(clusterId: number, key: string): void {
    const ruleId = `${key}→c${clusterId}`;
    const evidence = this.evidence.get(clusterId)?.get(key);
    const cluster = this.clusterById(clusterId);
    const t = this.thresholds;
    if (!evidence || !cluster) {
      this.active.delete(ruleId);
      return;
    }
    const opportunities = this.opportunities.get(key)! - evidence.baselineOpportunities + (this.rejections.get(ruleId) ?? 0);
    const recall = evidence.support / opportunities;
    const specificity = evidence.support / this.appearances.get(clusterId)!;
    const lift = specificity / (this.opportunities.get(key)! / this.corrections);
    const holds =
      evidence.support >= t.ruleMinSupport &&
      evidence.topics.size >= t.ruleMinTopics &&
      recall >= t.ruleMinRecall &&
      specificity >= t.ruleMinSpecificity &&
      lift >= t.ruleMinLift;
    if (!holds) {
      this.active.delete(ruleId);
      return;
    }
    const split = key.indexOf('=');
    this.active.set(ruleId, {
      ruleId,
      feature: key.slice(0, split),
      value: key.slice(split + 1),
      clusterId,
      content: cluster.representative,
      support: evidence.support,
      topics: [...evidence.topics.keys()].sort(),
      recall: Number(recall.toFixed(4)),
      specificity: Number(specificity.toFixed(4)),
      lift: Number(lift.toFixed(3)),
      position: cluster.meanPosition,
    });
  }
}
