// Draft composition: retrieved candidates are grouped (past resolutions by their template, articles
// one group each), each group scored from its retrieval scores, its agreement with the predicted
// topic and how often drafts built from it were accepted; the best group's text, with the learned
// context rules applied, is the draft. Everything that went into it is returned with it.
import { createHash } from 'node:crypto';
import { storedTextSignals, type TextFeatures } from '../text/textFeatures.js';
import type { ScoredCandidate } from './candidateIndex.js';
import type { ContentClusters } from './contentClusters.js';
import type { ContextValues } from './contextFeatures.js';
import type { ContextRule } from './contextRules.js';
import { explainSuggestion } from './explanation.js';
import type { Candidate, Suggestion, TicketMessage, TopicPrediction } from './records.js';
import type { ReplyChoiceRule, ReplyChoiceSummary } from './replyChoice.js';
import type { NearDuplicate } from './nearDuplicates.js';
import type { ReplyGroupPrediction } from './replyGroupVote.js';
import { acceptanceEstimate, type EarlierReply, type ResolutionTemplate, type ResolutionTemplates } from './resolutionTemplates.js';
import { applyContextRules } from './ruleApplication.js';
import { UNKNOWN_TOPIC } from './topicClassifier.js';

export interface ComposeInputs {
  message: TicketMessage;
  features: TextFeatures;
  context: ContextValues;
  topic: TopicPrediction;
  retrieved: readonly ScoredCandidate[];
  /** Earlier near-duplicates of this question from the remembered history, most similar first. */
  nearDuplicates: readonly NearDuplicate<EarlierReply>[];
  templates: ResolutionTemplates;
  articleRecord: (articleId: string) => { wins: number; losses: number };
  rules: readonly ContextRule[];
  clusters: ContentClusters;
  /** Which of a template's replies drafts take, as learned from sent replies. */
  replyChoice: ReplyChoiceSummary;
  /**
   * Which reply group (template id) the question's words point to, learned from the questions each
   * group answered, with the groups linked to it (replyGroupVote.ts): a second agreement factor beside
   * the topic's when templates compete, and the only one for a tenant without topic labels.
   */
  replyGroup?: ReplyGroupPrediction;
  modelVersion: string;
}

export interface CandidateGroup {
  id: string;
  kind: 'template' | 'article';
  topic?: string;
  templateId?: string;
  articleId?: string;
  /** Retrieval evidence: Σ 2^-k · score_k / top score over the group's first three hits. */
  evidence: number;
  quality: number;
  score: number;
  baseText?: string;
  memberId?: string;
  /** The ticket whose reply the draft is built from. */
  replyTicketId?: string;
  /** For a template: the rule that chose its reply, and from how many similar past questions' replies (0: none). */
  chosenBy?: ReplyChoiceRule;
  similarQuestions?: number;
  /** For a reply to an earlier near-duplicate question: the Jaccard similarity of their words. */
  questionOverlap?: number;
}

/** Prefix of a template's candidate-group id (`template:<template id>`): stored suggestions keep only the id. */
const TEMPLATE_GROUP = 'template:';

/** The template a stored candidate group stands for; undefined for an article's group. */
export const templateIdOfGroup = (groupId: string): string | undefined => (groupId.startsWith(TEMPLATE_GROUP) ? groupId.slice(TEMPLATE_GROUP.length) : undefined);
/** A topic's templates that retrieval did not surface still compete, with this much evidence. */
const UNRETRIEVED_TEMPLATE_EVIDENCE = 0.25;
const HITS_PER_GROUP = 3;

/** ×(1 + confidence) for the group a prediction names, ×(1 − confidence / 2) for the others. */
const agreementWith = (confidence: number, named: boolean): number => (named ? 1 + confidence : 1 - 0.5 * confidence);

