import { describe, expect, it } from 'vitest';
import { ticketRowsOf } from '../../../domain/learning/conversationExports.js';
import { datasetTickets, resolveMapping, type DatasetRow } from '../../../domain/learning/datasetTickets.js';

/** Folds, maps and turns into tickets, as `eval` and `import` do. */
function ticketsOf(rows: DatasetRow[], map = {}) {
  const folded = ticketRowsOf(rows, map);
  return { ...folded, ...datasetTickets(folded.rows, resolveMapping(folded.rows, folded.mapping), { seed: 1, datasetName: 'test' }) };
}

describe('message-per-row exports become tickets', () => {
  it('threads tweets by in_response_to_tweet_id (the Twitter customer-support corpus layout)', () => {
    // Columns and value formats as in that corpus: inbound True/False, Twitter-style dates, reply links as ids.
    const rows: DatasetRow[] = [
      { tweet_id: '3', author_id: '115712', inbound: 'True', created_at: 'Tue Oct 31 22:08:27 +0000 2017', text: '@sprintcare my phone has had no signal since yesterday', response_tweet_id: '1', in_response_to_tweet_id: '' },
      { tweet_id: '1', author_id: 'sprintcare', inbound: 'False', created_at: 'Tue Oct 31 22:10:47 +0000 2017', text: '@115712 Sorry to hear that. Please DM us your ZIP code so we can check the towers.', response_tweet_id: '2', in_response_to_tweet_id: '3' },
      { tweet_id: '2', author_id: '115712', inbound: 'True', created_at: 'Tue Oct 31 22:11:45 +0000 2017', text: '@sprintcare sent', response_tweet_id: '', in_response_to_tweet_id: '1' },
      { tweet_id: '9', author_id: '115713', inbound: 'True', created_at: 'Wed Nov 01 09:00:00 +0000 2017', text: '@AppleSupport the battery drains overnight', response_tweet_id: '', in_response_to_tweet_id: '' },
      { tweet_id: '11', author_id: '115714', inbound: 'True', created_at: 'Wed Nov 01 10:00:00 +0000 2017', text: '@AppleSupport my screen flickers', response_tweet_id: '12', in_response_to_tweet_id: '' },
      { tweet_id: '12', author_id: 'AppleSupport', inbound: 'False', created_at: 'Wed Nov 01 10:05:00 +0000 2017', text: "@115714 Let's fix that. Which iOS version are you on?", response_tweet_id: '', in_response_to_tweet_id: '11' },
    ];
    const { tickets, note, mapping } = ticketsOf(rows);
    // The follow-up "sent" replies to the company: it is not a new question. Tweet 9 got no answer.
    expect(tickets.map((t) => [t.id, t.text, t.reply])).toEqual([
      ['3', '@sprintcare my phone has had no signal since yesterday', '@115712 Sorry to hear that. Please DM us your ZIP code so we can check the towers.'],
      ['11', '@AppleSupport my screen flickers', "@115714 Let's fix that. Which iOS version are you on?"],
    ]);
    expect(tickets[0]).toMatchObject({ at: '2017-10-31T22:08:27.000Z', customer: { customerId: '115712' }, synthesized: { at: false, customerId: false } });
    expect(mapping).toMatchObject({ createdAt: 'conversation_started_at' });
    expect(note).toMatch(/threaded by "in_response_to_tweet_id": 3 conversations → 2 tickets/);
  });

  it('groups helpdesk comments by ticket: the question up to the first agent message, that reply, nothing later', () => {
    const rows: DatasetRow[] = [
      // Out of time order in the file, as comment exports often are.
      { ticket_id: 'T1', author_role: 'agent', created_at: '2026-03-01T10:05:00Z', body: 'Hi Ana, I have reset the link.', channel: 'email' },
      { ticket_id: 'T1', author_role: 'end-user', created_at: '2026-03-01T10:00:00Z', body: 'I cannot log in.', channel: 'email', customer_id: 'ana', topic: 'login' },
      { ticket_id: 'T1', author_role: 'end-user', created_at: '2026-03-01T10:01:00Z', body: 'The reset link has expired.', channel: 'email' },
      { ticket_id: 'T1', author_role: 'internal', created_at: '2026-03-01T10:04:00Z', body: 'Checked the auth logs, nothing odd.' },
      { ticket_id: 'T1', author_role: 'agent', created_at: '2026-03-01T10:06:00Z', body: 'It is valid for 24 hours.' },
      { ticket_id: 'T1', author_role: 'end-user', created_at: '2026-03-01T11:00:00Z', body: 'Thanks, that worked!' },
      { ticket_id: 'T1', author_role: 'agent', created_at: '2026-03-01T11:01:00Z', body: 'Glad to help.' },
      { ticket_id: 'T2', author_role: 'end-user', created_at: '2026-03-02T09:00:00Z', body: 'Where is my invoice?' },
    ];
    const { tickets, note } = ticketsOf(rows);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({
      id: 'T1', at: '2026-03-01T10:00:00.000Z', topic: 'login', channel: 'email', customer: { customerId: 'ana' },
      text: 'I cannot log in.\n\nThe reset link has expired.',
      reply: 'Hi Ana, I have reset the link.\n\nIt is valid for 24 hours.',
    });
    expect(note).toMatch(/grouped by "ticket_id": 2 conversations → 1 tickets .*sender column "author_role"/);
  });

  it('names the row of a message time that is not a time, instead of dropping every time', () => {
    const rows: DatasetRow[] = [
      { ticket_id: 'T1', author_role: 'end-user', created_at: '2026-03-01T10:00:00Z', body: 'I cannot log in.' },
      { ticket_id: 'T1', author_role: 'agent', created_at: 'yesterday', body: 'Reset it here.' },
    ];
    expect(() => ticketsOf(rows)).toThrow(/row 2, created_at: "yesterday" is not a time/);
  });

  it('reads chat-style message arrays (JSON Lines) and leaves system messages out', () => {
    const rows: DatasetRow[] = [
      { id: 'c1', category: 'refund', messages: [{ role: 'system', content: 'You are a support agent.' }, { role: 'user', content: 'I want my money back' }, { role: 'assistant', content: 'I have issued a refund to your card.' }] },
      { id: 'c2', conversations: 'ignored', messages: JSON.stringify([{ from: 'human', value: 'How do I change my plan?' }, { from: 'gpt', value: 'Go to Billing, then Plan.' }]) },
      { id: 'c3', messages: [{ role: 'user', content: 'hello?' }] },
    ];
    const { tickets, mapping, synthesized } = ticketsOf(rows);
    expect(tickets.map((t) => [t.id, t.topic, t.text, t.reply]).sort()).toEqual([
      ['c1', 'refund', 'I want my money back', 'I have issued a refund to your card.'],
      ['c2', undefined, 'How do I change my plan?', 'Go to Billing, then Plan.'],
    ]);
    // No times anywhere: they are synthesised, and said to be.
    expect(mapping.createdAt).toBeUndefined();
    expect(synthesized.join(' ')).toMatch(/created_at/);
  });

  it('leaves ticket rows alone', () => {
    const rows: DatasetRow[] = [{ instruction: 'where is my order', response: 'It ships tomorrow.', role: 'user', ticket_id: '1' }];
    expect(ticketRowsOf(rows, { topic: 'x' })).toEqual({ rows, mapping: { topic: 'x' } });
  });

  it('says which sender values it could not place, and fails when none form a conversation', () => {
    const rows: DatasetRow[] = [
      { conversation_id: 'a', sender: 'customer', text: 'My export is stuck' },
      { conversation_id: 'a', sender: 'Tier 2', text: 'Restarted the export job.' },
      { conversation_id: 'a', sender: 'Tier 2', text: 'It should finish in an hour.' },
    ];
    expect(() => ticketRowsOf(rows)).toThrow(/no conversation has a customer message followed by an agent reply \(sender column "sender"; sender values not understood: "Tier 2" ×2\)/);
    const withAgent = [...rows, { conversation_id: 'b', sender: 'customer', text: 'Invoice?' }, { conversation_id: 'b', sender: 'agent', text: 'Sent again.' }];
    expect(ticketRowsOf(withAgent).note).toMatch(/messages left out, sender not understood: "Tier 2" ×2/);
  });

  it('names the missing columns when --map asks for message rows', () => {
    expect(() => ticketRowsOf([{ text: 'hi', speaker: 'customer' }], { sender: 'speaker' })).toThrow(/conversation column \(found none\) or in-reply-to and message id columns \(found none, none\)/);
  });

  it('reads boolean sender columns by what true means', () => {
    const rows: DatasetRow[] = [
      { thread_id: 'x', outbound: 'no', message: 'Can I export to CSV?' },
      { thread_id: 'x', outbound: 'yes', message: 'Yes, under Reports.' },
    ];
    expect(ticketsOf(rows).tickets[0]).toMatchObject({ text: 'Can I export to CSV?', reply: 'Yes, under Reports.' });
  });
});
