// Whether a subscription folds an alert related to one it was already sent, and that still fires,
// into it (domain/alertRouting.ts): on for every subscription, those made before included.
import { addColumns, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 16;
export const name = 'subscription-grouping';

export function statements(ctx: DdlContext): string[] {
  return addColumns(ctx, TABLES.alertSubscriptions, ['group_related UInt8 DEFAULT 1']);
}