export function groupCandidates(inputs: ComposeInputs): CandidateGroup[] {
  const groups = new Map<string, CandidateGroup & { hits: number }>();
  const top = inputs.retrieved[0]?.score ?? 1;
  for (const { candidate, score } of inputs.retrieved) {
    const id = candidate.kind === 'resolution' ? `${TEMPLATE_GROUP}${candidate.templateId}` : `article:${candidate.articleId}`;
    let group = groups.get(id);
    if (!group) {
      group = candidate.kind === 'resolution'
        ? { id, kind: 'template', topic: candidate.topic, templateId: candidate.templateId, evidence: 0, quality: 0, score: 0, hits: 0 }
        : { id, kind: 'article', topic: candidate.topic, articleId: candidate.articleId, baseText: candidate.body, evidence: 0, quality: 0, score: 0, hits: 0 };
      groups.set(id, group);
    }
    if (group.hits < HITS_PER_GROUP) group.evidence += 2 ** -group.hits * (score / top);
    group.hits += 1;
  }
  // Templates the prediction names still compete when retrieval did not surface them.
  const unretrieved = (template: ResolutionTemplate | undefined) => {
    if (!template) return;
    const id = `${TEMPLATE_GROUP}${template.id}`;
    if (!groups.has(id)) groups.set(id, { id, kind: 'template', topic: template.topic, templateId: template.id, evidence: UNRETRIEVED_TEMPLATE_EVIDENCE, quality: 0, score: 0, hits: 0 });
  };
  const { topic } = inputs.topic;
  if (topic !== UNKNOWN_TOPIC) inputs.templates.forTopic(topic).forEach(unretrieved);
  const replyGroupPrediction = inputs.replyGroup && inputs.replyGroup.topic !== UNKNOWN_TOPIC ? inputs.replyGroup : undefined;
  replyGroupPrediction?.templateIds.forEach((id) => unretrieved(inputs.templates.get(id)));
  const scored: CandidateGroup[] = [];
  for (const { hits: _hits, ...group } of groups.values()) {
    if (group.kind === 'template') {
      const template = inputs.templates.get(group.templateId!)!;
      if (!template.representative) continue;
      group.baseText = template.representative.text;
      group.memberId = template.representative.recordId;
      group.replyTicketId = template.representative.ticketId;
      group.quality = inputs.templates.quality(template);
    } else {
      const record = inputs.articleRecord(group.articleId!);
      group.quality = acceptanceEstimate(record.wins, record.losses);
    }
    // Agreement with the topic prediction and with the reply-group vote: each up to ×2 for what it
    // names, down to ×0.5 for another. On bitext (labelled), last 1,000: edit 0.621 → 0.614, token F1
    // 0.522 → 0.538 against the topic's agreement alone.
    const topicAgreement = topic === UNKNOWN_TOPIC || !group.topic ? 1 : agreementWith(inputs.topic.confidence, group.topic === topic);
    const voteAgreement = !replyGroupPrediction || group.kind !== 'template' ? 1 : agreementWith(replyGroupPrediction.confidence, replyGroupPrediction.templateIds.includes(group.templateId!));
    const agreement = topicAgreement * voteAgreement;
    // Acceptance weighs up to 6× (0.2 + quality): a template agents stopped accepting (recent
    // acceptance at its floor, ~0.06) must lose to the one they answer from now (~0.5+) even where
    // its frozen indexed questions match a question's incidental words (greeting, e-mail domain)
    // better. At 0.5 + quality (up to 3×) a replayed simulator run still drafted the old answer 14–20
    // times per changed topic well after the change, 9–13 now; bitext and the fold stream unchanged or better.
    group.score = Number((group.evidence * agreement * (0.2 + group.quality)).toFixed(6));
    scored.push(group);
  }
  // Stable sort: equal scores keep retrieval order.
  return scored.sort((a, b) => b.score - a.score);
}

export function suggestionIdFor(message: TicketMessage, modelVersion: string): string {
  const digest = createHash('sha256').update(`${message.at}\n${message.text}`).digest('hex').slice(0, 12);
  return `${message.ticketId}:${digest}:${modelVersion}`;
}

