import { describe, expect, it } from 'vitest';
import { AGENT_RULES, renderReply } from '../../../simulator/agentRules.js';
import { seasonalFactor } from '../../../simulator/arrivals.js';
import { rulesInText } from '../../../simulator/replyMatching.js';
import { planSimulation, type PlanOptions } from '../../../simulator/ticketPlan.js';
import { TOPICS } from '../../../simulator/topics.js';

const START = new Date('2025-03-03T00:00:00Z'); // a Monday
const base: PlanOptions = { seed: 42, tenantIds: ['acme', 'globex'], tickets: 600, start: START };
const day = (iso: string) => new Date(iso).getUTCDay();
const isWeekend = (iso: string) => day(iso) === 0 || day(iso) === 6;

describe('ticket plan: determinism', () => {
  it('the same seed gives the same stream, another seed a different one', () => {
    const a = planSimulation(base);
    const b = planSimulation(base);
    expect(JSON.stringify(a.tickets)).toBe(JSON.stringify(b.tickets));
    const c = planSimulation({ ...base, seed: 43 });
    expect(c.tickets.map((t) => t.body)).not.toEqual(a.tickets.map((t) => t.body));
    expect(c.tickets.map((t) => t.openedAt)).not.toEqual(a.tickets.map((t) => t.openedAt));
  });

  it('plans exactly the requested tickets, in time order, for the given tenants', () => {
    const { tickets } = planSimulation(base);
    expect(tickets).toHaveLength(600);
    expect(new Set(tickets.map((t) => t.ticketId)).size).toBe(600);
    expect(tickets.every((t, i) => i === 0 || t.openedAt >= tickets[i - 1]!.openedAt)).toBe(true);
    expect(new Set(tickets.map((t) => t.tenantId))).toEqual(new Set(['acme', 'globex']));
    expect(new Set(tickets.map((t) => t.topicId)).size).toBe(TOPICS.length);
  });

  it('customers write only after signing up, and trial customers only during their trial', () => {
    for (const t of planSimulation(base).tickets) {
      expect(Date.parse(t.customer.signupAt)).toBeLessThanOrEqual(Date.parse(t.openedAt));
      if (t.customer.plan === 'trial') expect(t.tenureDays).toBeLessThan(30);
    }
  });

  it('the default start puts the whole stream and its lifecycles in the past', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    const { tickets } = planSimulation({ ...base, start: undefined, now });
    expect(Date.parse(tickets.at(-1)!.openedAt)).toBeLessThan(now.getTime() - 6 * 86_400_000);
  });
});

describe('ticket plan: seasonality and spikes', () => {
  it('weekdays are busier than weekends, office hours than nights', () => {
    const { tickets } = planSimulation({ ...base, tickets: 3000, ticketsPerDay: 100 });
    const weeks = (Date.parse(tickets.at(-1)!.openedAt) - START.getTime()) / (7 * 86_400_000);
    const weekendPerDay = tickets.filter((t) => isWeekend(t.openedAt)).length / (2 * weeks);
    const weekdayPerDay = tickets.filter((t) => !isWeekend(t.openedAt)).length / (5 * weeks);
    expect(weekdayPerDay).toBeGreaterThan(2 * weekendPerDay);
    const hour = (t: { openedAt: string }) => new Date(t.openedAt).getUTCHours();
    expect(tickets.filter((t) => hour(t) >= 10 && hour(t) < 16).length).toBeGreaterThan(3 * tickets.filter((t) => hour(t) < 6).length);
    expect(seasonalFactor(new Date('2025-03-04T11:00:00Z'))).toBeGreaterThan(seasonalFactor(new Date('2025-03-09T03:00:00Z')));
  });

  it('a spike multiplies its topic in its window and leaves other topics alone', () => {
    const window = { from: '2025-03-05T00:00:00Z', to: '2025-03-07T00:00:00Z' };
    const inWindow = (t: { openedAt: string }) => t.openedAt >= window.from && t.openedAt < window.to;
    const options = { ...base, tickets: 1500, ticketsPerDay: 100 };
    const calm = planSimulation(options).tickets.filter(inWindow);
    const spiked = planSimulation({ ...options, spikes: [{ topicId: 'refund-request', factor: 6, ...window }] }).tickets.filter(inWindow);
    const count = (ts: typeof calm, topic: string) => ts.filter((t) => t.topicId === topic).length;
    expect(count(spiked, 'refund-request')).toBeGreaterThan(3 * Math.max(1, count(calm, 'refund-request')));
    expect(count(spiked, 'password-reset')).toBeLessThan(2 * Math.max(5, count(calm, 'password-reset')));
  });

  it('a tenant-scoped spike only affects that tenant', () => {
    const window = { from: '2025-03-05T00:00:00Z', to: '2025-03-07T00:00:00Z' };
    const { tickets } = planSimulation({ ...base, tickets: 1500, ticketsPerDay: 100, spikes: [{ topicId: 'data-export', tenantId: 'acme', factor: 8, ...window }] });
    const hits = tickets.filter((t) => t.topicId === 'data-export' && t.openedAt >= window.from && t.openedAt < window.to);
    expect(hits.filter((t) => t.tenantId === 'acme').length).toBeGreaterThan(3 * Math.max(1, hits.filter((t) => t.tenantId === 'globex').length));
  });
});

