// Every table and view name, defined once and imported everywhere (DDL in store/migrations/).
import type { AreaMatcher } from '../domain/productAreas.js';
export const TABLES = {
  schemaMigrations: 'schema_migrations',
  tenants: 'tenants',
  ticketEvents: 'ticket_events',
  tickets: 'tickets',
  eventsPerMinute: 'events_per_minute',
  eventsPerMinuteView: 'events_per_minute_mv',
  ignoredWebhooks: 'ignored_webhooks',
  suggestions: 'suggestions',
  corrections: 'corrections',
  suggestionFeedback: 'suggestion_feedback',
  eventsPerHour: 'events_per_hour',
  eventsPerHourView: 'events_per_hour_mv',
  tagEventsPerMinute: 'tag_events_per_minute',
  tagEventsPerMinuteView: 'tag_events_per_minute_mv',
  topicTagsEventsPerMinute: 'topic_tags_events_per_minute',
  topicTagsEventsPerMinuteView: 'topic_tags_events_per_minute_mv',
  sliceEventsPerMinute: 'slice_events_per_minute',
  sliceEventsPerMinuteView: 'slice_events_per_minute_mv',
  detectorState: 'detector_state',
  detectorMemoryParts: 'detector_memory_parts',
  alerts: 'alerts',
  alertSubscriptions: 'alert_subscriptions',
  alertDeliveries: 'alert_deliveries',
  alertSilences: 'alert_silences',
  ticketRewards: 'ticket_rewards',
  tenantSettingChanges: 'tenant_setting_changes',
  customerMessages: 'customer_messages',
  customerMessagesView: 'customer_messages_mv',
  learnerSnapshots: 'learner_snapshots',
  historyArrivals: 'history_arrivals',
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];

/**
 * One ticket_rewards row per ticket, its latest outcome (a ticket reopened after its outcome is rewarded
 * again when it closes again, and that later reward supersedes the first): the clauses that end a
 * `SELECT … FROM ticket_rewards FINAL WHERE …`. The bandit's learning rows (store/ticketRewards.ts) and
 * the Outcomes dashboard read rewards this same way.
 */
export const LATEST_REWARD_PER_TICKET = 'ORDER BY ticket_id, at DESC, outcome_event_id DESC LIMIT 1 BY ticket_id';

/**
 * A customer message counted as negative in the rollups (the negative-sentiment share's numerator):
 * the sentiment library's comparative score below zero (domain/text). One definition for the hourly
 * rollup (migration 003) and the per-minute ones detection reads (migration 008).
 */
export const NEGATIVE_MESSAGE = 'sentiment < 0';

/**
 * The product areas (domain/productAreas.ts) a row of the topic × tag-set rollup belongs to: every
 * area one of whose tags the row carries or whose topic it has, compared without case or surrounding
 * spaces. Arguments: SQL arrays of the areas' names, tag lists and topic lists, in one order. One
 * definition for detection (areas as query parameters) and the Anomalies dashboard (from settings).
 */
export const areasOfRow = (names: string, tags: string, topics: string) =>
  `arrayFilter((name, area_tags, area_topics) -> hasAny(arrayMap(t -> lowerUTF8(trimBoth(t)), area_tags), arrayMap(t -> lowerUTF8(t), tag_set)) OR has(arrayMap(t -> lowerUTF8(trimBoth(t)), area_topics), lowerUTF8(topic)), ${names}, ${tags}, ${topics})`;

/** areasOfRow over areas passed as query parameters (areaParams). */
export const AREAS_OF_ROW_FROM_PARAMS = areasOfRow('{areaNames:Array(String)}', '{areaTags:Array(Array(String))}', '{areaTopics:Array(Array(String))}');
export const areaParams = (areas: readonly AreaMatcher[]) => ({ areaNames: areas.map((a) => a.name), areaTags: areas.map((a) => a.tags), areaTopics: areas.map((a) => a.topics) });

/** Tables earlier migrations created and a later one dropped: named for those migrations only. */
export const RETIRED_TABLES = {
  /** One row per tenant with both kinds of settings (migrations 004, 005); replaced by tenant_setting_changes in 006. */
  tenantSettings: 'tenant_settings',
} as const;

/** A time after every event: the upper bound a query takes when the caller gives none. */
export const AFTER_EVERY_EVENT = '2999-01-01T00:00:00Z';

/** ClickHouse DateTime64(3) text form in UTC ("2026-01-02 03:04:05.678"), accepted by every input format setting. */
export function toClickHouseTime(value: string | number | Date): string {
  return new Date(value).toISOString().replace('T', ' ').replace('Z', '');
}

/** ClickHouse DateTime (seconds) text form in UTC, for minute/second columns and parameters. */
export function toClickHouseSeconds(value: string | number | Date): string {
  return toClickHouseTime(value).slice(0, 19);
}

/** Back from ClickHouse's UTC text form to ISO-8601. */
export function fromClickHouseTime(value: string): string {
  return value.includes('T') ? value : `${value.replace(' ', 'T')}Z`;
}

/** Milliseconds since the epoch of a ClickHouse UTC text timestamp. */
export function clickHouseTimeMs(value: string): number {
  return Date.parse(fromClickHouseTime(value));
}
