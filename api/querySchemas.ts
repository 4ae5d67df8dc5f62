// Query strings, defined once for every route: an unknown parameter is refused (a misspelt `asof`
// silently gave today's answer), points in time take a date-time or a plain date, and numbers must be
// finite (ajv's type coercion let `Infinity` past every bound).
import { Type, type TProperties } from '@sinclair/typebox';
import { instantMs, INSTANT_HINT } from '../domain/instants.js';

export const Query = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false });

/** The ajv format name of InstantQuery; buildApp registers instantFormat under it. */
export const INSTANT_FORMAT = 'instant';
export const INSTANT_QUERY_HINT = `${INSTANT_HINT}, or a date such as 2026-11-24 (its midnight UTC)`;
export const instantFormat = (value: string): boolean => instantMs(value, { dateOnly: true }) !== undefined;

export const InstantQuery = (description: string) => Type.String({ format: INSTANT_FORMAT, description: `${description}: ${INSTANT_QUERY_HINT}` });

/** A validated query instant in the one spelling used downstream (learner cache keys, SQL parameters); absent stays absent. */
export function isoInstant(value: string): string;
export function isoInstant(value: string | undefined): string | undefined;
export function isoInstant(value: string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(instantMs(value, { dateOnly: true })!).toISOString();
}
