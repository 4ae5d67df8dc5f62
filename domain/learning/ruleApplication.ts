// Applying learned context rules to a base reply: content whose rules match the customer is inserted
// (at the position agents put it) unless the reply already says it; content that belongs to other
// customers' context values (a trial paragraph in a reply written for a trial customer, reused for a
// paying one) is cut. Edits keep the base reply's own formatting.
import { splitSentences } from '../text/sentences.js';
import type { ContentCluster, ContentClusters } from './contentClusters.js';
import type { ContextRule } from './contextRules.js';
import type { ContextValues } from './contextFeatures.js';
import type { AppliedRule } from './records.js';

interface Unit {
  sentence: string;
  /** The sentence with the separator that followed it in the base text. */
  text: string;
}

function toAppliedRule(rule: ContextRule, effect: AppliedRule['effect']): AppliedRule {
  return { ruleId: rule.ruleId, feature: rule.feature, value: rule.value, effect, content: rule.content, support: rule.support, topics: rule.topics, recall: rule.recall };
}

function matchesCustomer(rule: ContextRule, context: ContextValues): boolean {
  return (context as Record<string, string | undefined>)[rule.feature] === rule.value;
}

export function applyContextRules(
  base: string,
  context: ContextValues,
  rules: readonly ContextRule[],
  clusters: ContentClusters,
): { text: string; applied: AppliedRule[] } {
  const spans = splitSentences(base);
  const prefix = spans.length ? base.slice(0, spans[0]!.start) : base;
  let units: Unit[] = spans.map((span, i) => ({ sentence: span.text, text: base.slice(span.start, spans[i + 1]?.start ?? base.length) }));
  const applied: AppliedRule[] = [];

  const wanted = new Map<number, ContextRule[]>();
  for (const rule of rules) if (matchesCustomer(rule, context)) wanted.set(rule.clusterId, [...(wanted.get(rule.clusterId) ?? []), rule]);

  // Cut content that only other context values get.
  const foreign: Array<{ rule: ContextRule; cluster: ContentCluster }> = [];
  for (const rule of rules) {
    const cluster = clusters.get(rule.clusterId);
    if (cluster && !wanted.has(rule.clusterId)) foreign.push({ rule, cluster });
  }
  const kept: Unit[] = [];
  for (const unit of units) {
    const owner = foreign.find(({ cluster }) => clusters.matches(unit.sentence, cluster));
    if (!owner) {
      kept.push(unit);
      continue;
    }
    if (!applied.some((a) => a.ruleId === owner.rule.ruleId)) applied.push(toAppliedRule(owner.rule, 'removed'));
    const previous = kept[kept.length - 1];
    const separator = unit.text.slice(unit.sentence.length);
    if (previous && separator.includes('\n') && !previous.text.includes('\n')) previous.text = previous.sentence + separator;
  }
  units = kept;

  // Insert content the customer's context values get: each at its learned relative position among
  // the base sentences; contents landing at the same place form one paragraph, in rule order.
  const insertions = new Map<number, string[]>();
  for (const [clusterId, matching] of wanted) {
    const cluster = clusters.get(clusterId);
    if (!cluster) continue;
    if (units.some((unit) => clusters.matches(unit.sentence, cluster))) {
      for (const rule of matching) applied.push(toAppliedRule(rule, 'kept'));
      continue;
    }
    const at = Math.min(units.length, Math.round(cluster.meanPosition * units.length));
    insertions.set(at, [...(insertions.get(at) ?? []), cluster.representative]);
    for (const rule of matching) applied.push(toAppliedRule(rule, 'added'));
  }
  const withInsertions: Unit[] = [];
  for (let at = 0; at <= units.length; at += 1) {
    const paragraph = insertions.get(at)?.join(' ');
    if (paragraph !== undefined) {
      const previous = withInsertions[withInsertions.length - 1];
      if (previous) previous.text = `${previous.text.trimEnd()}\n\n`;
      withInsertions.push({ sentence: paragraph, text: at < units.length ? `${paragraph}\n\n` : paragraph });
    }
    if (at < units.length) withInsertions.push(units[at]!);
  }
  units = withInsertions;

  return { text: (prefix + units.map((u) => u.text).join('')).trim(), applied };
}
