// Whether a ticket ended well, from its outcome components: the label the learner uses to keep
// or discard a resolution as a candidate. (The graded reward a leader configures is separate.)
export interface OutcomeComponents {
  reopened: boolean;
  escalated: boolean;
  csat: number | null;
  followUps: number;
}

/** CSAT at or above this (0..1 scale) counts as satisfied. */
export const SATISFIED_CSAT = 0.5;
/** More customer follow-ups than this after the first reply means the answer did not land. */
export const MAX_FOLLOW_UPS_FOR_GOOD = 1;

export function outcomeQuality(o: OutcomeComponents): 'good' | 'bad' {
  if (o.reopened || o.escalated) return 'bad';
  if (o.csat !== null && o.csat < SATISFIED_CSAT) return 'bad';
  return o.followUps > MAX_FOLLOW_UPS_FOR_GOOD ? 'bad' : 'good';
}

/**
 * The topic label of a resolved ticket from its tags: a `topic:<name>` (or `intent:<name>`) tag
 * when agents tag that way, else none — free-form tags like "vip" or "mobile" are not topics.
 */
export function topicFromTags(tags: readonly string[]): string | undefined {
  for (const tag of tags) {
    const match = /^(?:topic|intent)[:/](.+)$/i.exec(tag.trim());
    if (match) return match[1]!.trim().toLowerCase();
  }
  return undefined;
}
