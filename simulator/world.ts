// The simulated world: tenants, their customer accounts and people. Pure and seeded — the same
// seed, tenants and time span always give the same world and the same ticket plan.
//
// Design of the simulator (this folder), in one place:
//
// World. Each tenant (one product tenant per simulated tenant) gets a profile drawn from its own
//   stream: a volume share, a topic mix (every topic's weight × a factor in 0.6–1.6), a share of
//   trial (25–40%) and of enterprise (8–20%) accounts. Accounts have a segment (smb, mid-market,
//   enterprise), a plan (trial, team, business, enterprise) and a signup date. Trial accounts sign
//   up evenly from 30 days before the start to the end and write in only during their 30-day trial,
//   so the trial share stays level through the stream; 20% of paying accounts also sign up in that
//   window, so "new customer" is not the same thing as "trial". People in an account have a role
//   (admin, developer, end-user). Heavier accounts write more (activity weight, log-uniform 0.3–3,
//   × 1.5 for trials, × 1.25 mid-market, × 1.5 enterprise), shared among the account's people.
// Randomness. pure-rand xoroshiro128+, one independent stream per purpose and ticket
//   (seededRandom.ts), so a run is a function of the seed, the tenants, the start and the drafts.
// Stream (ticketPlan.ts, arrivals.ts). Arrivals follow a Poisson process at --tickets-per-day
//   times a weekly profile (weekdays ≫ weekends, office hours ≫ nights, UTC), with optional spikes
//   (a topic's rate × k in a window). Each arrival picks tenant and topic by rate, an eligible
//   account by activity, a person, a channel, whether the customer writes in frustration (12%), and
//   a message: one of the topic's phrasings with placeholders filled, greetings, typos.
// Hidden agent rules (agentRules.ts). The ideal reply is the topic's canonical answer plus, for
//   every rule whose condition holds (plan=trial, role=developer, segment=enterprise, tenure < 30
//   days, frustrated), that rule's sentences in one of its phrasing variants. Rules live only here.
// Held-out mode. For a held-out rule R, a set of topics (default: a seeded quarter of them) sees no
//   ticket to which R applies during the first part of the stream (--held-out-until, a share of the
//   tickets): customers R would apply to are simply not drawn for those topics then. Afterwards they
//   are, and every such ticket is a transfer case, recorded with how many earlier tickets of that
//   tenant and topic R had applied to (0 = the tenant's learner never saw R corrected on this topic).
// Agent (agentPolicy.ts). Given the product's draft, the agent matches each ideal sentence to a
//   draft sentence (normalised edit distance ≤ 0.25 against any phrasing variant). If at least half
//   of the answer's sentences are in the draft, it edits the draft: keeps matched sentences as the
//   draft words them, drops the rest, inserts what is missing at its place in the ideal; with 10%
//   chance ("lapse") it does not bother adding missing rule sentences. Otherwise it writes the ideal
//   (3% chance of forgetting the rule sentences). A draft is "accepted" when the normalised edit
//   distance from draft to sent reply is ≤ 0.3 (the product's "lightly edited" boundary).
// Customer (customerBehaviour.ts). A reply missing a rule addition that applies to the customer
//   gets a follow-up asking exactly for it (the rule's question); 10% of tickets get a topic
//   follow-up anyway. Then thanks, solve; reopens (3%, 12% after a miss), escalations (per topic,
//   doubled when frustrated), CSAT for 35% of tickets, worse after misses, escalations and reopens.
// Strategy rules (strategyRules.ts, strategyOutcome.ts). Customers also react to the form of the
//   first reply — the product's response strategy when the agent sent its draft, else the agents'
//   habit (answer.detailed.plain): frustrated customers want acknowledgement, frustrated enterprise
//   customers acknowledgement with detailed next steps, developers and admins detail, first-week
//   trial users brevity, vague topics a question first. Misfits add follow-ups, escalations, reopens
//   and lost CSAT stars; the oracle is the exact expected reward (the product's reward, default
//   weights) of the best strategy for the ticket, kept in the ground truth beside the received one's.
// Ground truth (groundTruth.ts). One JSONL line per ticket: context, rules, transfer cases, every
//   exchange's draft / ideal / sent / action / edit distance / rules in draft and in sent.
import type { SeededRandom } from './seededRandom.js';
import { TOPICS } from './topics.js';

