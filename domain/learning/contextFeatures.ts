// The context a draft and a correction are keyed by. Values are lower-cased so "Trial" and "trial"
// are one value; a feature the product does not know is left out rather than set to a placeholder,
// so "unknown plan" never becomes a rule.
import type { TextFeatures } from '../text/textFeatures.js';
import type { TicketMessage } from './records.js';

/** Features rules can generalise over (topic is what they generalise across, so it is not one of them). */
export const CONTEXT_FEATURES = ['plan', 'segment', 'role', 'tenure', 'lifecycle', 'channel', 'sentiment', 'language'] as const;
export type ContextFeature = (typeof CONTEXT_FEATURES)[number];
export type ContextValues = Partial<Record<ContextFeature, string>>;

const DAY_MS = 86_400_000;

/** Tenure buckets by days since signup: first month (onboarding), first quarter, first year, longer. */
export function tenureBucket(signupAt: string | undefined, at: string): string | undefined {
  if (!signupAt) return undefined;
  const days = (Date.parse(at) - Date.parse(signupAt)) / DAY_MS;
  if (!Number.isFinite(days)) return undefined;
  if (days < 30) return 'under-30d';
  if (days < 90) return '30-90d';
  if (days < 365) return '90-365d';
  return 'over-1y';
}

function clean(value: string | undefined): string | undefined {
  const v = value?.trim().toLowerCase();
  return v ? v : undefined;
}

export function contextFeatures(message: TicketMessage, text: TextFeatures): ContextValues {
  const customer = message.customer ?? {};
  const values: ContextValues = {
    plan: clean(customer.plan),
    segment: clean(customer.segment),
    role: clean(customer.role),
    tenure: tenureBucket(customer.signupAt, message.at),
    lifecycle: clean(customer.lifecycleStage ?? customer.custom?.lifecycleStage ?? customer.custom?.lifecycle_stage),
    channel: clean(message.channel),
    // Annoyed and frustrated are one value: agents treat upset customers alike, and splitting them would halve the evidence for either.
    sentiment: text.frustration.level === 'calm' ? text.sentiment.label : 'frustrated',
    language: text.language.language === 'und' ? undefined : text.language.language,
  };
  const present: ContextValues = {};
  for (const feature of CONTEXT_FEATURES) {
    const value = values[feature];
    if (value !== undefined) present[feature] = value;
  }
  return present;
}

/** "plan=trial" keys, in CONTEXT_FEATURES order. */
export function featureKeys(context: ContextValues): string[] {
  return CONTEXT_FEATURES.filter((f) => context[f] !== undefined).map((f) => `${f}=${context[f]}`);
}
