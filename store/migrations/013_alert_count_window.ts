// The count window behind an alert raised by the windowed count test (a sparse series): "14 messages
// in 15 minutes where 2.9 were expected", as JSON ('' when another evidence raised it), so notices,
// the alert list and the dashboards can say what one minute's count cannot.
import { addColumns, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 13;
export const name = 'alert-count-window';

export function statements(ctx: DdlContext): string[] {
  return addColumns(ctx, TABLES.alerts, ["count_window String DEFAULT ''"]);
}
