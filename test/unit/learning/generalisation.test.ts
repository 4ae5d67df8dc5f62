import { describe, expect, it } from 'vitest';
import { createLearner, type Learner } from '../../../domain/learning/learner.js';
import type { TicketMessage } from '../../../domain/learning/records.js';

// Three topics with their usual answers. Agents add a paragraph for trial customers (a hidden rule
// the learner never sees; it only sees what agents send).
const TOPICS = {
  billing: {
    questions: ['How do I update the card you charge?', 'Can you change the card on my billing account?', 'My billing card expired, how do I replace it?', 'Where do I edit payment card details for billing?'],
    reply: 'You can update your card under Settings, then Billing. The new card is used from the next invoice onwards. Past invoices stay as they were issued.',
  },
  exports: {
    questions: ['How can I export my reports to CSV?', 'Is there a way to download report data as a spreadsheet?', 'I need to export a report to Excel.', 'Export of report data to CSV please'],
    reply: 'Open the report and choose Export in the top right corner. Pick CSV or Excel as the format. Exports larger than ten thousand rows arrive by email.',
  },
  integrations: {
    questions: ['How do I connect the Slack integration?', 'Can I link Slack to my workspace integrations?', 'Slack integration setup steps?', 'Where do I enable integrations like Slack?'],
    reply: 'Integrations live under Settings, then Integrations. Click Connect next to Slack and approve the permissions. Messages start to flow within a minute.',
  },
} as const;
type Topic = keyof typeof TOPICS;

const TRIAL_PARAGRAPH: Record<Topic, string> = {
  billing: 'Since you are on a trial, the quickest way to see how this fits your workflow is to import one real project first. Our onboarding guide walks through a typical week with the product step by step.',
  exports: 'Since you are on a trial, the fastest way to see how this fits your workflow is to import one real project first. Our onboarding guide walks through a typical week with the product step by step.',
  integrations: 'Since you are on a trial, the quickest way to see how this fits your workflow is to import one real project first. Our onboarding guide walks through a typical week with the product step by step.',
};

let clock = 0;
const NEW_SIGNUP = '2026-01-25T00:00:00Z';
const OLD_SIGNUP = '2024-01-01T00:00:00Z';

function message(topic: Topic, plan: string, n: number, signupAt?: string): TicketMessage {
  const questions = TOPICS[topic].questions;
  return { ticketId: `${topic}-${plan}-${n}-${clock}`, text: questions[n % questions.length]!, at: new Date(Date.UTC(2026, 1, 1) + (clock += 60_000)).toISOString(), channel: 'email', customer: { plan, ...(signupAt ? { signupAt } : {}) } };
}

/** What an agent sends: the topic's answer, plus the trial paragraph for trial customers. */
const agentReply = (topic: Topic, plan: string): string => (plan === 'Trial' ? `${TOPICS[topic].reply}\n\n${TRIAL_PARAGRAPH[topic]}` : TOPICS[topic].reply);

function handle(learner: Learner, topic: Topic, plan: string, n: number, signupAt?: string, labelled = true) {
  const m = message(topic, plan, n, signupAt);
  const suggestion = learner.draft(m);
  const { correction } = learner.learn({ kind: 'ticket', id: m.ticketId, at: m.at, message: m, ...(labelled ? { topic } : {}), reply: agentReply(topic, plan), suggestion });
  return { suggestion, correction: correction! };
}

/** Every topic answered for paying customers; trial customers corrected only in the given topics. */
function learnerCorrectedIn(trialTopics: readonly Topic[], trialTicketsPerTopic = 3): Learner {
  const learner = createLearner();
  for (let n = 0; n < 4; n += 1) for (const topic of Object.keys(TOPICS) as Topic[]) handle(learner, topic, 'Pro', n);
  for (let n = 0; n < trialTicketsPerTopic; n += 1) for (const topic of trialTopics) handle(learner, topic, 'Trial', n);
  return learner;
}

