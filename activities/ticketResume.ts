// What a new run of a ticket's workflow starts from: its stored state and the event ids already
// recorded. Every new ticket asks this once, and under load hundreds start at once, each costing two
// queries that wait in line behind everything else the store does (embedded chDB runs one statement
// at a time). So concurrent lookups are batched (DataLoader): the first goes out at once, and the
// ones arriving while a batch is in flight wait for it and go out together as the next batch — two
// queries per batch instead of two per ticket, with no added wait when the worker is idle.
import DataLoader from 'dataloader';
import type { TicketState } from '../domain/ticketState.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { storedEventIdsByTicket } from '../store/ticketEvents.js';
import { loadTicketStates } from '../store/tickets.js';

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
  let inFlight: Promise<unknown> = Promise.resolve();

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

  const loader = new DataLoader<TicketKey, ResumedTicket>(
    (keys) => {
      const batch = loadBatch(keys);
      inFlight = batch.catch(() => {});
      return batch;
    },
    {
      // Never cached: a workflow run must see what is stored when it starts.
      cache: false,
      maxBatchSize: MAX_BATCH,
      // Dispatch once the batch before it has finished (setImmediate gathers lookups made together).
      batchScheduleFn: (dispatch) => void inFlight.then(() => setImmediate(dispatch)),
    },
  );
  return (key) => loader.load(key);
}
