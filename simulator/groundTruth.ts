// What the simulator knows and the product must not: per ticket, the hidden rules that applied, the
// transfer cases, and every exchange's draft, ideal and sent reply with the agent's action. Written
// as JSONL (one ticket per line) plus a summary; read back by benchmarks.
import { mean } from 'simple-statistics';
import type { AgentAction } from './agentPolicy.js';
import { AGENT_RULES } from './agentRules.js';
import type { DraftResult, DraftStrategy } from './client.js';
import type { TicketOutcome } from './strategyOutcome.js';
import { findSentence, splitSentences } from './replyMatching.js';
import type { PlannedCustomer, TransferCase } from './ticketPlan.js';
import { topicById } from './topics.js';

export type ExchangeKind = 'first' | 'clarification' | 'rule-follow-up' | 'strategy-follow-up' | 'topic-follow-up' | 'reopen';

export interface ExchangeTruth {
  kind: ExchangeKind;
  customerMessage: string;
  /** Simulated time of the agent's reply. */
  repliedAt: string;
  draftStatus: DraftResult['status'];
  suggestionId: string | undefined;
  draftWaitMs: number;
  draft: string;
  ideal: string;
  sent: string;
  action: AgentAction;
  editDistance: number;
  accepted: boolean;
  answerCoverage: number;
  rulesInDraft: string[];
  rulesInSent: string[];
  /** The draft's response strategy, when the product said. */
  strategy?: DraftStrategy;
}

/** The first reply's strategy against the hidden strategy rules (strategyOutcome.ts). */
export interface StrategyTruth {
  /** The first draft's strategy id (null when the product did not say). */
  suggested: string | null;
  /** 'bandit' or 'control' when the product said which policy chose. */
  policy: string | null;
  /** What the customer received: the draft's strategy when the agent sent the draft, else the agent's habit. */
  received: string;
  receivedExpectedReward: number;
  /** The best strategy for this customer and content, and its expected reward. */
  oracle: string;
  oracleExpectedReward: number;
  regret: number;
  /** Expected reward of every strategy for this customer and content (the oracle's table). */
  byStrategy: Record<string, number>;
  followUps: TicketOutcome['followUps'];
}

export interface TicketTruth {
  index: number;
  ticketId: string;
  tenantId: string;
  topicId: string;
  openedAt: string;
  channel: string;
  customer: PlannedCustomer;
  tenureDays: number;
  frustrated: boolean;
  /** Hidden rules that applied to the first message. */
  ruleIds: string[];
  /** The agent answered the topic's revised way (after the stream's change of practice). */
  practiceChanged: boolean;
  transfer: TransferCase[];
  /** The first exchange, lifted for benchmarks: the draft for the opening message and what was sent instead. */
  draft: string;
  sent: string;
  accepted: boolean;
  action: AgentAction;
  editDistance: number;
  rulesInDraft: string[];
  /** Applicable rules whose additions the first draft lacked. */
  rulesMissingFromDraft: string[];
  /** Rule additions the first draft made although they did not apply. */
  rulesWronglyInDraft: string[];
  exchanges: ExchangeTruth[];
  escalated: boolean;
  reopened: boolean;
  csat: { stars: number; score: number } | null;
  solvedAt: string;
  eventsPosted: number;
  strategy: StrategyTruth;
}

/** The rolling line a person watches: acceptance, edit distance and rule application over the last N tickets. */
export class RollingWindow {
  private readonly items: TicketTruth[] = [];
  constructor(private readonly size = 100) {}

  add(ticket: TicketTruth): void {
    this.items.push(ticket);
    if (this.items.length > this.size) this.items.shift();
  }

  get count(): number {
    return this.items.length;
  }

  acceptance(): number {
    return share(this.items, (t) => t.accepted);
  }

  editDistance(): number {
    return this.items.length ? mean(this.items.map((t) => t.editDistance)) : NaN;
  }

  /** Of the tickets some rule applied to, the share whose draft already had all their additions. */
  ruleApplied(): number {
    return share(
      this.items.filter((t) => t.ruleIds.length > 0),
      (t) => t.rulesMissingFromDraft.length === 0,
    );
  }
}

