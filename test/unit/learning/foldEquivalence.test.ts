// Guards the learner's fold against changes in what it learns: a constructed stream (every record
// kind, drafts seen and counterfactual, context rules with reworded content, a practice change,
// bad outcomes, feedback, article churn, duplicates, forgetting past the cluster capacity) is folded,
// and everything the learner said along the way is compared with the snapshot taken from the code as
// it was before the fold was made linear. Speed work on domain/learning must keep it green.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { draftEditDistance } from '../../../domain/learning/correctionMining.js';
import type { AsPlainObject } from 'minisearch';
import { createLearner, type LearnerOptions } from '../../../domain/learning/learner.js';
import type { LearnerState } from '../../../domain/learning/learnerState.js';
import { DEFAULT_THRESHOLDS } from '../../../domain/learning/thresholds.js';
import type { LearningRecord, Suggestion, TicketMessage } from '../../../domain/learning/records.js';
import { decodeLearnerState, encodeLearnerState } from '../../../store/learnerSnapshots.js';
import { seededRandom } from '../../helpers/seededRandom.js';

const TOPICS = {
  billing: {
    questions: ['How do I update the card you charge?', 'Can you change the card on my billing account?', 'My billing card expired, how do I replace it?', 'Where do I edit payment card details for billing?'],
    replies: ['You can update your card under Settings, then Billing. The new card is used from the next invoice onwards. Past invoices stay as they were issued.', 'Cards are now managed in the Wallet page. Add the new card there and mark it as default. The old card is removed after the next charge.'],
  },
  exports: {
    questions: ['How can I export my reports to CSV?', 'Is there a way to download report data as a spreadsheet?', 'I need to export a report to Excel.', 'Export of report data to CSV please'],
    replies: ['Open the report and choose Export in the top right corner. Pick CSV or Excel as the format. Exports larger than ten thousand rows arrive by email.', 'Exports moved to the Data tab. Select the report, press Download and choose a format. Large files are sent as a link by email.'],
  },
  integrations: {
    questions: ['How do I connect the Slack integration?', 'Can I link Slack to my workspace integrations?', 'Slack integration setup steps?', 'Where do I enable integrations like Slack?'],
    replies: ['Integrations live under Settings, then Integrations. Click Connect next to Slack and approve the permissions. Messages start to flow within a minute.', 'Slack is connected from the Apps directory now. Search for Slack, install it and pick the channels to post to. Notifications begin right away.'],
  },
  password: {
    questions: ['I forgot my password and cannot log in', 'How do I reset my password?', 'Password reset link never arrived', 'Locked out, need a new password'],
    replies: ['You can reset your password from the login page. Click Forgot password and follow the email we send you.', 'Passwords are now reset from the mobile app only. Open the app, tap Account, then Reset password, and confirm with the code we text you.'],
  },
  refunds: {
    questions: ['I want a refund for last month', 'Can I get my money back for the duplicate charge?', 'Please refund the annual plan', 'Refund request for an accidental upgrade'],
    replies: ['I have issued the refund to your original payment method. It takes five to ten business days to appear. You will get a receipt by email.', 'Refunds are processed by our billing partner. I have filed the request and you will hear from them within two days with the confirmation.'],
  },
} as const;
type Topic = keyof typeof TOPICS;
const TOPIC_IDS = Object.keys(TOPICS) as Topic[];

/** Paragraphs agents add for a context value, each in a few wordings (clustering joins them). */
const CONTEXT_CONTENT: Array<{ applies: (c: Customer) => boolean; wordings: string[]; first?: boolean }> = [
  {
    applies: (c) => c.plan === 'trial',
    wordings: [
      'Since you are on a trial, the quickest way to see how this fits your workflow is to import one real project first.',
      'Since you are on a trial, the fastest way to see how this fits your workflow is to import one real project first.',
      'As you are on a trial, the quickest way to see how it fits your workflow is to import a real project first.',
    ],
  },
  {
    applies: (c) => c.segment === 'enterprise',
    wordings: ['Your dedicated account manager can also walk your team through this on a call.', 'Your dedicated account manager is happy to walk the team through this on a call.'],
  },
  { applies: (c) => c.channel === 'chat', wordings: ['Thanks for reaching out on chat!', 'Thanks for reaching out over chat!'], first: true },
];
const REMARK_WORDS = ['window', 'garden', 'rocket', 'violin', 'harbor', 'pepper', 'canyon', 'marble', 'falcon', 'lantern', 'meadow', 'copper', 'glacier', 'saddle', 'thunder', 'orchid', 'pillow', 'quartz', 'tunnel', 'walnut'];
const NOISE = ['Hope your week is going well.', 'Let me know if anything else comes up.', 'Happy to help further.', 'We appreciate your patience.'];

