// The context the strategy bandit sees: one-hot "name=value" features (the bias is the model's own,
// see banditState.ts). Values are lower-cased and trimmed; a fact the product does not know is left
// out, so "unknown" never becomes a learned feature. Open-ended values (segment, plan, role, topic)
// are capped per feature by the state (the first values seen keep their own weight; later ones share
// "name=other"), so a tenant with 300 topics cannot grow the model without bound.
import type { FrustrationLevel } from '../text/frustration.js';
import { tenureBucket } from '../learning/contextFeatures.js';
import type { TicketMessage } from '../learning/records.js';

export interface BanditContext {
  segment?: string;
  plan?: string;
  role?: string;
  /** Tenure bucket, as tenureBucket() makes it: under-30d, 30-90d, 90-365d, over-1y. */
  tenure?: string;
  /** calm | annoyed | frustrated (domain/text/frustration.ts). */
  frustration?: string;
  topic?: string;
  channel?: string;
  /** The customer's earlier tickets in the recent past: bucketed none / one / several. */
  priorContacts?: number;
}

export const BANDIT_CONTEXT_FEATURES = ['segment', 'plan', 'role', 'tenure', 'frustration', 'topic', 'channel', 'history'] as const;
export type BanditContextFeature = (typeof BANDIT_CONTEXT_FEATURES)[number];

const MAX_VALUE_LENGTH = 60;

function clean(value: string | undefined): string | undefined {
  const v = value?.trim().toLowerCase().replace(/\s+/g, '-').replace(/=/g, '-').slice(0, MAX_VALUE_LENGTH);
  return v && v !== 'unknown' ? v : undefined;
}

export function historyBucket(priorContacts: number | undefined): string | undefined {
  if (priorContacts === undefined || !Number.isFinite(priorContacts)) return undefined;
  if (priorContacts <= 0) return 'none';
  return priorContacts === 1 ? 'one' : 'several';
}

/** The context's features, "name=value", in BANDIT_CONTEXT_FEATURES order. */
export function banditFeatures(context: BanditContext): string[] {
  const values: Record<BanditContextFeature, string | undefined> = {
    segment: clean(context.segment),
    plan: clean(context.plan),
    role: clean(context.role),
    tenure: clean(context.tenure),
    frustration: clean(context.frustration),
    topic: clean(context.topic),
    channel: clean(context.channel),
    history: historyBucket(context.priorContacts),
  };
  return BANDIT_CONTEXT_FEATURES.filter((name) => values[name] !== undefined).map((name) => `${name}=${values[name]}`);
}

/** The bandit context of a customer message, from what drafting already computed (frustration, topic). */
export function banditContextOf(message: TicketMessage, frustration: FrustrationLevel | undefined, topic: string | undefined): BanditContext {
  const customer = message.customer ?? {};
  return {
    segment: customer.segment,
    plan: customer.plan,
    role: customer.role,
    tenure: tenureBucket(customer.signupAt, message.at),
    frustration,
    topic,
    channel: message.channel,
    priorContacts: message.priorContacts,
  };
}