const share = <T>(items: readonly T[], test: (item: T) => boolean): number => (items.length ? items.filter(test).length / items.length : NaN);
const pct = (x: number) => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(0)}%`);
export const rollingLine = (w: RollingWindow): string =>
  `acceptance (last ${w.count}): ${pct(w.acceptance())} · edit distance ${Number.isNaN(w.editDistance()) ? '–' : w.editDistance().toFixed(2)} · rule-applied ${pct(w.ruleApplied())}`;

export interface SimulationSummary {
  tickets: number;
  tenants: string[];
  simulatedFrom: string;
  simulatedTo: string;
  drafts: Record<DraftResult['status'], number>;
  acceptance: number;
  meanEditDistance: number;
  /** Acceptance per tenth of the stream, oldest first: the learning curve. */
  acceptanceByTenth: number[];
  editDistanceByTenth: number[];
  rules: Record<string, { applicable: number; inFirstDraft: number; recall: number; wronglyInDraft: number }>;
  transfer: Record<string, { cases: number; inDraft: number; firstOnTopic: number; firstOnTopicInDraft: number }>;
  followUps: number;
  escalations: number;
  reopens: number;
  meanCsat: number | null;
}

function tenths(tickets: readonly TicketTruth[], value: (t: TicketTruth[]) => number): number[] {
  const parts = Math.min(10, tickets.length);
  return Array.from({ length: parts }, (_, i) => value(tickets.slice(Math.floor((i * tickets.length) / parts), Math.floor(((i + 1) * tickets.length) / parts))));
}

export function summarise(input: readonly TicketTruth[]): SimulationSummary {
  const tickets = [...input].sort((a, b) => a.index - b.index);
  const drafts: SimulationSummary['drafts'] = { drafted: 0, missing: 0, unavailable: 0 };
  for (const t of tickets) for (const e of t.exchanges) drafts[e.draftStatus]++;
  const rules: SimulationSummary['rules'] = {};
  for (const rule of AGENT_RULES) {
    const applicable = tickets.filter((t) => t.ruleIds.includes(rule.id));
    const inFirstDraft = applicable.filter((t) => t.rulesInDraft.includes(rule.id)).length;
    rules[rule.id] = { applicable: applicable.length, inFirstDraft, recall: applicable.length ? inFirstDraft / applicable.length : NaN, wronglyInDraft: tickets.filter((t) => t.rulesWronglyInDraft.includes(rule.id)).length };
  }
  const transfer: SimulationSummary['transfer'] = {};
  for (const t of tickets) {
    for (const c of t.transfer) {
      const entry = (transfer[c.ruleId] ??= { cases: 0, inDraft: 0, firstOnTopic: 0, firstOnTopicInDraft: 0 });
      const inDraft = t.rulesInDraft.includes(c.ruleId);
      entry.cases++;
      entry.inDraft += Number(inDraft);
      if (c.priorOnTopic === 0) {
        entry.firstOnTopic++;
        entry.firstOnTopicInDraft += Number(inDraft);
      }
    }
  }
  const rated = tickets.filter((t) => t.csat).map((t) => t.csat!.score);
  return {
    tickets: tickets.length,
    tenants: [...new Set(tickets.map((t) => t.tenantId))],
    simulatedFrom: tickets[0]?.openedAt ?? '',
    simulatedTo: tickets.reduce((latest, t) => (t.solvedAt > latest ? t.solvedAt : latest), ''),
    drafts,
    acceptance: share(tickets, (t) => t.accepted),
    meanEditDistance: tickets.length ? mean(tickets.map((t) => t.editDistance)) : NaN,
    acceptanceByTenth: tenths(tickets, (part) => share(part, (t) => t.accepted)),
    editDistanceByTenth: tenths(tickets, (part) => mean(part.map((t) => t.editDistance))),
    rules,
    transfer,
    followUps: tickets.filter((t) => t.exchanges.some((e) => e.kind.endsWith('follow-up'))).length,
    escalations: tickets.filter((t) => t.escalated).length,
    reopens: tickets.filter((t) => t.reopened).length,
    meanCsat: rated.length ? mean(rated) : null,
  };
}

/** How drafts followed a change of practice on one changed topic (ticket order within the topic). */
export interface PracticeChangeTopicReport {
  topicId: string;
  /** Acceptance of the topic's last (up to) 100 first drafts before the change. */
  acceptanceBefore: number;
  ticketsAfter: number;
  /** Acceptance of its first drafts after the change: the first 10 tickets, the next 40, the rest. */
  acceptanceAfter: { first10: number; next40: number; rest: number };
  /** First drafts after the change that still gave the old answer (any of its sentences). */
  oldAnswerDrafts: number;
  /** The n-th ticket after the change whose draft last gave the old answer (0: none did). */
  lastOldAnswerDraft: number;
}

/** The learner's view of a change of practice, from the ground truth: how soon drafts stopped giving the old answer. */
export function practiceChangeReport(input: readonly TicketTruth[], topicIds: readonly string[]): PracticeChangeTopicReport[] {
  const tickets = [...input].sort((a, b) => a.index - b.index);
  return topicIds.map((topicId) => {
    const onTopic = tickets.filter((t) => t.topicId === topicId);
    const before = onTopic.filter((t) => !t.practiceChanged);
    const after = onTopic.filter((t) => t.practiceChanged);
    const oldAnswer = topicById(topicId).answer;
    const givesOldAnswer = after.map((t) => oldAnswer.some((variants) => findSentence(splitSentences(t.draft), variants) !== undefined));
    return {
      topicId,
      acceptanceBefore: share(before.slice(-100), (t) => t.accepted),
      ticketsAfter: after.length,
      acceptanceAfter: { first10: share(after.slice(0, 10), (t) => t.accepted), next40: share(after.slice(10, 50), (t) => t.accepted), rest: share(after.slice(50), (t) => t.accepted) },
      oldAnswerDrafts: givesOldAnswer.filter(Boolean).length,
      lastOldAnswerDraft: givesOldAnswer.lastIndexOf(true) + 1,
    };
  });
}

/** One topic's practice-change report as a line (simulate and bench:learning print the same). */
export function practiceChangeLine(t: PracticeChangeTopicReport): string {
  const last = t.oldAnswerDrafts ? ` (the last on ticket ${t.lastOldAnswerDraft} of the topic after the change)` : '';
  return `${t.topicId}: acceptance before ${pct(t.acceptanceBefore)}; after, first 10 ${pct(t.acceptanceAfter.first10)}, next 40 ${pct(t.acceptanceAfter.next40)}, rest ${pct(t.acceptanceAfter.rest)}; drafts still giving the old answer ${t.oldAnswerDrafts} of ${t.ticketsAfter}${last}`;
}

export const toJsonLine = (ticket: TicketTruth): string => `${JSON.stringify(ticket)}\n`;

export function parseGroundTruth(jsonl: string): TicketTruth[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as TicketTruth);
}