interface Customer {
  plan: string;
  segment: string;
  channel: string;
  signupAt: string;
  lifecycleStage: string;
}

/** The same seeded stream every run: what agents, customers and the knowledge base did, in time order. */
function constructedStream(count: number): { records: LearningRecord[]; probes: TicketMessage[]; loop: Set<string> } {
  const random = seededRandom(20261124);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let clock = Date.UTC(2026, 0, 1);
  const at = (): string => new Date((clock += 37_000 + Math.floor(random() * 600_000))).toISOString();
  const records: LearningRecord[] = [];
  // Records the product loop drafts for first (the learner is asked for the draft the agent saw).
  const loop = new Set<string>();
  const customer = (): Customer => ({
    plan: pick(['trial', 'pro', 'pro', 'enterprise']),
    segment: pick(['smb', 'smb', 'mid', 'enterprise']),
    channel: pick(['email', 'email', 'chat', 'web']),
    signupAt: pick(['2025-12-20T00:00:00Z', '2025-06-01T00:00:00Z', '2023-03-01T00:00:00Z']),
    lifecycleStage: pick(['onboarding', 'active', 'renewal']),
  });
  const messageFor = (id: string, topic: Topic, c: Customer, when: string): TicketMessage => {
    const mood = random() < 0.1 ? ' This is the third time I ask and it is really frustrating!!' : '';
    const extra = random() < 0.3 ? ` Order ${Math.floor(random() * 90000)} ${pick(['urgent', 'today', 'thanks', 'team account'])}.` : '';
    return { ticketId: `t-${id}`, text: `${pick(TOPICS[topic].questions)}${extra}${mood}`, at: when, channel: c.channel, customer: { plan: c.plan, segment: c.segment, signupAt: c.signupAt, lifecycleStage: c.lifecycleStage }, priorContacts: mood ? 2 : 0 };
  };
  const replyFor = (topic: Topic, c: Customer, i: number): string => {
    // Practice changes halfway through for two topics (templates must follow the newer replies).
    const reply = TOPICS[topic].replies[(topic === 'password' || topic === 'exports') && i > count / 2 ? 1 : random() < 0.15 ? 1 : 0];
    const first: string[] = [];
    const last: string[] = [];
    for (const content of CONTEXT_CONTENT) if (content.applies(c) && random() < 0.85) (content.first ? first : last).push(pick(content.wordings));
    if (random() < 0.25) last.push(random() < 0.5 ? pick(NOISE) : `Reference number ${Math.floor(random() * 1e6)} was noted on your case for follow up.`);
    // One-off remarks: clusters seen once, which the capacity forgets first.
    if (random() < 0.2) last.push(`Note that ${pick(REMARK_WORDS)} ${pick(REMARK_WORDS)} ${pick(REMARK_WORDS)} ${pick(REMARK_WORDS)} changed.`);
    return [...first, reply, ...last].join('\n\n');
  };
  const solved: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const roll = random();
    if (roll < 0.04) {
      const articleId = `kb-${Math.floor(random() * 5)}`;
      const topic = pick(TOPIC_IDS);
      records.push({ kind: 'article', id: `a${i}`, at: at(), articleId, title: `${topic} guide ${articleId}`, body: `${pick(TOPICS[topic].questions)} ${TOPICS[topic].replies[0]}`, topic, published: random() < 0.75 });
      continue;
    }
    if (roll < 0.09 && solved.length > 0) {
      records.push({ kind: 'outcome', id: `o${i}`, at: at(), ticketId: pick(solved), outcome: random() < 0.4 ? 'bad' : 'good' });
      continue;
    }
    const topic = pick(TOPIC_IDS);
    const c = customer();
    const when = at();
    const id = `r${i}`;
    const message = messageFor(id, topic, c, when);
    const shape = random();
    const labelled = random() < 0.85;
    const base = { kind: 'ticket' as const, id, at: when, message, ...(labelled ? { topic } : {}) };
    if (shape < 0.06) records.push(base); // solved without a public reply: only the topic is learned
    else if (shape < 0.1) records.push({ ...base, escalated: true });
    else records.push({ ...base, reply: replyFor(topic, c, i), ...(random() < 0.08 ? { outcome: 'bad' as const } : { outcome: 'good' as const }) });
    if (shape >= 0.06 && random() < 0.5) loop.add(id);
    solved.push(message.ticketId);
    if (random() < 0.03) records.push(records[records.length - 1]!); // a redelivered record
  }
  const probes: TicketMessage[] = [];
  for (let i = 0; i < 24; i += 1) {
    const topic = TOPIC_IDS[i % TOPIC_IDS.length]!;
    probes.push(messageFor(`probe-${i}`, topic, customer(), new Date(clock + i * 60_000).toISOString()));
  }
  return { records, probes, loop };
}