describe('generalisation across topics', () => {
  it('learns "plan=trial → add the workflow paragraph" from two topics and applies it to a third never corrected for trial', () => {
    const learner = learnerCorrectedIn(['billing', 'exports']);
    const rules = learner.activeRules().filter((r) => r.feature === 'plan' && r.value === 'trial');
    expect(rules.length).toBe(2);
    expect(rules.every((r) => r.support >= 3 && r.topics.join() === 'billing,exports')).toBe(true);

    const { suggestion } = handle(learner, 'integrations', 'Trial', 0);
    expect(suggestion.draft).toContain(TOPICS.integrations.reply);
    expect(suggestion.draft).toContain('import one real project first');
    expect(suggestion.draft).toContain('Our onboarding guide walks through a typical week');
    expect(suggestion.rules.filter((r) => r.effect === 'added').map((r) => r.feature)).toEqual(['plan', 'plan']);
    expect(suggestion.explanation.rules.join(' ')).toMatch(/rule plan=trial learned from \d+ replies across 2 topics \(billing, exports\)/);
    expect(suggestion.explanation.contextFeatures.find((f) => f.feature === 'plan')).toMatchObject({ value: 'trial', mattered: true });
  });

  it('does not apply the rule to customers on other plans', () => {
    const learner = learnerCorrectedIn(['billing', 'exports']);
    const { suggestion } = handle(learner, 'integrations', 'Pro', 1);
    expect(suggestion.draft).toBe(TOPICS.integrations.reply);
    expect(suggestion.rules).toEqual([]);
    expect(suggestion.explanation.contextFeatures.find((f) => f.feature === 'plan')).toMatchObject({ value: 'pro', mattered: false });
  });

  it('cuts trial-only content from a reply reused for a paying customer', () => {
    const learner = learnerCorrectedIn(['billing', 'exports'], 6);
    const { suggestion } = handle(learner, 'billing', 'Pro', 2);
    expect(suggestion.draft).toBe(TOPICS.billing.reply);
    const trialDraft = handle(learner, 'billing', 'Trial', 3).suggestion.draft;
    expect(trialDraft).toContain('import one real project first');
  });

  it('does not generalise from a single topic', () => {
    const learner = learnerCorrectedIn(['billing'], 6);
    expect(learner.activeRules()).toEqual([]);
    const { suggestion } = handle(learner, 'integrations', 'Trial', 2);
    expect(suggestion.draft).not.toContain('import one real project first');
  });

  it('makes the applied paragraph an accepted draft for the new topic', () => {
    const learner = learnerCorrectedIn(['billing', 'exports']);
    const { correction } = handle(learner, 'integrations', 'Trial', 0);
    expect(correction.accepted).toBe(true);
    expect(correction.additions).toEqual([]);
    expect(correction.rulesKept).toHaveLength(2);
  });

  it('drops a rule agents keep rejecting', () => {
    const learner = learnerCorrectedIn(['billing', 'exports']);
    const { suggestion } = handle(learner, 'integrations', 'Trial', 0);
    for (let i = 0; i < 8; i += 1) learner.feedback(suggestion, 'down', { id: `down-${i}`, at: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString() });
    expect(learner.activeRules().filter((r) => r.value === 'trial')).toEqual([]);
  });

  it('does not let an overlapping feature (every trial customer is new) carry the content to new customers on other plans', () => {
    const learner = createLearner();
    for (let n = 0; n < 4; n += 1) for (const topic of Object.keys(TOPICS) as Topic[]) handle(learner, topic, 'Pro', n, OLD_SIGNUP);
    for (let n = 0; n < 4; n += 1) {
      for (const topic of ['billing', 'exports'] as const) {
        handle(learner, topic, 'Trial', n, NEW_SIGNUP);
        handle(learner, topic, 'Pro', n, NEW_SIGNUP);
      }
    }
    const applying = learner.activeRules().map((r) => `${r.feature}=${r.value}`);
    expect(applying).toContain('plan=trial');
    expect(applying).not.toContain('tenure=under-30d');
    expect(handle(learner, 'integrations', 'Pro', 0, NEW_SIGNUP).suggestion.draft).toBe(TOPICS.integrations.reply);
    expect(handle(learner, 'integrations', 'Trial', 1, NEW_SIGNUP).suggestion.draft).toContain('import one real project first');
  });

  it('generalises without topic labels, taking groups of alike replies for topics', () => {
    const learner = createLearner();
    for (let n = 0; n < 4; n += 1) for (const topic of Object.keys(TOPICS) as Topic[]) handle(learner, topic, 'Pro', n, undefined, false);
    for (let n = 0; n < 3; n += 1) for (const topic of ['billing', 'exports'] as const) handle(learner, topic, 'Trial', n, undefined, false);
    const rules = learner.activeRules().filter((r) => r.feature === 'plan' && r.value === 'trial');
    expect(rules).toHaveLength(2);
    expect(rules[0]!.topics).toHaveLength(2);
    expect(rules[0]!.topics.every((t) => t.startsWith('reply group '))).toBe(true);
    const { suggestion } = handle(learner, 'integrations', 'Trial', 0, undefined, false);
    expect(suggestion.topic.topic).toBe('unknown');
    expect(suggestion.draft).toContain(TOPICS.integrations.reply);
    expect(suggestion.draft).toContain('import one real project first');
  });
});
