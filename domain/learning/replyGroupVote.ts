// For a tenant whose tickets carry no topic labels, the reply groups (templates) stand in for topics:
// a naive Bayes learns which group each answered question was answered from, and its prediction plays
// the topic's part when templates compete (draftComposer.groupCandidates).
// Groups that agents moved between for the same questions are one "topic" for the vote: when a draft
// from the predicted group was not accepted and the agent answered from another group whose draft
// would have been, the two are linked (union-find), and the vote names every linked group. Then, as in
// a labelled topic, the groups' recent acceptance decides between them — after a change of practice
// drafts follow the new way within a few tickets, instead of after as many new answers as the old way
// had. Only that redirect links groups: a rejected draft alone says nothing of the kind where no draft
// would have passed (replies that paraphrase each question).
import type { TopicPrediction } from './records.js';
import { TopicClassifier, UNKNOWN_TOPIC, type RawTopicScore, type TopicClassifierState } from './topicClassifier.js';

export interface ReplyGroupPrediction extends TopicPrediction {
  /** The predicted group and every group linked to it (the predicted one first). */
  templateIds: readonly string[];
}

export interface ReplyGroupVoteState {
  classifier: TopicClassifierState;
  parent: Map<string, string>;
  members: Map<string, string[]>;
}

export class ReplyGroupVote {
  private readonly classifier: TopicClassifier;
  /** Union-find parent of each linked template id (unlinked ids are absent: their own root). */
  private parent = new Map<string, string>();
  private members = new Map<string, string[]>();

  constructor(options: ConstructorParameters<typeof TopicClassifier>[0]) {
    this.classifier = new TopicClassifier(options);
  }

  get documentCount(): number {
    return this.classifier.documentCount;
  }

  scoreRaw(question: string): RawTopicScore {
    return this.classifier.scoreRaw(question);
  }

  /** A question answered from a template (`raw`: its score before learning it, for calibration). */
  learn(question: string, raw: RawTopicScore, templateId: string): void {
    this.classifier.observe(raw, templateId);
    this.classifier.learn(question, templateId);
  }

  /** Agents answered a question the vote gave to `from` out of `to`: one topic for the vote from now on. */
  link(from: string, to: string): void {
    const a = this.root(from);
    const b = this.root(to);
    if (a === b) return;
    const joined = [...(this.members.get(a) ?? [a]), ...(this.members.get(b) ?? [b])];
    this.parent.set(b, a);
    this.members.delete(b);
    this.members.set(a, joined);
  }

  predict(question: string): ReplyGroupPrediction {
    const prediction = this.classifier.classify(question);
    if (prediction.topic === UNKNOWN_TOPIC) return { ...prediction, templateIds: [] };
    const linked = this.members.get(this.root(prediction.topic)) ?? [prediction.topic];
    return { ...prediction, templateIds: [prediction.topic, ...linked.filter((id) => id !== prediction.topic)] };
  }

  exportState(): ReplyGroupVoteState {
    return { classifier: this.classifier.exportState(), parent: this.parent, members: this.members };
  }

  restoreState(state: ReplyGroupVoteState): void {
    this.classifier.restoreState(state.classifier);
    ({ parent: this.parent, members: this.members } = state);
  }

  private root(id: string): string {
    let root = id;
    while (this.parent.has(root)) root = this.parent.get(root)!;
    // Path compression: later lookups go straight to the root.
    for (let at = id; at !== root; ) {
      const next = this.parent.get(at)!;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }
}
