import { describe, expect, it } from 'vitest';
import { ReplyGroupVote } from '../../../domain/learning/replyGroupVote.js';
import { DEFAULT_THRESHOLDS } from '../../../domain/learning/thresholds.js';

const options = { smoothing: DEFAULT_THRESHOLDS.classifierSmoothing, minConfidence: DEFAULT_THRESHOLDS.topicMinConfidence, calibrationPriorWeight: DEFAULT_THRESHOLDS.calibrationPriorWeight };

function trained(): ReplyGroupVote {
  const vote = new ReplyGroupVote(options);
  const questions: Array<[string, string]> = [
    ['i want my money back', 'g#1'], ['refund my order please', 'g#1'], ['how do i get a refund', 'g#1'],
    ['where is my parcel', 'g#2'], ['my package has not arrived', 'g#2'], ['track my delivery', 'g#2'],
  ];
  for (const [question, group] of [...questions, ...questions, ...questions]) vote.learn(question, vote.scoreRaw(question), group);
  return vote;
}

describe('reply-group vote', () => {
  it('names the group a question was answered from, alone until groups are linked', () => {
    const vote = trained();
    expect(vote.documentCount).toBe(18);
    const refund = vote.predict('refund my money please');
    expect(refund.topic).toBe('g#1');
    expect(refund.templateIds).toEqual(['g#1']);
  });

  it('names every group linked to the predicted one, the predicted first, through chains of links', () => {
    const vote = trained();
    vote.link('g#1', 'g#3');
    vote.link('g#3', 'g#4');
    expect(vote.predict('refund my money please').templateIds).toEqual(['g#1', 'g#3', 'g#4']);
    // Linking twice changes nothing; unrelated groups stay alone.
    vote.link('g#4', 'g#1');
    expect(vote.predict('refund my money please').templateIds).toEqual(['g#1', 'g#3', 'g#4']);
    expect(vote.predict('where is my parcel').templateIds).toEqual(['g#2']);
  });

  it('names nothing for a question it cannot place', () => {
    const vote = trained();
    vote.link('g#1', 'g#2');
    const unknown = vote.predict('zebra quantum');
    expect(unknown.topic).toBe('unknown');
    expect(unknown.templateIds).toEqual([]);
  });
});
