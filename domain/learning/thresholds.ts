// Every number the learner decides with, in one place, with the reason for its value. None was tuned
// on the development dataset: each follows from what the number means.

export interface LearnerThresholds {
  /**
   * Correction classes, on normalised character edit distance d (Levenshtein / longer length):
   * d ≤ acceptedMax is "accepted as-is" (2 characters in 100: whitespace, a typo, a name filled in).
   */
  acceptedMax: number;
  /**
   * d ≤ lightlyEditedMax is "lightly edited", and counts as draft acceptance: at least ~70% of the
   * draft's characters stay in place, so the agent kept most of it (adding one short paragraph to a
   * five-sentence reply lands near 0.25). Above it a draft is "rewritten" if any of its sentences
   * survived, else "ignored".
   */
  lightlyEditedMax: number;
  /**
   * Two sentences are "the same sentence, maybe edited" when their normalised edit distance is at
   * most this: a changed word or two in a 15-word sentence.
   */
  sameSentenceMax: number;
  /**
   * Topic 'unknown' when the calibrated probability that the best topic is right is below this:
   * the classifier names a topic only when it is more likely right than wrong.
   */
  topicMinConfidence: number;
  /**
   * Calibration prior strength: a confidence bin trusts its own observed accuracy once it has seen
   * about this many labelled tickets; before that it leans on the raw posterior.
   */
  calibrationPriorWeight: number;
  /** Multinomial naive Bayes additive smoothing (Laplace). */
  classifierSmoothing: number;
  /** A reply joins an existing resolution template of its topic when the cosine of its term counts to the template's centroid is at least this. */
  templateJoinCosine: number;
  /** A template's representative is the medoid of its most recent members; this many. */
  templateWindow: number;
  /** Recency weight per step back in the template window (newer replies say more about current practice). */
  templateRecency: number;
  /**
   * A template's acceptance estimate weighs each credit half after this many later ones (about 1.4×
   * as many in effect): enough drafts to tell a template accepted 80% of the time from one at 50%
   * (standard error ≈ 0.12), few enough that after a change of practice a run of rejections outweighs
   * any long record of accepted drafts instead of having to outnumber it.
   */
  templateCreditHalfLife: number;
  /** Added sentences are the same content when the Dice coefficient of their term sets is at least this. */
  contentDiceMin: number;
  /** A context rule needs at least this many replies that contained its content for the feature value ... */
  ruleMinSupport: number;
  /** ... in at least this many different topics (the definition of generalising across topics) ... */
  ruleMinTopics: number;
  /**
   * ... and the content must be in at least this share of the feature value's replies since it first
   * appeared. Adding a sentence wanted with probability p changes the expected edit by (1-p)L - pL,
   * which only helps when p > 0.5.
   */
  ruleMinRecall: number;
  /** At least this share of the content's occurrences must come from customers with the feature value ... */
  ruleMinSpecificity: number;
  /**
   * ... and that share must be this many times the feature value's share of all replies (lift), so
   * values nearly everyone has (language=en) do not become rules.
   */
  ruleMinLift: number;
  /** A draft counts as "the system thought it could handle it" at this confidence; escalating such a ticket is a correction. */
  handleConfidence: number;
  /** Retrieval: candidates read from the full-text index per draft. */
  retrievalLimit: number;
  /** Retrieval: most recent resolutions per template kept in the full-text index (bounds search cost). */
  resolutionsPerTemplate: number;
  /**
   * Questions remembered for the near-duplicate lookup (nearDuplicates.ts): a question asked again
   * within this many resolved tickets can be answered the way it was before. A memory bound (each
   * remembered question keeps its reply's text, ~1-2 KB), not a fitted value.
   */
  nearDuplicateMemory: number;
}

export const DEFAULT_THRESHOLDS: LearnerThresholds = {
  acceptedMax: 0.02,
  lightlyEditedMax: 0.3,
  sameSentenceMax: 0.25,
  topicMinConfidence: 0.5,
  calibrationPriorWeight: 10,
  classifierSmoothing: 1,
  templateJoinCosine: 0.5,
  templateWindow: 12,
  templateRecency: 0.85,
  templateCreditHalfLife: 10,
  contentDiceMin: 0.5,
  ruleMinSupport: 3,
  ruleMinTopics: 2,
  ruleMinRecall: 0.5,
  ruleMinSpecificity: 0.6,
  ruleMinLift: 1.5,
  handleConfidence: 0.5,
  retrievalLimit: 30,
  resolutionsPerTemplate: 50,
  nearDuplicateMemory: 20_000,
};
