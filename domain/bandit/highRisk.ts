// Which tickets the strategy bandit must never experiment on. A high-risk ticket gets the strategy
// with the best expected reward (propensity 1 under that rule, explored = false): an exploratory
// reply to a customer who is about to escalate or churn costs more than the information is worth.
// The signals are ones the product already computes on the message and the ticket:
// - the message reads frustrated (two agreeing frustration signals, domain/text/frustration.ts);
// - the message threatens (lawyer, chargeback, competitor…) or asks to escalate (manager, complaint…);
// - the ticket was already escalated or reopened;
// - the ticket's priority is urgent;
// - the customer has contacted support at least twice before recently (repeat contact).
export interface RiskSignals {
  frustrationLevel?: string;
  /** Readable frustration signals as assessFrustration names them ("threat: lawyer", "escalation: manager"). */
  frustrationSignals?: readonly string[];
  escalations?: number;
  reopens?: number;
  priority?: string;
  priorContacts?: number;
}

export interface RiskAssessment {
  highRisk: boolean;
  /** Why, for the explanation; empty when not high-risk. */
  reasons: string[];
}

export const REPEAT_CONTACTS_HIGH_RISK = 2;

export function assessRisk(signals: RiskSignals): RiskAssessment {
  const reasons: string[] = [];
  if (signals.frustrationLevel === 'frustrated') reasons.push('frustrated customer');
  for (const signal of signals.frustrationSignals ?? []) if (/^(threat|escalation):/.test(signal)) reasons.push(signal);
  if ((signals.escalations ?? 0) > 0) reasons.push('ticket already escalated');
  if ((signals.reopens ?? 0) > 0) reasons.push('ticket reopened');
  if (signals.priority?.trim().toLowerCase() === 'urgent') reasons.push('urgent priority');
  if ((signals.priorContacts ?? 0) >= REPEAT_CONTACTS_HIGH_RISK) reasons.push(`${signals.priorContacts} prior contacts`);
  return { highRisk: reasons.length > 0, reasons };
}