/**
 * A state as plain arrays and objects to compare: Maps and Sets as their entries in order, typed
 * arrays as arrays, and an object met again as a reference to where it was first met.
 */
function canonical(value: unknown, seen = new Map<object, number>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const first = seen.get(value);
  if (first !== undefined) return { sameAs: first };
  seen.set(value, seen.size);
  if (value instanceof Map) return { map: [...value].map(([k, v]) => [canonical(k, seen), canonical(v, seen)]) };
  if (value instanceof Set) return { set: [...value].map((v) => canonical(v, seen)) };
  if (ArrayBuffer.isView(value)) return { typed: [...(value as Uint32Array)] };
  if (Array.isArray(value)) return value.map((v) => canonical(v, seen));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v, seen)]));
}

/**
 * canonical() of a learner state, MiniSearch's terms in alphabetical order: a restored index holds
 * its term tree in another order (what it finds, and how it scores, is the same).
 */
function comparable(state: LearnerState): unknown {
  const byTerm = (index: AsPlainObject): AsPlainObject => ({ ...index, index: [...index.index].sort(([a], [b]) => (a < b ? -1 : 1)) });
  return canonical({ ...state, index: { ...state.index, search: byTerm(state.index.search) }, clusters: { ...state.clusters, index: byTerm(state.clusters.index) } });
}

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/**
 * Folds the stream like the product (a draft before learning for loop records, feedback on some of
 * them) and records everything said. Before each index in `restartsAt` the learner is saved as a
 * worker saves it (store/learnerSnapshots.ts) and replaced by one restored from the bytes.
 */
async function fold(options: LearnerOptions, count: number, restartsAt: readonly number[] = []) {
  const { records, probes, loop } = constructedStream(count);
  let learner = createLearner(options);
  const random = seededRandom(7);
  const said: unknown[] = [];
  let feedback = 0;
  for (const [i, record] of records.entries()) {
    if (restartsAt.includes(i)) learner = createLearner(options, await decodeLearnerState(await encodeLearnerState(learner.exportState())));
    let suggestion: Suggestion | undefined;
    if (record.kind === 'ticket' && loop.has(record.id)) suggestion = learner.draft(record.message);
    const result = learner.learn(suggestion && record.kind === 'ticket' ? { ...record, suggestion } : record);
    said.push(result);
    if (suggestion && random() < 0.15) said.push(learner.feedback(suggestion, random() < 0.5 ? 'up' : 'down', { id: `f${(feedback += 1)}`, at: record.at }));
    if (i % 50 === 49) said.push(learner.draft(probes[i % probes.length]!), learner.activeRules());
  }
  return { learner, said, probes };
}

