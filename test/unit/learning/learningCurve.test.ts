import { describe, expect, it } from 'vitest';
import { datasetTickets, resolveMapping, type DatasetRow } from '../../../domain/learning/datasetTickets.js';
import { createLearner } from '../../../domain/learning/learner.js';
import { replayTicket, summariseWindows, tokenF1 } from '../../../domain/learning/learningCurve.js';
import { ReplyBaselines } from '../../../domain/learning/replyBaselines.js';

const REPLIES: Record<string, string> = {
  refund: 'Refunds go back to the original card within five working days. You will get an email once it is issued.',
  shipping: 'Orders ship within two days from our warehouse. Tracking links arrive by email as soon as the parcel leaves.',
  account: 'You can change your email address under Profile, then Account. We send a confirmation link to the new address.',
};
const QUESTIONS: Record<string, string[]> = {
  refund: ['where is my refund', 'I want my money back', 'refund not received yet', 'how long does a refund take'],
  shipping: ['when will my order ship', 'has my parcel shipped', 'shipping time for my order', 'when does my order leave the warehouse'],
  account: ['change my account email', 'update the email on my profile', 'how do I edit my account email address', 'new email for my account'],
};

/** Bitext-shaped rows: sorted by label, no timestamps, entity annotations, a reply column. */
function rows(perTopic: number): DatasetRow[] {
  const out: DatasetRow[] = [];
  for (const topic of Object.keys(REPLIES)) {
    for (let i = 0; i < perTopic; i += 1) {
      const annotated = topic === 'account' && i % 2 === 0;
      out.push({ instruction: QUESTIONS[topic]![i % 4]!, intent: topic, response: REPLIES[topic]!, entity_type: annotated ? 'account_type' : '', entity_value: annotated ? 'Gold' : '' });
    }
  }
  return out;
}

