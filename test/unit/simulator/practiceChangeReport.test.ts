import { describe, expect, it } from 'vitest';
import { practiceChangeReport, type TicketTruth } from '../../../simulator/groundTruth.js';
import { TOPICS } from '../../../simulator/topics.js';

const topic = TOPICS.find((t) => t.revisedAnswer)!;
const OLD = topic.answer.map((v) => v[0]).join(' ');
const NEW = topic.revisedAnswer!.map((v) => v[0]).join(' ');

/** A ticket's first exchange on the changed topic: the draft it got and whether it was accepted. */
const ticket = (index: number, practiceChanged: boolean, draft: string, accepted: boolean) => ({ index, topicId: topic.id, practiceChanged, draft, accepted }) as TicketTruth;

describe('practice change report', () => {
  it('counts drafts that still gave the old answer after the change, and acceptance before and after', () => {
    const tickets = [
      ...Array.from({ length: 20 }, (_, i) => ticket(i, false, OLD, i % 4 !== 0)),
      ticket(20, true, OLD, false),
      ticket(21, true, '', false),
      ticket(22, true, OLD, false),
      ...Array.from({ length: 57 }, (_, i) => ticket(23 + i, true, NEW, true)),
      // Another topic's tickets are not counted.
      { ...ticket(90, true, OLD, false), topicId: 'other' },
    ];
    const [report] = practiceChangeReport(tickets.reverse(), [topic.id]);
    expect(report).toEqual({
      topicId: topic.id,
      acceptanceBefore: 0.75,
      ticketsAfter: 60,
      acceptanceAfter: { first10: 0.7, next40: 1, rest: 1 },
      oldAnswerDrafts: 2,
      lastOldAnswerDraft: 3,
    });
  });
});