describe('ticket plan: hidden rules', () => {
  const { tickets } = planSimulation(base);
  const idealRules = (t: (typeof tickets)[number]) => rulesInText(renderReply(t.ideal));

  it('every rule occurs, and a rule is in the ideal reply exactly when its condition holds', () => {
    for (const rule of AGENT_RULES) expect(tickets.filter((t) => t.ruleIds.includes(rule.id)).length, rule.id).toBeGreaterThan(20);
    for (const t of tickets) {
      expect(idealRules(t).sort()).toEqual([...t.ruleIds].sort());
      expect(t.ruleIds.includes('trial-workflow')).toBe(t.customer.plan === 'trial');
      expect(t.ruleIds.includes('developer-api-reference')).toBe(t.customer.role === 'developer');
      expect(t.ruleIds.includes('enterprise-csm')).toBe(t.customer.segment === 'enterprise');
      expect(t.ruleIds.includes('frustrated-apology')).toBe(t.frustrated);
    }
  });

  it('trial customers get the trial paragraph after the answer, frustrated ones an apology before it', () => {
    const trial = tickets.find((t) => t.customer.plan === 'trial')!;
    expect(trial.ideal.at(-1)!.source).not.toBe('answer');
    expect(renderReply(trial.ideal)).toMatch(/trial/i);
    const notTrial = tickets.filter((t) => t.customer.plan !== 'trial');
    expect(notTrial.some((t) => /trial/i.test(renderReply(t.ideal)))).toBe(false);
    const angry = tickets.find((t) => t.frustrated)!;
    expect(angry.ideal[0]!.source).toBe('frustrated-apology');
  });

  it('rule sentences vary in phrasing across tickets', () => {
    const trialTexts = new Set(tickets.filter((t) => t.customer.plan === 'trial').map((t) => t.ideal.find((s) => s.source === 'trial-workflow')!.text));
    expect(trialTexts.size).toBeGreaterThan(1);
  });
});

