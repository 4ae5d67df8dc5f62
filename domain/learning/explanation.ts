// The "why" of a draft, for a person: which past tickets and articles it came from, which context
// values changed it (naming the learned rules), how sure the system is, and which response strategy it
// is sent in and why.
import { describeStrategyChoice, type StrategyChoice } from '../bandit/strategyChoice.js';
import { applyStrategy, strategyFreeContent } from '../strategies.js';
import type { CandidateGroup } from './draftComposer.js';
import type { Explanation, Suggestion } from './records.js';
import type { ReplyGroupPrediction } from './replyGroupVote.js';
import { REPLY_CHOICE_RULES, type ReplyChoiceSummary } from './replyChoice.js';
import type { ResolutionTemplates } from './resolutionTemplates.js';
import { UNKNOWN_TOPIC } from './topicClassifier.js';

const percent = (x: number): string => `${Math.round(x * 100)}%`;

export function describeRule(rule: Suggestion['rules'][number]): string {
  const verb = rule.effect === 'added' ? 'added' : rule.effect === 'kept' ? 'kept' : 'removed';
  const reason = rule.effect === 'removed' ? ` (it is for ${rule.feature}=${rule.value} customers)` : '';
  return `${verb} "${rule.content}"${reason}: rule ${rule.feature}=${rule.value} learned from ${rule.support} replies across ${rule.topics.length} topics (${rule.topics.join(', ')}), present in ${percent(rule.recall)} of ${rule.feature}=${rule.value} replies`;
}

export function explainSuggestion(
  suggestion: Omit<Suggestion, 'explanation'>,
  best: CandidateGroup | undefined,
  templates: ResolutionTemplates,
  replyChoice: ReplyChoiceSummary,
  replyGroup?: ReplyGroupPrediction,
): Explanation {
  const similarTickets = suggestion.candidates
    .filter((c) => c.kind === 'resolution')
    .slice(0, 5)
    .map((c) => ({ ticketId: c.ticketId!, ...(c.topic ? { topic: c.topic } : {}), score: c.score }));
  const articles = suggestion.candidates
    .filter((c) => c.kind === 'article')
    .slice(0, 3)
    .map((c) => ({ articleId: c.id, title: c.title ?? '', score: c.score }));
  const rules = suggestion.rules.map(describeRule);
  const contextFeatures = Object.entries(suggestion.context).map(([feature, value]) => {
    const used = suggestion.rules.filter((r) => r.feature === feature);
    return {
      feature,
      value,
      mattered: used.length > 0,
      why: used.length > 0 ? used.map((r) => `rule ${r.feature}=${r.value} ${r.effect} content`).join('; ') : 'no learned rule for this value changed the draft',
    };
  });

  const parts: string[] = [];
  const { topic } = suggestion;
  parts.push(topic.topic === UNKNOWN_TOPIC ? `Topic unknown (best guess ${topic.best}, ${percent(topic.confidence)}).` : `Topic ${topic.topic} (${percent(topic.confidence)} sure).`);
  if (replyGroup && replyGroup.topic !== UNKNOWN_TOPIC) {
    const linked = replyGroup.templateIds.slice(1);
    const instead = linked.length ? `, or to ${linked.join(', ')}, which agents answered its questions from instead` : '';
    // A tenant without topic labels has no best topic guess at all.
    const lead = topic.best === UNKNOWN_TOPIC ? "No topic labels yet: the question's words" : "The question's words";
    parts.push(`${lead} point to reply group ${replyGroup.topic} (${percent(replyGroup.confidence)} sure)${instead}.`);
  }
  if (!best) {
    parts.push('No past resolution or article matched, so there is no draft.');
  } else if (best.kind === 'template') {
    const template = templates.get(best.templateId!)!;
    const which =
      best.chosenBy === 'similar'
        ? `the most typical of its recent replies to the ${best.similarQuestions} past questions most like this one`
        : best.chosenBy === 'nearest'
          ? best.questionOverlap !== undefined
            ? `its reply to an earlier question that was nearly this one (${percent(best.questionOverlap)} of their words shared)`
            : 'its reply to the past question most like this one'
          : 'its most typical recent one';
    parts.push(
      `Draft from resolution template ${template.id} (${template.size} past replies; the reply on ticket ${best.replyTicketId} is ${which}); ` +
        `drafts from it were accepted ${template.wins} of ${template.wins + template.losses} times (recent acceptance estimate ${percent(templates.quality(template))}).`,
    );
  } else {
    parts.push(`Draft from article ${best.articleId}.`);
  }
  if (best?.kind === 'template' && replyChoice.meanDistance) {
    const means = REPLY_CHOICE_RULES.map((rule) => `${rule} ${replyChoice.meanDistance![rule].toFixed(2)}`).join(', ');
    parts.push(`Reply chosen by rule "${replyChoice.rule}", learned from ${replyChoice.comparisons} comparisons with sent replies (recent mean word edit distance to what agents sent: ${means}).`);
  }
  if (similarTickets.length > 0) parts.push(`Most similar past tickets: ${similarTickets.slice(0, 3).map((t) => t.ticketId).join(', ')}.`);
  if (rules.length > 0) parts.push(`Context rules: ${rules.join('; ')}.`);
  parts.push(`Confidence ${percent(suggestion.confidence)}.`);

  return { summary: parts.join(' '), topic, similarTickets, articles, contextFeatures, rules, confidence: suggestion.confidence };
}

/**
 * The suggestion as the agent sees it: the content draft, without sentences an earlier strategy put in
 * the past reply it comes from, rewritten in the chosen strategy (an empty draft stays empty: there is
 * no answer to shape), and the strategy's reason added to the explanation.
 */
export function suggestionInStrategy(suggestion: Suggestion, choice: StrategyChoice, seed: string): Suggestion {
  const content = strategyFreeContent(suggestion.draft);
  const draft = content.trim() === '' ? content : applyStrategy(content, choice, { topic: suggestion.topic.topic, seed });
  return { ...suggestion, draft, explanation: { ...suggestion.explanation, summary: `${suggestion.explanation.summary} ${describeStrategyChoice(choice)}` } };
}