export const PLANS = ['trial', 'team', 'business', 'enterprise'] as const;
export const SEGMENTS = ['smb', 'mid-market', 'enterprise'] as const;
export const ROLES = ['admin', 'developer', 'end-user'] as const;
export type Plan = (typeof PLANS)[number];
export type Segment = (typeof SEGMENTS)[number];
export type Role = (typeof ROLES)[number];

const DAY_MS = 86_400_000;
export const TRIAL_DAYS = 30;

export interface TenantProfile {
  tenantId: string;
  volumeShare: number;
  topicWeights: Record<string, number>;
  trialShare: number;
  enterpriseShare: number;
}

export interface Account {
  accountId: string;
  tenantId: string;
  segment: Segment;
  plan: Plan;
  signupAt: Date;
  /** Trials end; a trial account writes in only while its trial runs. */
  activeUntil: Date | undefined;
  /** Relative ticket volume of the whole account: heavy users write more, bigger segments a little more. */
  activity: number;
  people: number;
}

export interface Customer {
  customerId: string;
  account: Account;
  role: Role;
}

export interface World {
  seed: number;
  start: Date;
  end: Date;
  tenants: TenantProfile[];
  customersByTenant: Map<string, Customer[]>;
}

function tenantProfile(tenantId: string, rng: SeededRandom): TenantProfile {
  const topicWeights: Record<string, number> = {};
  for (const topic of TOPICS) topicWeights[topic.id] = topic.weight * rng.between(0.6, 1.6);
  return { tenantId, volumeShare: rng.logUniform(0.5, 2), topicWeights, trialShare: rng.between(0.25, 0.4), enterpriseShare: rng.between(0.08, 0.2) };
}

function drawAccount(profile: TenantProfile, index: number, world: { seed: number; start: Date; end: Date }, rng: SeededRandom): Account {
  const start = world.start.getTime();
  const end = world.end.getTime();
  const accountId = `s${world.seed}-a${index}`;
  const activity = rng.logUniform(0.3, 3);
  if (rng.chance(profile.trialShare)) {
    // Trials ask more questions while they find their way around.
    const signupAt = new Date(rng.between(start - TRIAL_DAYS * DAY_MS, end));
    const segment: Segment = rng.weighted(SEGMENTS, (s) => (s === 'smb' ? 0.7 : s === 'mid-market' ? 0.25 : 0.05));
    return { accountId, tenantId: profile.tenantId, segment, plan: 'trial', signupAt, activeUntil: new Date(signupAt.getTime() + TRIAL_DAYS * DAY_MS), activity: 1.5 * activity, people: 0 };
  }
  const segment: Segment = rng.chance(profile.enterpriseShare) ? 'enterprise' : rng.chance(0.35) ? 'mid-market' : 'smb';
  const plan: Plan = segment === 'enterprise' ? 'enterprise' : rng.chance(segment === 'smb' ? 0.7 : 0.3) ? 'team' : 'business';
  const signupAt = rng.chance(0.8) ? new Date(rng.between(start - 3 * 365 * DAY_MS, start - TRIAL_DAYS * DAY_MS)) : new Date(rng.between(start - TRIAL_DAYS * DAY_MS, end));
  return { accountId, tenantId: profile.tenantId, segment, plan, signupAt, activeUntil: undefined, activity: SEGMENT_VOLUME[segment] * activity, people: 0 };
}

const SEGMENT_VOLUME: Record<Segment, number> = { smb: 1, 'mid-market': 1.25, enterprise: 1.5 };
const PEOPLE_PER_ACCOUNT: Record<Segment, [number, number]> = { smb: [1, 2], 'mid-market': [2, 4], enterprise: [3, 7] };

/**
 * Tenants, accounts and people for a stream from `start` to about `end`. Accounts per tenant scale
 * with the tickets it will get (about three tickets per account, at least 25 accounts).
 */
