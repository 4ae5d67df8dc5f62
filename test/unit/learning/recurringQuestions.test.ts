import { describe, expect, it } from 'vitest';
import { repeatedRows } from '../../../domain/learning/recurringQuestions.js';

const rows = [
  { ticket_id: 'a', question: 'how do I cancel my order?', answer: 'Open Orders and press Cancel.', intent: 'cancel' },
  { ticket_id: 'b', question: 'where is my refund', answer: 'Refunds take five days.', intent: 'refund' },
];
const mapping = { id: 'ticket_id', text: 'question', reply: 'answer', topic: 'intent' };

describe('questions that come back (eval --repeat)', () => {
  it('copies every row, varies each copy with the dataset’s own words, and keeps ids unique', () => {
    const copies = repeatedRows(rows, mapping, 3, 7);
    expect(copies.map((c) => c.ticket_id)).toEqual(['a~1', 'a~2', 'a~3', 'b~1', 'b~2', 'b~3']);
    const vocabulary = new Set(['how', 'do', 'I', 'cancel', 'my', 'order', 'where', 'is', 'refund']);
    for (const [i, copy] of copies.entries()) {
      const source = rows[Math.floor(i / 3)]!;
      expect(copy.intent).toBe(source.intent);
      const [question, answer] = [String(copy.question), String(copy.answer)];
      const added = { question: question.slice(source.question.length).trim().split(' '), answer: answer.slice(source.answer.length).trim().split(' ') };
      expect(question.startsWith(source.question)).toBe(true);
      expect(answer.startsWith(source.answer)).toBe(true);
      expect(added.question).toHaveLength(1);
      expect(added.answer).toHaveLength(6);
      for (const word of [...added.question, ...added.answer]) expect(vocabulary.has(word)).toBe(true);
    }
    expect(new Set(copies.map((c) => `${c.question}|${c.answer}`)).size).toBe(6);
    // Seeded: the same seed gives the same copies, another seed others.
    expect(repeatedRows(rows, mapping, 3, 7)).toEqual(copies);
    expect(repeatedRows(rows, mapping, 3, 8)).not.toEqual(copies);
  });

  it('refuses nested columns it cannot rewrite', () => {
    expect(() => repeatedRows([{ msg: { text: 'hi' }, reply: 'hello' }], { text: 'msg.text', reply: 'reply' }, 2, 1)).toThrow(/top-level columns only \(got msg.text\)/);
  });
});
