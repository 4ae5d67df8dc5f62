// What drove each alert (domain/alertContributors.ts): the slices of its series that rose most in the
// hour before its notice, as JSON, so the alert list and the dashboards show them beside the notice.
import { addColumns, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 11;
export const name = 'alert-contributors';

export function statements(ctx: DdlContext): string[] {
  return addColumns(ctx, TABLES.alerts, ["contributors String DEFAULT '[]'"]);
}
