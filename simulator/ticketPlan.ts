// The ticket plan: everything about each ticket that does not depend on the product's drafts —
// when it arrives, who writes, what they write, which hidden rules apply, which tickets are transfer
// cases of a held-out rule, and the dice the agent and customer behaviour will use. Pure and seeded.
import { AGENT_RULES, applicableRules, composeIdealReply, ruleApplies, ruleById, type AgentRule, type ReplySentence, type RuleContext } from './agentRules.js';
import { generateArrivals, validateSpike, type Spike } from './arrivals.js';
import { firstMessage } from './customerMessages.js';
import { SeededRandom } from './seededRandom.js';
import { CSAT_RATED_SHARE, TOPIC_FOLLOW_UP_SHARE, type StepMinutes } from './strategyOutcome.js';
import { TOPICS, topicById } from './topics.js';
import { createWorld, eligibleCustomersLookup, tenureDays, writingWeight, type Customer, type World } from './world.js';

const DAY_MS = 86_400_000;
/** Time after the last arrival a ticket's lifecycle (follow-ups, reopen, CSAT) may still take. */
export const LIFECYCLE_MARGIN_DAYS = 6;
export const FRUSTRATED_SHARE = 0.12;
/** Channels as the canonical event names them (the simulator speaks the public webhook contract). */
export type Channel = 'email' | 'chat' | 'web';
const CHANNELS: readonly { channel: Channel; weight: number }[] = [
  { channel: 'email', weight: 0.55 },
  { channel: 'chat', weight: 0.3 },
  { channel: 'web', weight: 0.15 },
];

export interface HeldOutOptions {
  ruleIds: string[];
  /** Topics the rules are held out of; default a seeded quarter of all topics. */
  topicIds?: string[];
  /** Share of the stream (by ticket order) during which they stay held out; default 0.5. */
  until?: number;
}

export interface PracticeChangeOptions {
  /** Share of the stream (by ticket order) from which agents answer the changed topics the new way. */
  at: number;
  /** Topics whose answer changes; default every topic with a revised answer (topics.ts). */
  topicIds?: string[];
}

export interface PlanOptions {
  seed: number;
  tenantIds: string[];
  tickets: number;
  /** Average tickets per day across tenants before seasonality and spikes; default 60. */
  ticketsPerDay?: number;
  /** Simulated clock start; default so that the stream and its lifecycles end before `now`. */
  start?: Date;
  now?: Date;
  /** Prefix of ticket ids (unique per run if you post to the same tenant twice); default `sim-s<seed>`. */
  runId?: string;
  spikes?: Spike[];
  heldOut?: HeldOutOptions;
  /** A change of practice: from a point in the stream, some topics are answered a new way. */
  practiceChange?: PracticeChangeOptions;
}

export interface PlannedCustomer {
  customerId: string;
  accountId: string;
  plan: string;
  segment: string;
  role: string;
  signupAt: string;
}

export interface TransferCase {
  ruleId: string;
  /** Earlier tickets of this tenant and topic that the rule applied to (0: never corrected on this topic before). */
  priorOnTopic: number;
}

/** The dice of one ticket, rolled up front so a run is reproducible given the same drafts. */
export interface TicketDice {
  agentLapse: boolean;
  agentForgets: boolean;
  topicFollowUp: boolean;
  escalate: boolean;
  reopen: number;
  csatRated: boolean;
  csat: number;
  /** Simulated minutes between the steps of the lifecycle. */
  minutes: StepMinutes & { csat: number };
  /** Uniforms the strategy rules' chances are compared with (strategyOutcome.ts). */
  strategy: { followUp: number; secondFollowUp: number; escalation: number; csatPenalty: number };
}

export interface TicketPlan {
  index: number;
  ticketId: string;
  tenantId: string;
  topicId: string;
  openedAt: string;
  channel: Channel;
  customer: PlannedCustomer;
  tenureDays: number;
  frustrated: boolean;
  subject: string;
  body: string;
  /** Hidden rules whose condition holds for this ticket, in AGENT_RULES order. */
  ruleIds: string[];
  ideal: ReplySentence[];
  /** The ideal reply gives the topic's revised answer (after the stream's change of practice). */
  practiceChanged: boolean;
  transfer: TransferCase[];
  dice: TicketDice;
}

export interface SimulationPlan {
  world: World;
  tickets: TicketPlan[];
  heldOut: { ruleIds: string[]; topicIds: string[]; untilIndex: number } | undefined;
  practiceChange: { topicIds: string[]; fromIndex: number } | undefined;
}