export function createWorld(options: { seed: number; rng: SeededRandom; tenantIds: readonly string[]; start: Date; end: Date; tickets: number }): World {
  const { seed, rng, start, end } = options;
  if (options.tenantIds.length === 0) throw new Error('the simulated world needs at least one tenant');
  const tenants = options.tenantIds.map((id) => tenantProfile(id, rng.derive(`tenant/${id}`)));
  const totalShare = tenants.reduce((sum, t) => sum + t.volumeShare, 0);
  for (const tenant of tenants) tenant.volumeShare /= totalShare;
  const customersByTenant = new Map<string, Customer[]>();
  let accountIndex = 0;
  let customerIndex = 0;
  for (const tenant of tenants) {
    const accountRng = rng.derive(`accounts/${tenant.tenantId}`);
    const accounts = Math.max(25, Math.ceil((options.tickets * tenant.volumeShare) / 3));
    const customers: Customer[] = [];
    for (let a = 0; a < accounts; a++) {
      const account = drawAccount(tenant, accountIndex++, { seed, start, end }, accountRng);
      const [min, max] = PEOPLE_PER_ACCOUNT[account.segment];
      const people = accountRng.int(min, max);
      account.people = people;
      for (let p = 0; p < people; p++) {
        const role: Role = accountRng.weighted(ROLES, (r) => (r === 'admin' ? 0.3 : r === 'developer' ? 0.25 : 0.45));
        customers.push({ customerId: `s${seed}-c${customerIndex++}`, account, role });
      }
    }
    customersByTenant.set(tenant.tenantId, customers);
  }
  return { seed, start, end, tenants, customersByTenant };
}

/** People of the tenant who can write at `at`: signed up, and still in their trial if on one. */
function eligibleCustomers(world: World, tenantId: string, at: Date): Customer[] {
  const t = at.getTime();
  return (world.customersByTenant.get(tenantId) ?? []).filter((c) => c.account.signupAt.getTime() <= t && (!c.account.activeUntil || t < c.account.activeUntil.getTime()));
}

/** How likely this person is to be the one writing: the account's activity shared among its people. */
export const writingWeight = (customer: Customer): number => customer.account.activity / customer.account.people;

export interface EligibleCustomers {
  customers: readonly Customer[];
  /** writingWeight of each, in the same order. */
  weights: readonly number[];
}

/**
 * eligibleCustomers with their writing weights, computed again only when someone's eligibility has
 * changed: the set at time t depends only on how many signup / end-of-trial instants are ≤ t (an
 * "epoch"), so a time in the same epoch as the tenant's last lookup gets the same arrays, in the same
 * order. Filtering every customer for every ticket made planning quadratic (101,000 tickets took
 * 20 minutes); accounts start and end far less often than tickets arrive.
 */
export function eligibleCustomersLookup(world: World): (tenantId: string, at: Date) => EligibleCustomers {
  const boundariesByTenant = new Map<string, number[]>();
  for (const [tenantId, customers] of world.customersByTenant) {
    const times = customers.flatMap((c) => [c.account.signupAt.getTime(), ...(c.account.activeUntil ? [c.account.activeUntil.getTime()] : [])]);
    boundariesByTenant.set(tenantId, times.sort((a, b) => a - b));
  }
  const last = new Map<string, { epoch: number; eligible: EligibleCustomers }>();
  return (tenantId, at) => {
    const boundaries = boundariesByTenant.get(tenantId) ?? [];
    const t = at.getTime();
    // Boundaries ≤ t (binary search): signing up at t and a trial ending at t both take effect at t.
    let lo = 0;
    let hi = boundaries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (boundaries[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    const cached = last.get(tenantId);
    if (cached && cached.epoch === lo) return cached.eligible;
    const customers = eligibleCustomers(world, tenantId, at);
    const eligible = { customers, weights: customers.map(writingWeight) };
    last.set(tenantId, { epoch: lo, eligible });
    return eligible;
  };
}

export const tenureDays = (customer: Customer, at: Date): number => (at.getTime() - customer.account.signupAt.getTime()) / DAY_MS;
