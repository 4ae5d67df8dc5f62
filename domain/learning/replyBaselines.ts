// Two naive ways to draft, replayed beside the learner by `eval` so its figures come with baselines
// measured in the same run on the same tickets (prequentially: each ticket sees only earlier ones):
//  - nearest question: the reply to the most similar earlier question, BM25 over the whole history
//    (MiniSearch, the library the learner retrieves with) — the "nearest-neighbour retrieval
//    baseline" of the development dataset's SOURCE.md;
//  - same topic: the reply of an earlier ticket with the same topic label, picked by a hash of the
//    ticket id — SOURCE.md's "random reply of the correct intent". It reads the true label before
//    drafting, which the learner never does, so it flatters the baseline.
// A learner that cannot beat both has learned nothing about replies that retrieval alone would not give.
import { createHash } from 'node:crypto';
import MiniSearch from 'minisearch';
import { indexTerm } from '../text/normalise.js';

export const REPLY_BASELINES = ['nearestQuestion', 'sameTopic'] as const;
export type ReplyBaselineName = (typeof REPLY_BASELINES)[number];

export interface ReplyBaselineTicket {
  id: string;
  text: string;
  topic?: string;
  reply: string;
}

export class ReplyBaselines {
  private readonly questions = new MiniSearch<{ id: number; text: string }>({ fields: ['text'], processTerm: indexTerm });
  private readonly replies: string[] = [];
  private readonly repliesByTopic = new Map<string, string[]>();

  /**
   * Each baseline's draft for a ticket, from earlier tickets only ('' when it has nothing yet). The
   * same-topic baseline reads the ticket's true label: for an unlabelled ticket it has no draft at
   * all (absent), rather than an empty one that would score as fully rewritten.
   */
  draft(ticket: ReplyBaselineTicket): Partial<Record<ReplyBaselineName, string>> {
    const nearest = this.replies.length ? this.questions.search(ticket.text)[0] : undefined;
    const nearestQuestion = nearest ? this.replies[nearest.id as number]! : '';
    if (ticket.topic === undefined) return { nearestQuestion };
    const sameTopic = this.repliesByTopic.get(ticket.topic) ?? [];
    const pick = createHash('sha256').update(ticket.id).digest().readUInt32BE(0);
    return { nearestQuestion, sameTopic: sameTopic.length ? sameTopic[pick % sameTopic.length]! : '' };
  }

  learn(ticket: ReplyBaselineTicket): void {
    if (!ticket.reply.trim()) return;
    this.questions.add({ id: this.replies.length, text: ticket.text });
    this.replies.push(ticket.reply);
    if (ticket.topic === undefined) return;
    const sameTopic = this.repliesByTopic.get(ticket.topic) ?? [];
    sameTopic.push(ticket.reply);
    this.repliesByTopic.set(ticket.topic, sameTopic);
  }
}