describe('dataset mapping and synthesis', () => {
  it('maps columns by documented candidates and reads annotated entities', () => {
    expect(resolveMapping(rows(2))).toEqual({ text: 'instruction', topic: 'intent', reply: 'response', plan: 'entity.account_type' });
    expect(resolveMapping(rows(2), { topic: 'entity_type' }).topic).toBe('entity_type');
  });

  it('matches column names whatever their case and separators, and never maps one column twice', () => {
    const exported = [{ 'Ticket ID': '7', 'Ticket Description': 'my invoice is wrong', Resolution: 'We corrected the invoice.', 'Ticket Type': 'Billing', 'Ticket Channel': 'Email', 'Customer Email': 'a@example.com', Escalated: 'Yes' }];
    expect(resolveMapping(exported)).toEqual({ id: 'Ticket ID', text: 'Ticket Description', topic: 'Ticket Type', reply: 'Resolution', channel: 'Ticket Channel', customerId: 'Customer Email', escalated: 'Escalated' });
    // --map takes a column away from the candidates: "text" feeds the reply, so the question must come from elsewhere.
    expect(resolveMapping([{ text: 'answer', question: 'q' }], { reply: 'text' })).toMatchObject({ reply: 'text', text: 'question' });
    const { tickets } = datasetTickets(exported, resolveMapping(exported), { seed: 1, datasetName: 'kaggle' });
    expect(tickets[0]).toMatchObject({ id: '7', topic: 'Billing', channel: 'Email', escalated: true, customer: { customerId: 'a@example.com' } });
  });

  it('reads HTML bodies as text and skips rows whose text is only markup', () => {
    const data = [
      { id: '1', body: '<p>My invoice&nbsp;is wrong</p>', reply: '<div>Hi Ana,<br>we corrected it.</div>' },
      { id: '2', body: 'Ana <ana@example.com> here: still no refund', reply: '<p></p>' },
      { id: '3', body: 'Is 3 < 5?', reply: 'Yes.' },
    ];
    const { tickets } = datasetTickets(data, resolveMapping(data), { seed: 1, datasetName: 'x' });
    expect(tickets.map((t) => [t.id, t.text, t.reply]).sort()).toEqual([
      ['1', 'My invoice is wrong', 'Hi Ana,\nwe corrected it.'],
      ['3', 'Is 3 < 5?', 'Yes.'],
    ]);
  });

  it('names the row and column of a timestamp that is not a date', () => {
    const data = [
      { created_at: '2026-03-01T10:00:00Z', body: 'a', reply: 'b' },
      { created_at: 'last tuesday', body: 'c', reply: 'd' },
    ];
    expect(() => datasetTickets(data, resolveMapping(data), { seed: 1, datasetName: 'x' })).toThrow(/row 2: created_at "last tuesday" is not a time/);
  });

  it('reads times as exports write them, without a zone as UTC, and refuses what it would have to guess', () => {
    const at = (created_at: string) => {
      const data = [{ created_at, body: 'a', reply: 'b' }];
      return datasetTickets(data, resolveMapping(data), { seed: 1, datasetName: 'x' }).tickets[0]!.at;
    };
    expect(at('2026-11-24 10:00:00')).toBe('2026-11-24T10:00:00.000Z');
    expect(at('2026-11-24T10:00:00+01:00')).toBe('2026-11-24T09:00:00.000Z');
    expect(at('2026-11-24 10:00 +0100')).toBe('2026-11-24T09:00:00.000Z');
    expect(at('Tue Oct 31 22:10:47 +0000 2017')).toBe('2017-10-31T22:10:47.000Z');
    // Date.parse read these as 2026-01-11, 2026-03-02, 2001-01-01 and 2000-01-01.
    for (const value of ['01/11/2026', '2026-02-30', 'foo 1', '0']) expect(() => at(value), value).toThrow(/is not a time/);
    const withSignup = [{ created_at: '2026-11-24', body: 'a', reply: 'b', signup_at: '24/11/2025' }];
    expect(() => datasetTickets(withSignup, resolveMapping(withSignup), { seed: 1, datasetName: 'x' })).toThrow(/row 1: signup_at "24\/11\/2025" is not a time/);
  });

  it('refuses one ticket id on two rows, naming both', () => {
    const data = [{ id: 't1', body: 'a', reply: 'b' }, { id: 't2', body: 'c', reply: 'd' }, { id: 't1', body: 'e', reply: 'f' }];
    expect(() => datasetTickets(data, resolveMapping(data), { seed: 1, datasetName: 'x' })).toThrow(/rows 1 and 3: ticket id "t1"/);
  });

  it('says which --map to pass when there is no reply column', () => {
    expect(() => resolveMapping([{ instruction: 'hi' }])).toThrow(/--map reply=<column>/);
  });

  it('synthesises seeded, sorted timestamps within the period and says so', () => {
    const data = rows(20);
    const a = datasetTickets(data, resolveMapping(data), { seed: 7, datasetName: 'demo' });
    const b = datasetTickets(data, resolveMapping(data), { seed: 7, datasetName: 'demo' });
    const c = datasetTickets(data, resolveMapping(data), { seed: 8, datasetName: 'demo' });
    expect(a.tickets).toEqual(b.tickets);
    expect(c.tickets.map((t) => t.at)).not.toEqual(a.tickets.map((t) => t.at));
    const times = a.tickets.map((t) => Date.parse(t.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse('2026-01-05T00:00:00Z'));
    expect(Math.max(...times)).toBeLessThan(Date.parse('2026-05-05T00:00:00Z'));
    expect(a.synthesized.join(' ')).toMatch(/created_at/);
    expect(a.synthesized.join(' ')).toMatch(/customer\.id/);
    // The label-sorted file is shuffled: the first ten tickets are not all one topic.
    expect(new Set(a.tickets.slice(0, 10).map((t) => t.topic)).size).toBeGreaterThan(1);
  });

  it('keeps observed plans, draws the others from them, and counts repeat contacts', () => {
    const data = rows(20);
    const { tickets } = datasetTickets(data, resolveMapping(data), { seed: 7, datasetName: 'demo' });
    expect(tickets.find((t) => t.id === 'demo-40')!.customer.plan).toBe('gold');
    expect(tickets.every((t) => t.customer.plan === 'gold')).toBe(true);
    expect(Math.max(...tickets.map((t) => t.priorContacts))).toBeGreaterThan(0);
  });

  it('uses the dataset’s own timestamps and nested fields when it has them (JSONL stream shape)', () => {
    const stream = [
      { id: 'x2', created_at: '2026-03-02T10:00:00Z', body: 'refund please', customer: { id: 'c1', plan: 'Trial' }, topic: { label: 'refund' }, reference_resolution: REPLIES.refund },
      { id: 'x1', created_at: '2026-03-01T10:00:00Z', body: 'where is my refund', customer: { id: 'c1', plan: 'Trial' }, topic: { label: 'refund' }, reference_resolution: REPLIES.refund },
    ];
    const { tickets, synthesized } = datasetTickets(stream, resolveMapping(stream), { seed: 1, datasetName: 's' });
    expect(tickets.map((t) => t.id)).toEqual(['x1', 'x2']);
    expect(tickets[1]).toMatchObject({ topic: 'refund', customer: { customerId: 'c1', plan: 'trial' }, priorContacts: 1 });
    expect(synthesized.join(' ')).not.toMatch(/created_at|customer\.id/);
  });
});

describe('learning curve', () => {
  it('scores bag-of-words F1', () => {
    expect(tokenF1('the cat sat', 'the cat sat')).toBe(1);
    expect(tokenF1('', 'anything')).toBe(0);
    expect(tokenF1('a b', 'a c')).toBe(0.5);
  });

  it('replays prequentially: drafts improve from the first window to the last', () => {
    const data = rows(20);
    const { tickets } = datasetTickets(data, resolveMapping(data), { seed: 3, datasetName: 'demo' });
    const learner = createLearner();
    const scores = tickets.map((t, i) => replayTicket(learner, t, i));
    const windows = summariseWindows(scores, 20);
    expect(windows.map((w) => w.tickets)).toEqual([20, 20, 20]);
    expect(summariseWindows(scores, 25).map((w) => w.tickets)).toEqual([25, 35]);
    expect(summariseWindows(scores, 40).map((w) => w.tickets)).toEqual([40, 20]);
    expect(windows[0]!.draftCoverage).toBeLessThan(1);
    expect(windows[2]!.acceptance).toBeGreaterThan(windows[0]!.acceptance);
    expect(windows[2]!.acceptance).toBeGreaterThan(0.9);
    expect(windows[2]!.topicAccuracy).toBeGreaterThan(0.9);
    expect(windows[2]!.meanEditDistance).toBeLessThan(windows[0]!.meanEditDistance);
    expect(scores[0]).toMatchObject({ drafted: false, editDistance: 1, correctionClass: 'ignored' });
  });

  it('has no topic accuracy (null, not 0%) for a dataset without topic labels', () => {
    const data = rows(5).map(({ intent: _label, ...rest }) => rest);
    const { tickets } = datasetTickets(data, resolveMapping(data), { seed: 3, datasetName: 'demo' });
    const learner = createLearner();
    const [window] = summariseWindows(tickets.map((t, i) => replayTicket(learner, t, i)), 100);
    expect(window!.topicAccuracy).toBeNull();
    expect(window!.acceptance).toBeGreaterThan(0);
  });

  it('replays the naive baselines from earlier tickets only, beside the learner', () => {
    const baselines = new ReplyBaselines();
    const ticket = (id: string, text: string, topic: string | undefined, reply: string) => ({ id, text, topic, reply });
    expect(baselines.draft(ticket('t1', 'where is my refund', 'refund', 'x'))).toEqual({ nearestQuestion: '', sameTopic: '' });
    baselines.learn(ticket('t1', 'where is my refund', 'refund', REPLIES.refund!));
    baselines.learn(ticket('t2', 'when will my order ship', 'shipping', REPLIES.shipping!));
    baselines.learn(ticket('t3', 'no reply was sent', 'shipping', '  '));
    // Nearest question: the reply to the most similar earlier question, whatever its topic label.
    // An unlabelled ticket has no same-topic draft at all (not an empty one, which would score as rewritten).
    expect(baselines.draft(ticket('t4', 'my order has not shipped yet', undefined, ''))).toEqual({ nearestQuestion: REPLIES.shipping });
    // Same topic: only replies of the ticket's own label (an empty reply was never learned); none for an unseen label.
    expect(baselines.draft(ticket('t5', 'refund not received', 'refund', '')).sameTopic).toBe(REPLIES.refund);
    expect(baselines.draft(ticket('t6', 'refund not received', 'shipping', '')).sameTopic).toBe(REPLIES.shipping);
    expect(baselines.draft(ticket('t7', 'refund not received', 'account', '')).sameTopic).toBe('');

    const data = rows(10);
    const { tickets } = datasetTickets(data, resolveMapping(data), { seed: 3, datasetName: 'demo' });
    const learner = createLearner();
    const replay = new ReplyBaselines();
    const scores = tickets.map((t, i) => replayTicket(learner, t, i, replay));
    // The first ticket has no history: no baseline draft, distance 1, as for the learner.
    expect(scores[0]!.baselines).toEqual({ nearestQuestion: { editDistance: 1, tokenF1: 0, accepted: false }, sameTopic: { editDistance: 1, tokenF1: 0, accepted: false } });
    const [window] = summariseWindows(scores, 100);
    // Every topic here has one reply: once seen, the same-topic reply is exact.
    const firstOfTopic = new Set(tickets.map((t) => tickets.find((u) => u.topic === t.topic)!.id)).size;
    expect(window!.baselines.sameTopic!.acceptance).toBeCloseTo((tickets.length - firstOfTopic) / tickets.length, 4);
    expect(window!.baselines.nearestQuestion!.meanTokenF1).toBeGreaterThan(0.5);
    // Without baselines the summary has none.
    expect(summariseWindows(tickets.map((t, i) => replayTicket(createLearner(), t, i)), 100)[0]!.baselines).toEqual({});
  });
});
