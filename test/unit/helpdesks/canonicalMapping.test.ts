import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from '../../../helpdesks/adapter.js';
import {
  channelFrom, contentHash, customerContext, escalationSignals, finishEvents, plainTextFromHtml, plainTextIfHtml, tagList,
} from '../../../helpdesks/canonicalMapping.js';

const nested = (open: string, close: string, depth: number, inner: string) => open.repeat(depth) + inner + close.repeat(depth);

describe('shared mapping pieces', () => {
  it('maps provider channel names to canonical channels', () => {
    const cases: [string | undefined, string][] = [
      ['web_service', 'api'], ['API', 'api'], ['Mail', 'email'], ['Outbound Email', 'email'], ['voicemail', 'phone'],
      ['Phone call (incoming)', 'phone'], ['native_messaging', 'chat'], ['conversation', 'chat'], ['beacon-v2', 'chat'],
      ['Web form', 'web'], ['Portal', 'web'], ['whatsapp', 'social'], ['Twitter DM', 'social'], ['carrier pigeon', 'other'], [undefined, 'other'],
    ];
    expect(cases.map(([raw]) => channelFrom(raw))).toEqual(cases.map(([, channel]) => channel));
  });

  it('finds escalation tags, escalation groups and urgent priority, and nothing else', () => {
    expect(escalationSignals({ tags: ['vip', 'tier2', 'escalated_to_eng', 'tiers', 'not-escalated-yet'], priority: 'high' })).toEqual(['tier2', 'escalated_to_eng']);
    expect(escalationSignals({ tags: [], groupName: 'L2 Support', priority: 'URGENT' })).toEqual(['L2 Support', 'urgent']);
    expect(escalationSignals({ tags: ['billing'], groupName: 'Billing' })).toEqual([]);
  });

  it('turns HTML into plain text, and leaves plain template text alone', () => {
    expect(plainTextFromHtml('<p>Hi&nbsp;<b>there</b></p><ul><li>one</li></ul><img src="x.png"><a href="https://x.example">link</a>')).toBe('Hi there\n\n * one\n\nlink');
    expect(plainTextIfHtml('line one\n  line two  ')).toBe('line one\n  line two');
    expect(plainTextIfHtml('<div>Hi Ana,<br/>fixed.</div>')).toBe('Hi Ana,\nfixed.');
    // Angle brackets that are not markup stay.
    expect(plainTextIfHtml('From: Ana <ana@example.com>\nIs 3 < 5? <3')).toBe('From: Ana <ana@example.com>\nIs 3 < 5? <3');
  });

  it('turns deeply nested HTML into its words, a line per block, without overflowing the stack', () => {
    // html-to-text recurses per element: a few thousand levels used to throw RangeError (a 500, retried forever).
    const divs = nested('<div>', '</div>', 20_000, 'Hello &amp; <b>welcome</b>.');
    expect(plainTextFromHtml(divs)).toBe('Hello & welcome.');
    expect(plainTextIfHtml(divs)).toBe('Hello & welcome.');
    expect(plainTextFromHtml(nested('<ol><li>', '</li></ol>', 5_000, 'deep item'))).toBe('deep item');
    expect(plainTextFromHtml(nested('<table><tr><td>', '</td></tr></table>', 5_000, 'cell'))).toBe('cell');
    expect(plainTextFromHtml(`${'<div>'.repeat(20_000)}never closed`)).toBe('never closed');
    const quoted = `<head><style>p{}</style></head><p>Hi Ana,</p>${nested('<blockquote><div>', '</div></blockquote>', 5_000,
      '<p>On Monday &lt;dana@example.com&gt; wrote:</p><ul><li>one</li><li>two</li></ul>')}<p>Thanks,<br>Dana</p><script>x()</script>`;
    expect(plainTextFromHtml(quoted)).toBe('Hi Ana,\nOn Monday <dana@example.com> wrote:\none\ntwo\nThanks,\nDana');
    // Ordinary HTML still goes through html-to-text (its blank lines and bullets).
    expect(plainTextFromHtml('<p>Hi Ana,</p><ul><li>one</li></ul>')).toBe('Hi Ana,\n\n * one');
  });

  it('refuses payload values nested too deep to hash, naming the payload, instead of failing with a 500', () => {
    const deep = JSON.parse(nested('{"a":[', ']}', 20_000, '"x"'));
    expect(() => contentHash('comment', deep)).toThrow(InvalidPayloadError);
    expect(contentHash('comment', { a: ['x'] })).toBe(contentHash('comment', { a: ['x'] }));
  });

  it('reads tags from arrays, tag objects and space-separated strings', () => {
    expect(tagList('a b,c  a', 'tags')).toEqual(['a', 'b', 'c']);
    expect(tagList([{ tag: 'vip' }, { name: 'beta' }, 'x'], 'tags')).toEqual(['vip', 'beta', 'x']);
    expect(() => tagList([{ colour: 'red' }], 'data.tags')).toThrow(expect.objectContaining({ field: 'data.tags.0' }));
  });

  it('builds customer context from well-known attribute names and keeps the rest as strings', () => {
    expect(customerContext({ customerId: 'c1' }, { Plan: 'Pro', 'Customer Segment': 'SMB', job_title: 'CTO', signed_up_at: 1672531200, seats: 5, empty: '', nested: { a: 1 } })).toEqual({
      customerId: 'c1', plan: 'Pro', segment: 'SMB', role: 'CTO', signupAt: '2023-01-01T00:00:00.000Z', custom: { seats: '5' },
    });
    expect(customerContext({}, { signup_date: 'not a date' })).toEqual({ custom: { signup_date: 'not a date' } });
    expect(customerContext({})).toBeUndefined();
  });

  it('validates finished events against the canonical schema, naming the field', () => {
    const base = { tenantId: 't', provider: 'zendesk', ticketId: '1', channel: 'email' as const, tags: [] };
    const draft = { eventId: 'e', kind: 'csat.rated' as const, occurredAt: '2025-01-01T00:00:00.000Z', csat: { score: 2, raw: 'x' } };
    expect(() => finishEvents(base, [draft])).toThrow(InvalidPayloadError);
    expect(() => finishEvents(base, [draft])).toThrow(expect.objectContaining({ field: 'csat.score' }));
    expect(finishEvents(base, [{ ...draft, csat: { score: 1, raw: 'x' } }, { ...draft, csat: { score: 1, raw: 'x' } }])).toHaveLength(1);
  });
});
