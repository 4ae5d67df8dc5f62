// What a learner has learned, as one value: the state a learner exports and a new learner continues
// from (createLearner(options, state)), which store/learnerSnapshots.ts saves so that a starting
// worker does not relearn a tenant's history.
import type { CandidateIndexState } from './candidateIndex.js';
import type { ContentClustersState } from './contentClusters.js';
import type { ContextRuleBookState } from './contextRules.js';
import type { NearDuplicateState } from './nearDuplicates.js';
import type { CorrectionClass, LearningRecord, Suggestion } from './records.js';
import type { ReplyChoiceState } from './replyChoice.js';
import type { ReplyGroupVoteState } from './replyGroupVote.js';
import type { EarlierReply, ResolutionTemplatesState } from './resolutionTemplates.js';
import type { TopicClassifierState } from './topicClassifier.js';

/**
 * Everything a learner has learned, as live structures (no copies): serialise it before the learner
 * learns again, as one graph — templates' replies are shared with the near-duplicate memory and
 * must stay one object each (store/learnerSnapshots.ts uses v8's structured serialisation, which
 * keeps shared references). Maps keep their insertion order, which ties and iteration depend on.
 */
export interface LearnerState {
  /** Digest of the thresholds and capacity it was learned under: a state continues only under the same. */
  configuration: string;
  classifier: TopicClassifierState;
  replyGroups: ReplyGroupVoteState;
  index: CandidateIndexState;
  templates: ResolutionTemplatesState;
  earlierQuestions: NearDuplicateState<EarlierReply>;
  clusters: ContentClustersState;
  ruleBook: ContextRuleBookState;
  replyChoice: ReplyChoiceState;
  articleRecords: Map<string, { wins: number; losses: number }>;
  seen: Set<string>;
  counts: Record<LearningRecord['kind'], number>;
  correctionCounts: { total: number; byClass: Record<CorrectionClass, number>; byContext: Map<string, Record<CorrectionClass, number>> };
  lastBasis: Map<string, Suggestion['basis']>;
  learnedCount: number;
  chain: string;
}
