// Which tickets the strategy bandit must never experiment on. A high-risk ticket gets the strategy
// with the best expected reward (propensity 1 under that rule, explored = false): an exploratory
// reply to a customer who is about to escalate or churn costs more than the information is worth.
// The signals are escalation-risk cues the product already computes on the message and the ticket:
// - the message threatens (lawyer, chargeback, competitor…) or asks to escalate (manager, complaint…);
// - the ticket was already escalated or reopened;
// - the ticket's priority is urgent;
// - the customer has contacted support at least twice before recently (repeat contact).
// Frustration alone is not high-risk: the acknowledgement tone is for frustrated customers, and a
// bandit that never tries it on them could never learn that it helps. Frustration that comes with a
// threat, an escalation demand or repeated contact is high-risk through those cues.
export interface RiskSignals {
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
  for (const signal of signals.frustrationSignals ?? []) if (/^(threat|escalation):/.test(signal)) reasons.push(signal);
  if ((signals.escalations ?? 0) > 0) reasons.push('ticket already escalated');
  if ((signals.reopens ?? 0) > 0) reasons.push('ticket reopened');
  if (signals.priority?.trim().toLowerCase() === 'urgent') reasons.push('urgent priority');
  if ((signals.priorContacts ?? 0) >= REPEAT_CONTACTS_HIGH_RISK) reasons.push(`${signals.priorContacts} prior contacts`);
  return { highRisk: reasons.length > 0, reasons };
}