export function defaultStart(tickets: number, ticketsPerDay: number, now: Date): Date {
  const days = tickets / ticketsPerDay + (3 * Math.sqrt(tickets)) / ticketsPerDay + LIFECYCLE_MARGIN_DAYS;
  const start = new Date(now.getTime() - days * DAY_MS);
  start.setUTCHours(0, 0, 0, 0);
  return start;
}

function rollDice(rng: SeededRandom, topicEscalation: number, frustrated: boolean): TicketDice {
  const dice: TicketDice = {
    agentLapse: rng.chance(0.1),
    agentForgets: rng.chance(0.03),
    topicFollowUp: rng.chance(TOPIC_FOLLOW_UP_SHARE),
    escalate: rng.chance(baseEscalation(topicEscalation, frustrated)),
    reopen: rng.float(),
    csatRated: rng.chance(CSAT_RATED_SHARE),
    csat: rng.float(),
    minutes: {
      firstReply: rng.logUniform(5, 240),
      followUp: rng.logUniform(15, 480),
      followUpReply: rng.logUniform(5, 180),
      thanks: rng.logUniform(10, 600),
      solve: rng.logUniform(1, 30),
      csat: rng.logUniform(10, 1440),
      reopen: rng.logUniform(120, 4320),
      reopenReply: rng.logUniform(5, 240),
      // Drawn after the others so the earlier dice of a seed stay what they were.
      clarifyAnswer: 0,
    },
    strategy: { followUp: 0, secondFollowUp: 0, escalation: 0, csatPenalty: 0 },
  };
  dice.minutes.clarifyAnswer = rng.logUniform(3, 60);
  dice.strategy = { followUp: rng.float(), secondFollowUp: rng.float(), escalation: rng.float(), csatPenalty: rng.float() };
  return dice;
}

/** A topic's escalation chance for a customer, doubled when they write in frustration. */
export const baseEscalation = (topicEscalation: number, frustrated: boolean) => Math.min(1, topicEscalation * (frustrated ? 2 : 1));

const contextOf = (customer: Customer, at: Date, frustrated: boolean): RuleContext => ({
  plan: customer.account.plan,
  segment: customer.account.segment,
  role: customer.role,
  tenureDays: tenureDays(customer, at),
  frustrated,
});

