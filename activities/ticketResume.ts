// What a new run of a ticket's workflow starts from: its stored state and the event ids already
// recorded. Every new ticket asks this once, and under load hundreds start at once, each costing two
// queries that wait in line behind everything else the store does (embedded chDB runs one statement
// at a time), so concurrent lookups share batched queries (activities/coalescingLoader.ts).
import type { TicketState } from '../domain/ticketState.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { storedEventIdsByTicket } from '../store/ticketEvents.js';
import { loadTicketStates } from '../store/tickets.js';
import { createCoalescingLoader } from './coalescingLoader.js';

export interface ResumedTicket {
  state: TicketState | undefined;
  seenEventIds: string[];
}

interface TicketKey {
  tenantId: string;
  ticketId: string;
}

/** Bounds one batch's query (and its id list parameter). */
const MAX_BATCH = 500;

export function createTicketResumeLoader(ch: ClickHouse): (key: TicketKey) => Promise<ResumedTicket> {
  const loadBatch = async (keys: readonly TicketKey[]): Promise<ResumedTicket[]> => {
    const byTenant = new Map<string, string[]>();
    for (const { tenantId, ticketId } of keys) byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), ticketId]);
    const found = new Map<string, { states: Map<string, TicketState>; eventIds: Map<string, string[]> }>();
    await Promise.all(
      [...byTenant].map(async ([tenantId, ticketIds]) => {
        const unique = [...new Set(ticketIds)];
        const [states, eventIds] = await Promise.all([loadTicketStates(ch, tenantId, unique), storedEventIdsByTicket(ch, tenantId, unique)]);
        found.set(tenantId, { states, eventIds });
      }),
    );
    return keys.map(({ tenantId, ticketId }) => {
      const tenant = found.get(tenantId)!;
      return { state: tenant.states.get(ticketId), seenEventIds: tenant.eventIds.get(ticketId) ?? [] };
    });
  };

  return createCoalescingLoader(loadBatch, { maxBatchSize: MAX_BATCH });
}
