// Dormant detected series: the detector state records each series' last minute with an event, so a
// series silent for longer than its detector remembers (a one-off tag, a renamed area, a topic
// that is gone) is retired instead of being fed zeros and rewritten every minute forever. A state
// stored before this counts as having had an event at its last minute fed.
import { addColumns, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 10;
export const name = 'dormant-series';

export function statements(ctx: DdlContext): string[] {
  return addColumns(ctx, TABLES.detectorState, ["last_event DateTime('UTC') DEFAULT last_minute"]);
}
