import { describe, expect, it } from 'vitest';
import { agentReply } from '../../../simulator/agentPolicy.js';
import { composeIdealReply, renderReply, ruleById } from '../../../simulator/agentRules.js';
import { normalisedEditDistance, rulesInText } from '../../../simulator/replyMatching.js';
import { SeededRandom } from '../../../simulator/seededRandom.js';
import { topicById } from '../../../simulator/topics.js';

const topic = topicById('password-reset');
const answerOnly = composeIdealReply('topic:password-reset', topic.answer, [], new SeededRandom(1));
const withTrial = composeIdealReply('topic:password-reset', topic.answer, [ruleById('trial-workflow')], new SeededRandom(1));
const answerText = renderReply(answerOnly);
const trialText = renderReply(withTrial);

describe('agent policy', () => {
  it('with no draft the agent writes the ideal reply', () => {
    const d = agentReply('', withTrial);
    expect(d).toMatchObject({ action: 'written', sent: trialText, accepted: false, editDistance: 1, rulesInSent: ['trial-workflow'] });
  });

  it('sends a draft that already is the ideal reply verbatim', () => {
    const draft = trialText.replace(/\n\n/g, ' ');
    const d = agentReply(draft, withTrial);
    expect(d).toMatchObject({ action: 'accepted', sent: draft, editDistance: 0, accepted: true, answerCoverage: 1, rulesInDraft: ['trial-workflow'] });
  });

  it('a close draft gets a light edit: draft wording kept, stray content sentence dropped', () => {
    const stray = topicById('billing-invoice').answer[0]![0]!;
    const draft = `${stray} ${answerText.replace('30 minutes', '30 mins')}`;
    const d = agentReply(draft, answerOnly);
    expect(d.action).toBe('edited');
    expect(d.sent).toContain('30 mins');
    expect(d.sent).not.toContain(stray);
    expect(d.accepted).toBe(true);
    expect(d.editDistance).toBeGreaterThan(0);
    expect(d.editDistance).toBeLessThanOrEqual(0.3);
  });

  it('adds the missing rule paragraph to a draft with the answer, unless the agent lapses', () => {
    const d = agentReply(answerText, withTrial);
    expect(d.action).toBe('edited');
    expect(d.rulesInDraft).toEqual([]);
    expect(d.rulesInSent).toEqual(['trial-workflow']);
    expect(d.sent.startsWith(answerText)).toBe(true);
    const lapse = agentReply(answerText, withTrial, { lapse: true, forgets: false });
    expect(lapse).toMatchObject({ action: 'accepted', sent: answerText, rulesInSent: [] });
  });

  it('removes a rule paragraph that does not apply to this customer', () => {
    const d = agentReply(trialText, answerOnly);
    expect(d.rulesInDraft).toEqual(['trial-workflow']);
    expect(d.rulesInSent).toEqual([]);
    expect(normalisedEditDistance(d.sent, answerText)).toBe(0);
  });

  it('rewrites an unrelated draft to the ideal; forgetting leaves the rule out', () => {
    const draft = 'Thanks for your message. Our billing team will look into your invoice and come back to you.';
    expect(agentReply(draft, withTrial)).toMatchObject({ action: 'rewritten', sent: trialText, accepted: false, answerCoverage: 0 });
    const forgot = agentReply(draft, withTrial, { lapse: false, forgets: true });
    expect(forgot.sent).toBe(answerText);
    expect(rulesInText(forgot.sent)).toEqual([]);
  });

  it('reuses a draft with half the answer and completes it', () => {
    const half = renderReply(answerOnly.slice(0, 2));
    const d = agentReply(half, answerOnly);
    expect(d.action).toBe('edited');
    expect(d.answerCoverage).toBeCloseTo(2 / 3);
    expect(d.sent).toBe(answerText);
    const third = renderReply(answerOnly.slice(0, 1));
    expect(agentReply(third, answerOnly).action).toBe('rewritten');
  });

  it('recognises a rule addition in any of its phrasings', () => {
    const rule = ruleById('developer-api-reference');
    for (const variant of rule.sentences[0]!) expect(rulesInText(`${answerText} ${variant}`)).toEqual(['developer-api-reference']);
  });

  it("keeps the draft's framing (the product's strategy) where it is: acknowledgement and question before, next steps after", () => {
    const opening = 'I understand how disruptive this is, and I want to get it resolved for you as quickly as possible.';
    const question = 'To point you to the right fix, could you tell me which account it concerns?';
    const closing = 'Next steps: if anything is still not working after this, reply here with what you see and we will take it from there.';
    const draft = `${opening}\n\n${question}\n\nIn the meantime, here is what usually solves it:\n${answerText}\n\n${closing}`;
    const sent = agentReply(draft, answerOnly);
    expect(sent).toMatchObject({ action: 'accepted', sent: draft, accepted: true });
    // Missing content is still added, between the framing.
    const edited = agentReply(draft, withTrial);
    expect(edited.action).toBe('edited');
    expect(edited.sent.indexOf(opening)).toBe(0);
    expect(edited.sent.trim().endsWith(closing)).toBe(true);
    expect(edited.rulesInSent).toEqual(['trial-workflow']);
  });

  it('a concise draft is not padded with the answer sentences it left out, but missing rule additions are added', () => {
    const concise = renderReply(answerOnly.slice(0, 2));
    expect(agentReply(concise, answerOnly, undefined, { concise: true })).toMatchObject({ action: 'accepted', sent: concise });
    expect(agentReply(concise, answerOnly, undefined, { concise: false }).action).toBe('edited');
    const forTrial = agentReply(concise, withTrial, undefined, { concise: true });
    expect(forTrial.rulesInSent).toEqual(['trial-workflow']);
    expect(forTrial.sent).not.toContain(answerOnly[2]!.text);
  });
});