export function planSimulation(options: PlanOptions): SimulationPlan {
  const ticketsPerDay = options.ticketsPerDay ?? 60;
  if (!(options.tickets > 0) || !(ticketsPerDay > 0)) throw new Error('tickets and ticketsPerDay must be positive');
  const start = options.start ?? defaultStart(options.tickets, ticketsPerDay, options.now ?? new Date());
  const expectedDays = (options.tickets + 3 * Math.sqrt(options.tickets)) / ticketsPerDay;
  const root = new SeededRandom(options.seed);
  const world = createWorld({ seed: options.seed, rng: root.derive('world'), tenantIds: options.tenantIds, start, end: new Date(start.getTime() + expectedDays * DAY_MS), tickets: options.tickets });
  const spikes = (options.spikes ?? []).map((spike) => {
    topicById(spike.topicId);
    return validateSpike(spike);
  });
  const arrivals = generateArrivals({
    start,
    count: options.tickets,
    ticketsPerDay,
    sources: world.tenants.flatMap((tenant) => {
      const total = Object.values(tenant.topicWeights).reduce((a, b) => a + b, 0);
      return TOPICS.map((topic) => ({ tenantId: tenant.tenantId, topicId: topic.id, share: (tenant.volumeShare * tenant.topicWeights[topic.id]!) / total }));
    }),
    spikes,
    rng: root.derive('arrivals'),
  });

  let heldOut: SimulationPlan['heldOut'];
  let heldOutRules: AgentRule[] = [];
  if (options.heldOut && options.heldOut.ruleIds.length > 0) {
    heldOutRules = options.heldOut.ruleIds.map(ruleById);
    const topicIds = options.heldOut.topicIds ?? pickHeldOutTopics(root.derive('held-out'));
    for (const id of topicIds) topicById(id);
    const until = options.heldOut.until ?? 0.5;
    if (!(until > 0 && until < 1)) throw new Error('heldOut.until must be a share of the stream between 0 and 1');
    heldOut = { ruleIds: heldOutRules.map((r) => r.id), topicIds, untilIndex: Math.floor(until * options.tickets) };
  }

  let practiceChange: SimulationPlan['practiceChange'];
  if (options.practiceChange) {
    const { at } = options.practiceChange;
    if (!(at > 0 && at < 1)) throw new Error('practiceChange.at must be a share of the stream between 0 and 1');
    const topicIds = options.practiceChange.topicIds ?? TOPICS.filter((t) => t.revisedAnswer).map((t) => t.id);
    for (const id of topicIds) if (!topicById(id).revisedAnswer) throw new Error(`topic ${id} has no revised answer to change to`);
    practiceChange = { topicIds, fromIndex: Math.floor(at * options.tickets) };
  }

  const runId = options.runId ?? `sim-s${options.seed}`;
  const appliedOnTopic = new Map<string, number>();
  const eligibleAt = eligibleCustomersLookup(world);
  const tickets = arrivals.map((arrival, index): TicketPlan => {
    const rng = root.derive(`ticket/${index}`);
    let topicId = arrival.topicId;
    const eligible = eligibleAt(arrival.tenantId, arrival.at);
    let candidates: readonly Customer[] = eligible.customers;
    const restricted = heldOut !== undefined && index < heldOut.untilIndex && heldOut.topicIds.includes(topicId);
    // Held out: during the first part, people a held-out rule would apply to do not ask about these topics.
    const heldOutApplies = (c: Customer, frustrated: boolean) => heldOutRules.some((r) => ruleApplies(r, contextOf(c, arrival.at, frustrated)));
    if (restricted) {
      const allowed = candidates.filter((c) => !heldOutApplies(c, false));
      if (allowed.length > 0) candidates = allowed;
      else topicId = rng.weighted(TOPICS.filter((t) => !heldOut!.topicIds.includes(t.id)), (t) => t.weight).id;
    }
    if (candidates.length === 0) throw new Error(`tenant ${arrival.tenantId} has no customer who can write at ${arrival.at.toISOString()}`);
    // The same draw as rng.weighted(candidates, writingWeight), without recomputing the weights.
    const customer = candidates === eligible.customers ? candidates[rng.weightedIndex(eligible.weights)]! : rng.weighted(candidates, writingWeight);
    let frustrated = rng.chance(FRUSTRATED_SHARE);
    if (restricted && heldOutApplies(customer, frustrated)) frustrated = false;
    const topic = topicById(topicId);
    const channel = rng.weighted(CHANNELS, (c) => c.weight).channel;
    const message = firstMessage(topic, frustrated, rng.derive('message'), arrival.at);
    const rules = applicableRules(contextOf(customer, arrival.at, frustrated), AGENT_RULES);
    const practiceChanged = practiceChange !== undefined && index >= practiceChange.fromIndex && practiceChange.topicIds.includes(topicId);
    const transfer: TransferCase[] = [];
    for (const rule of rules) {
      const key = `${arrival.tenantId}/${rule.id}/${topicId}`;
      const prior = appliedOnTopic.get(key) ?? 0;
      if (heldOut?.ruleIds.includes(rule.id) && heldOut.topicIds.includes(topicId)) transfer.push({ ruleId: rule.id, priorOnTopic: prior });
      appliedOnTopic.set(key, prior + 1);
    }
    return {
      index,
      ticketId: `${runId}-${index + 1}`,
      tenantId: arrival.tenantId,
      topicId,
      openedAt: arrival.at.toISOString(),
      channel,
      customer: {
        customerId: customer.customerId,
        accountId: customer.account.accountId,
        plan: customer.account.plan,
        segment: customer.account.segment,
        role: customer.role,
        signupAt: customer.account.signupAt.toISOString(),
      },
      tenureDays: Math.floor(tenureDays(customer, arrival.at)),
      frustrated,
      subject: message.subject,
      body: message.body,
      ruleIds: rules.map((r) => r.id),
      ideal: composeIdealReply(`topic:${topicId}`, practiceChanged ? topic.revisedAnswer! : topic.answer, rules, rng.derive('ideal')),
      practiceChanged,
      transfer,
      dice: rollDice(rng.derive('dice'), topic.escalationRate, frustrated),
    };
  });
  return { world, tickets, heldOut, practiceChange };
}

function pickHeldOutTopics(rng: SeededRandom): string[] {
  const ids = TOPICS.map((t) => t.id);
  const picked: string[] = [];
  const count = Math.max(1, Math.floor(ids.length / 4));
  while (picked.length < count) {
    const id = rng.pick(ids.filter((i) => !picked.includes(i)));
    picked.push(id);
  }
  return picked;
}
