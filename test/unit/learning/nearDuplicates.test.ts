import { describe, expect, it } from 'vitest';
import { NEAR_DUPLICATE_JACCARD, NearDuplicateQuestions, questionSignature } from '../../../domain/learning/nearDuplicates.js';
import { seededRandom } from '../../helpers/seededRandom.js';

const VOCABULARY = Array.from({ length: 400 }, (_, i) => `w${i}`);

function randomQuestion(random: () => number, words: number): string[] {
  return Array.from({ length: words }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]!);
}

describe('near-duplicate questions', () => {
  it('finds an earlier question with a word changed among unrelated ones, with its exact word overlap', () => {
    const questions = new NearDuplicateQuestions<string>({ capacity: 1000 });
    const random = seededRandom(3);
    for (let i = 0; i < 500; i += 1) questions.add(`q${i}`, questionSignature(randomQuestion(random, 10).join(' ')), `reply ${i}`);
    questions.add('order', questionSignature('where is my order 4417 it was due on monday'), 'the order reply');
    for (let i = 500; i < 1000; i += 1) questions.add(`q${i}`, questionSignature(randomQuestion(random, 10).join(' ')), `reply ${i}`);
    // 9 of 11 distinct words shared: Jaccard 9/11.
    const found = questions.find(questionSignature('Where is my order 4417? It was due on Tuesday.'));
    expect(found[0]).toEqual({ item: 'the order reply', jaccard: 9 / 11 });
    expect(found.every((f) => f.jaccard >= NEAR_DUPLICATE_JACCARD)).toBe(true);
    expect(questions.find(questionSignature('how do I change the billing address on my account'))).toEqual([]);
  });

  it('finds nearly every pair above the similarity bar and returns none below it', () => {
    const random = seededRandom(11);
    const questions = new NearDuplicateQuestions<number>({ capacity: 10_000 });
    const probes: { words: string[]; id: number }[] = [];
    for (let id = 0; id < 2000; id += 1) {
      const words = randomQuestion(random, 12);
      questions.add(`q${id}`, questionSignature(words.join(' ')), id);
      probes.push({ words, id });
    }
    let found = 0;
    for (const { words, id } of probes.slice(0, 500)) {
      // Two of 12 words replaced: Jaccard about 10/14 = 0.71.
      const changed = [...words];
      changed[0] = 'fresh1';
      changed[5] = 'fresh2';
      const hits = questions.find(questionSignature(changed.join(' ')));
      expect(hits.every((h) => h.jaccard >= NEAR_DUPLICATE_JACCARD)).toBe(true);
      if (hits.some((h) => h.item === id)) found += 1;
    }
    // A pair at J = 0.7 is a candidate with probability 1 − (1 − 0.7⁴)¹⁶ ≈ 0.99.
    expect(found).toBeGreaterThanOrEqual(480);
  });

  it('returns the most similar first, the newer of equally similar ones first', () => {
    const questions = new NearDuplicateQuestions<string>({ capacity: 10 });
    questions.add('a', questionSignature('cancel my subscription today please'), 'older');
    questions.add('b', questionSignature('cancel my subscription today please'), 'newer');
    questions.add('c', questionSignature('cancel my subscription today'), 'shorter');
    expect(questions.find(questionSignature('cancel my subscription today please'))).toEqual([
      { item: 'newer', jaccard: 1 },
      { item: 'older', jaccard: 1 },
      { item: 'shorter', jaccard: 0.8 },
    ]);
  });

  it('forgets the oldest question past its capacity, and remembers a key once', () => {
    const questions = new NearDuplicateQuestions<string>({ capacity: 2 });
    questions.add('a', questionSignature('reset my password'), 'first');
    questions.add('a', questionSignature('something else entirely'), 'ignored');
    questions.add('b', questionSignature('change my email address'), 'second');
    questions.add('c', questionSignature('close my account now'), 'third');
    expect(questions.size).toBe(2);
    expect(questions.find(questionSignature('reset my password'))).toEqual([]);
    expect(questions.find(questionSignature('change my email address'))[0]?.item).toBe('second');
    expect(questions.find(questionSignature('close my account now'))[0]?.item).toBe('third');
  });
});
