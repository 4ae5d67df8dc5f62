// The hidden correction policy of the human agents: what they add to a topic's canonical answer
// depending on who is asking. Only the simulator knows these; the product has to learn them from
// the agents' edits. Each rule is data: an id, a condition on the ticket's context, where its
// sentences go, the sentences (each with phrasing variants, so learning has to generalise rather
// than memorise a string) and what a customer asks when a reply lacked it.
import type { SeededRandom } from './seededRandom.js';

/** What a rule condition can look at: the customer's context as the helpdesk sends it, plus the message's tone. */
export interface RuleContext {
  plan: string;
  segment: string;
  role: string;
  /** Days since signup at the time of the message. */
  tenureDays: number;
  /** The customer message was written in frustration (the learner sees it only through the text). */
  frustrated: boolean;
}

export type RuleCondition =
  | { feature: 'plan' | 'segment' | 'role'; equals: string }
  | { feature: 'tenureDays'; below: number }
  | { feature: 'frustrated'; equals: true };

export interface AgentRule {
  id: string;
  description: string;
  when: RuleCondition;
  /** Opening rules go before the answer (an apology), closing rules after it, in list order. */
  position: 'opening' | 'closing';
  sentences: string[][];
  /** What the customer writes back when the reply they got lacked this. */
  followUpQuestions: string[];
}

export const AGENT_RULES: readonly AgentRule[] = [
  {
    id: 'frustrated-apology',
    description: 'frustrated customers get an apology before the answer',
    when: { feature: 'frustrated', equals: true },
    position: 'opening',
    sentences: [
      [
        "I'm sorry this has been so frustrating, and thank you for your patience.",
        "I'm really sorry for the frustration this has caused, and thanks for your patience with us.",
        'Apologies for the frustration here, and thank you for being so patient.',
      ],
    ],
    followUpQuestions: ['Honestly, a word of acknowledgement would have been nice, this cost me half a day.', 'A bit of an apology would be appreciated, this has been really annoying.'],
  },
  {
    id: 'trial-workflow',
    description: 'trial customers get a paragraph on fitting the feature into their workflow during the trial',
    when: { feature: 'plan', equals: 'trial' },
    position: 'closing',
    sentences: [
      [
        "Since you're on the trial, this is a good moment to set it up the way your team will use it day to day.",
        "As you're still on your trial, it's worth setting this up now the way your team would use it every day.",
        "While you're on the trial, try setting this up exactly as it would fit your team's daily workflow.",
      ],
      [
        "Tell us a little about your team's workflow and we'll suggest a setup before your trial ends.",
        "If you describe your team's workflow in a reply, we'll recommend a setup before the trial ends.",
        "Reply with a short description of your team's workflow and we'll propose a setup before your trial is over.",
      ],
    ],
    followUpQuestions: [
      "Thanks. We're still on the trial though, how would this fit into how our team works before we decide?",
      "OK, but we're only trialling it for now. How should we set this up so it works for our team's workflow?",
    ],
  },
  {
    id: 'developer-api-reference',
    description: 'developers get a pointer to the API reference',
    when: { feature: 'role', equals: 'developer' },
    position: 'closing',
    sentences: [
      [
        'You can also do this from code: the API reference at docs.example.com/api lists the endpoints involved.',
        'If you prefer to automate it, the endpoints are documented in the API reference at docs.example.com/api.',
        'To script this, see the API reference at docs.example.com/api, which covers the endpoints you need.',
      ],
    ],
    followUpQuestions: ["Is there an API for this? I'd rather script it than click through the UI.", 'Can I do this through the API instead? Where are the docs?'],
  },
  {
    id: 'enterprise-csm',
    description: 'enterprise accounts are reminded of their dedicated customer success manager',
    when: { feature: 'segment', equals: 'enterprise' },
    position: 'closing',
    sentences: [
      [
        'Your dedicated customer success manager is copied here and can also walk your team through this on a call.',
        "I've copied your dedicated customer success manager, who is happy to go through this with your team on a call.",
        'Your dedicated customer success manager is in copy as well and can set up a call with your team about this.',
      ],
    ],
    followUpQuestions: ["We're on an enterprise contract, is there someone on our account team who can help us roll this out?", 'Can our account manager help us with this? We are an enterprise customer.'],
  },
  {
    id: 'new-customer-onboarding',
    description: 'customers in their first 30 days get the getting-started guide',
    when: { feature: 'tenureDays', below: 30 },
    position: 'closing',
    sentences: [
      [
        "As you've only recently joined, the getting-started guide at help.example.com/start is a quick way to find your way around.",
        'Since your account is new, the getting-started guide at help.example.com/start may help with the first steps.',
        'Because you signed up recently, you may find our getting-started guide at help.example.com/start useful.',
      ],
    ],
    followUpQuestions: ["I'm new to the product, is there a guide that explains the basics?", 'We only just signed up, is there some kind of getting-started guide?'],
  },
];

export function ruleById(id: string): AgentRule {
  const rule = AGENT_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`unknown rule "${id}"; known: ${AGENT_RULES.map((r) => r.id).join(', ')}`);
  return rule;
}

export function ruleApplies(rule: AgentRule, context: RuleContext): boolean {
  const when = rule.when;
  switch (when.feature) {
    case 'plan':
    case 'segment':
    case 'role':
      return context[when.feature] === when.equals;
    case 'tenureDays':
      return context.tenureDays < when.below;
    case 'frustrated':
      return context.frustrated;
  }
}

export function applicableRules(context: RuleContext, rules: readonly AgentRule[] = AGENT_RULES): AgentRule[] {
  return rules.filter((rule) => ruleApplies(rule, context));
}

/** One sentence of a reply and where it comes from: a slot is one sentence position, its variants its accepted phrasings. */
export interface ReplySentence {
  slot: string;
  /** 'answer' for the topic's (or follow-up's) own content, else the rule id that added it. */
  source: string;
  text: string;
  variants: readonly string[];
}

function sentencesOf(source: string, slotPrefix: string, sentences: readonly string[][], rng: SeededRandom): ReplySentence[] {
  return sentences.map((variants, i) => ({ slot: `${slotPrefix}:${i}`, source, text: rng.pick(variants), variants }));
}

/**
 * The reply an agent would write from scratch: opening rules, the answer, closing rules. Rule
 * sentences get a phrasing variant drawn from `rng`; answer sentences mostly the usual phrasing.
 */
export function composeIdealReply(answerSlot: string, answer: readonly string[][], rules: readonly AgentRule[], rng: SeededRandom): ReplySentence[] {
  const ruleSentences = (position: AgentRule['position']) =>
    rules.filter((r) => r.position === position).flatMap((r) => sentencesOf(r.id, `rule:${r.id}`, r.sentences, rng));
  const core = answer.map((variants, i) => ({ slot: `${answerSlot}:${i}`, source: 'answer', text: rng.chance(0.8) ? variants[0]! : rng.pick(variants), variants }));
  return [...ruleSentences('opening'), ...core, ...ruleSentences('closing')];
}

/** Text of a reply: sentences of one source form a paragraph. */
export function renderReply(sentences: readonly { source: string; text: string }[]): string {
  const paragraphs: string[] = [];
  let previous: string | undefined;
  for (const sentence of sentences) {
    if (sentence.source === previous) paragraphs[paragraphs.length - 1] += ` ${sentence.text}`;
    else paragraphs.push(sentence.text);
    previous = sentence.source;
  }
  return paragraphs.join('\n\n');
}