describe('ticket plan: held-out rules', () => {
  const heldOutTopics = ['sso-setup', 'data-export', 'refund-request'];
  const plan = planSimulation({ ...base, tickets: 2000, heldOut: { ruleIds: ['trial-workflow'], topicIds: heldOutTopics, until: 0.5 } });
  const { tickets } = plan;

  it('keeps the rule off the held-out topics during the first part, then lets it in as transfer cases', () => {
    expect(plan.heldOut).toEqual({ ruleIds: ['trial-workflow'], topicIds: heldOutTopics, untilIndex: 1000 });
    const early = tickets.filter((t) => t.index < 1000);
    const late = tickets.filter((t) => t.index >= 1000);
    expect(early.filter((t) => heldOutTopics.includes(t.topicId) && t.ruleIds.includes('trial-workflow'))).toHaveLength(0);
    expect(early.filter((t) => !heldOutTopics.includes(t.topicId) && t.ruleIds.includes('trial-workflow')).length).toBeGreaterThan(50);
    expect(early.filter((t) => heldOutTopics.includes(t.topicId)).length).toBeGreaterThan(50);
    expect(late.filter((t) => heldOutTopics.includes(t.topicId) && t.ruleIds.includes('trial-workflow')).length).toBeGreaterThan(5);
  });

  it('marks exactly the held-out applications as transfer cases and counts earlier ones per tenant and topic', () => {
    const seen = new Map<string, number>();
    for (const t of tickets) {
      const isCase = t.ruleIds.includes('trial-workflow') && heldOutTopics.includes(t.topicId);
      expect(t.transfer.map((c) => c.ruleId)).toEqual(isCase ? ['trial-workflow'] : []);
      if (!t.ruleIds.includes('trial-workflow')) continue;
      const key = `${t.tenantId}/${t.topicId}`;
      if (isCase) expect(t.transfer[0]!.priorOnTopic).toBe(seen.get(key) ?? 0);
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(tickets.filter((t) => t.transfer[0]?.priorOnTopic === 0).length).toBeGreaterThanOrEqual(3);
  });

  it('without held-out rules there are no transfer cases', () => {
    expect(planSimulation({ ...base, tickets: 300 }).tickets.every((t) => t.transfer.length === 0)).toBe(true);
  });

  it('rejects unknown rules and topics with the known ids', () => {
    expect(() => planSimulation({ ...base, heldOut: { ruleIds: ['nope'] } })).toThrow(/trial-workflow/);
    expect(() => planSimulation({ ...base, heldOut: { ruleIds: ['trial-workflow'], topicIds: ['nope'] } })).toThrow(/password-reset/);
  });
});

describe('ticket plan: a change of practice', () => {
  const answerOf = (t: { ideal: { source: string; text: string }[] }) => t.ideal.filter((s) => s.source === 'answer').map((s) => s.text);
  const variants = (answer: string[][]) => answer.flat();

  it('from the given share of the stream, the changed topics are answered the revised way, the others as before', () => {
    const plan = planSimulation({ ...base, practiceChange: { at: 0.5 } });
    const changed = TOPICS.filter((t) => t.revisedAnswer).map((t) => t.id);
    expect(changed.length).toBeGreaterThan(0);
    expect(plan.practiceChange).toEqual({ topicIds: changed, fromIndex: 300 });
    for (const t of plan.tickets) {
      const topic = TOPICS.find((x) => x.id === t.topicId)!;
      const revised = t.index >= 300 && changed.includes(t.topicId);
      expect(t.practiceChanged).toBe(revised);
      for (const sentence of answerOf(t)) expect(variants(revised ? topic.revisedAnswer! : topic.answer)).toContain(sentence);
    }
    expect(plan.tickets.some((t) => t.practiceChanged)).toBe(true);
    // Everything else about the stream is the same as without the change.
    const without = planSimulation(base);
    expect(plan.tickets.map((t) => t.body)).toEqual(without.tickets.map((t) => t.body));
    expect(without.practiceChange).toBeUndefined();
    expect(without.tickets.every((t) => !t.practiceChanged)).toBe(true);
  });

  it('changes only the named topics, and rejects a topic without a revised answer or a share outside (0, 1)', () => {
    const named = TOPICS.find((t) => t.revisedAnswer)!.id;
    const plan = planSimulation({ ...base, practiceChange: { at: 0.2, topicIds: [named] } });
    expect(new Set(plan.tickets.filter((t) => t.practiceChanged).map((t) => t.topicId))).toEqual(new Set([named]));
    const plain = TOPICS.find((t) => !t.revisedAnswer)!.id;
    expect(() => planSimulation({ ...base, practiceChange: { at: 0.5, topicIds: [plain] } })).toThrow(`topic ${plain} has no revised answer`);
    expect(() => planSimulation({ ...base, practiceChange: { at: 1.5 } })).toThrow('practiceChange.at must be a share of the stream between 0 and 1');
  });
});