function toCandidate({ candidate, score }: ScoredCandidate): Candidate {
  const rounded = Number(score.toFixed(4));
  return candidate.kind === 'resolution'
    ? { kind: 'resolution', id: candidate.id, ticketId: candidate.ticketId, topic: candidate.topic, templateId: candidate.templateId, score: rounded }
    : { kind: 'article', id: candidate.articleId, title: candidate.title, ...(candidate.topic ? { topic: candidate.topic } : {}), score: rounded };
}

/** How similar each retrieved past question is to this one: its score over the top score. */
export function retrievalSimilarity(retrieved: readonly ScoredCandidate[]): Map<string, number> {
  const top = retrieved[0]?.score ?? 1;
  return new Map(retrieved.flatMap(({ candidate, score }) => (candidate.kind === 'resolution' ? [[candidate.id, score / top] as const] : [])));
}

/**
 * The winning template's reply for this question, by the reply-choice rule the tenant's sent replies
 * favour (ResolutionTemplates.choices). Only for the winner: a group's score does not depend on which
 * of its replies is drafted, and the choice costs up to 66 reply comparisons.
 */
function forThisQuestion(group: CandidateGroup | undefined, inputs: ComposeInputs): CandidateGroup | undefined {
  if (group?.kind !== 'template') return group;
  const chosen = inputs.templates.choices(inputs.templates.get(group.templateId!)!, retrievalSimilarity(inputs.retrieved), inputs.nearDuplicates)![inputs.replyChoice.rule];
  const reply = { baseText: chosen.member.text, memberId: chosen.member.recordId, replyTicketId: chosen.member.ticketId, chosenBy: chosen.chosenBy, similarQuestions: chosen.similarQuestions, questionOverlap: chosen.questionOverlap };
  if (chosen.templateId === group.templateId) return { ...group, ...reply };
  // A near-duplicate's reply from another template: the draft is built from, and credited to, that template.
  const template = inputs.templates.get(chosen.templateId)!;
  return { ...group, ...reply, id: `${TEMPLATE_GROUP}${template.id}`, topic: template.topic, templateId: template.id, quality: inputs.templates.quality(template) };
}

export function composeSuggestion(inputs: ComposeInputs): Suggestion {
  const groups = groupCandidates(inputs);
  const best = forThisQuestion(groups[0], inputs);
  const ruled = best?.baseText ? applyContextRules(best.baseText, inputs.context, inputs.rules, inputs.clusters) : { text: '', applied: [] };
  const basis: Suggestion['basis'] = !best
    ? { kind: 'none' }
    : best.kind === 'template'
      ? { kind: 'template', templateId: best.templateId!, memberId: best.memberId! }
      : { kind: 'article', articleId: best.articleId! };
  const confidence = best ? Number((inputs.topic.confidence * best.quality).toFixed(4)) : 0;
  const { features } = inputs;
  const signals = storedTextSignals(features);
  const suggestion: Omit<Suggestion, 'explanation'> = {
    suggestionId: suggestionIdFor(inputs.message, inputs.modelVersion),
    ticketId: inputs.message.ticketId,
    messageAt: inputs.message.at,
    modelVersion: inputs.modelVersion,
    topic: inputs.topic,
    draft: ruled.text,
    confidence,
    basis,
    candidates: inputs.retrieved.slice(0, 10).map(toCandidate),
    groups: groups.slice(0, 5).map((g) => ({ id: g.id, ...(g.topic ? { topic: g.topic } : {}), score: g.score, quality: Number(g.quality.toFixed(4)) })),
    context: { ...inputs.context } as Record<string, string>,
    features: {
      language: signals.language,
      sentiment: signals.sentiment,
      sentimentLabel: features.sentiment.label,
      frustration: signals.frustration,
      frustrationLevel: features.frustration.level,
      frustrationSignals: features.frustration.signals,
    },
    rules: ruled.applied,
  };
  return { ...suggestion, explanation: explainSuggestion(suggestion, best, inputs.templates, inputs.replyChoice, inputs.replyGroup) };
}