describe('learner fold equivalence (snapshot of the learned result)', () => {
  it('drafts, explanations, rules and corrections of a constructed stream stay as they were', async () => {
    const { learner, said, probes } = await fold({}, 1500);
    const drafts = probes.map((p) => learner.draft(p));
    const stats = learner.snapshotStats();
    // The stream exercises what the fold does (else the snapshot guards nothing).
    expect(stats.activeRules.length).toBeGreaterThan(1);
    expect(drafts.some((d) => d.rules.some((r) => r.effect === 'added'))).toBe(true);
    expect(stats.templates).toBeGreaterThan(TOPIC_IDS.length);
    expect(stats.records.feedback).toBeGreaterThan(10);
    expect(drafts.map((d) => ({ draft: d.draft, basis: d.basis, rules: d.rules, explanation: d.explanation }))).toMatchSnapshot();
    expect({ stats: digest(stats), said: digest(said), drafts: digest(drafts) }).toMatchSnapshot();
  });

  it('follows the practice change in the stream: drafts for the two changed topics are accepted about as often as for the others', () => {
    const { records } = constructedStream(3000);
    const learner = createLearner();
    const secondHalf = new Map<'changed' | 'unchanged', { drafts: number; accepted: number }>([['changed', { drafts: 0, accepted: 0 }], ['unchanged', { drafts: 0, accepted: 0 }]]);
    records.forEach((record, i) => {
      if (record.kind === 'ticket' && record.reply && i >= records.length / 2) {
        const topic = TOPIC_IDS.find((t) => TOPICS[t].questions.some((q) => record.message.text.startsWith(q)))!;
        const tally = secondHalf.get(topic === 'password' || topic === 'exports' ? 'changed' : 'unchanged')!;
        tally.drafts += 1;
        if (draftEditDistance(learner.draft(record.message).draft, record.reply) <= DEFAULT_THRESHOLDS.lightlyEditedMax) tally.accepted += 1;
      }
      learner.learn(record);
    });
    const share = (k: 'changed' | 'unchanged') => secondHalf.get(k)!.accepted / secondHalf.get(k)!.drafts;
    // Measured: changed 80%, unchanged 75% (before recent template acceptance: 34% and 75%).
    expect(share('changed')).toBeGreaterThan(share('unchanged') - 0.1);
    expect(share('unchanged')).toBeGreaterThan(0.65);
  });

  it('stays the same when content clusters are forgotten past a small capacity', async () => {
    const { learner, said, probes } = await fold({ contentClusterCapacity: 12 }, 1200);
    const stats = learner.snapshotStats();
    expect(stats.contentClusters).toBeLessThanOrEqual(12);
    expect((await fold({}, 1200)).learner.snapshotStats().contentClusters).toBeGreaterThan(24);
    expect({ activeRules: stats.activeRules.map((r) => r.ruleId), stats: digest(stats), said: digest(said), drafts: digest(probes.map((p) => learner.draft(p))) }).toMatchSnapshot();
  });

  it('a learner saved and restored mid-stream says everything the uninterrupted one says, and ends in the same state', async () => {
    for (const options of [{}, { contentClusterCapacity: 12 }]) {
      const uninterrupted = await fold(options, 1200);
      const restarted = await fold(options, 1200, [1, 217, 600, 601, 1111]);
      expect(restarted.said).toEqual(uninterrupted.said);
      expect(restarted.learner.modelVersion).toBe(uninterrupted.learner.modelVersion);
      expect(restarted.learner.snapshotStats()).toEqual(uninterrupted.learner.snapshotStats());
      expect(restarted.probes.map((p) => restarted.learner.draft(p))).toEqual(uninterrupted.probes.map((p) => uninterrupted.learner.draft(p)));
      // The states themselves: every value, Map and Set order, and which objects are shared.
      expect(comparable(restarted.learner.exportState())).toEqual(comparable(uninterrupted.learner.exportState()));
    }
  });

  it('refuses a state learned under other thresholds', async () => {
    const { learner } = await fold({}, 100);
    expect(() => createLearner({ thresholds: { retrievalLimit: 7 } }, learner.exportState())).toThrow(/other thresholds/);
  });
});
