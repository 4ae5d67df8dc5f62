// Turns the rows of a support dataset (CSV or JSONL, already parsed) into a time-ordered ticket
// stream for `eval`. Columns are found by name from documented candidates (overridable), nested JSON
// by dotted path, and entity-annotated rows (entity_type/entity_value) as `entity.<type>`. What the
// dataset lacks is synthesised with a seeded generator and listed, never passed off as observed.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { plainTextIfHtml } from '../../helpdesks/canonicalMapping.js';
import { EXPORT_TIME_HINT, exportTimeMs } from '../instants.js';

export const DATASET_FIELDS = ['id', 'text', 'topic', 'reply', 'createdAt', 'channel', 'customerId', 'plan', 'segment', 'role', 'signupAt', 'escalated'] as const;
export type DatasetField = (typeof DATASET_FIELDS)[number];

/**
 * First matching column wins; names match ignoring case, spaces, '_' and '-' ("Ticket Description"
 * = ticket_description). Nested paths (customer.id) match exactly. `entity.account_type` reads
 * annotated entity spans of that type. Specific names come before generic ones (intent before category).
 */
export const DEFAULT_COLUMN_CANDIDATES: Record<DatasetField, string[]> = {
  id: ['id', 'ticket_id', 'ticketId', 'conversation_id'],
  text: ['body', 'instruction', 'text', 'message', 'question', 'customer_message', 'customer_text', 'ticket_description', 'description', 'query', 'utterance', 'request'],
  topic: ['topic.label', 'topic', 'intent', 'label', 'ticket_type', 'issue_type', 'category'],
  reply: ['reference_resolution', 'response', 'reply', 'answer', 'agent_reply', 'agent_response', 'agent_text', 'resolution'],
  createdAt: ['created_at', 'createdAt', 'timestamp', 'date', 'created', 'created_time', 'date_created'],
  channel: ['channel', 'ticket_channel'],
  customerId: ['customer.id', 'customer_id', 'customerId', 'customer_email', 'user_id', 'author_id'],
  plan: ['customer.plan', 'plan', 'entity.plan', 'entity.account_type'],
  segment: ['customer.segment', 'segment'],
  role: ['customer.role', 'role_of_customer'],
  signupAt: ['customer.signupAt', 'customer.signup_at', 'signup_at'],
  escalated: ['outcome.escalated', 'escalated'],
};

/** Column-name key for matching: "Ticket Description", "ticket_description" and "ticketDescription" meet. */
export const columnKey = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

/** Spellings of true in exports (CSV has no booleans). */
export const TRUE_VALUES: ReadonlySet<string> = new Set(['true', '1', 'yes', 'y']);

export type DatasetRow = Record<string, unknown>;
export type ColumnMapping = Partial<Record<DatasetField, string>>;

export interface DatasetTicket {
  id: string;
  at: string;
  text: string;
  topic?: string;
  reply: string;
  channel: string;
  customer: { customerId: string; plan?: string; segment?: string; role?: string; signupAt?: string };
  priorContacts: number;
  escalated: boolean;
  /** Which values were drawn by the seeded generator rather than read from the row. */
  synthesized: { at: boolean; customerId: boolean; plan: boolean; channel: boolean };
}

export interface SynthesisOptions {
  seed: number;
  /** Used for ids when the dataset has none: `<name>-<row>`. */
  datasetName: string;
  /** Start of the synthetic period (ISO). */
  start?: string;
  days?: number;
}

/** A row's value at a dotted path, with `entity.<type>` resolved from entity_type/entity_value. */
export function readField(row: DatasetRow, path: string): string | undefined {
  if (path.startsWith('entity.') && row.entity_type !== undefined) {
    return String(row.entity_type) === path.slice('entity.'.length) && row.entity_value !== '' ? String(row.entity_value) : undefined;
  }
  let value: unknown = row;
  for (const part of path.split('.')) value = value && typeof value === 'object' ? (value as DatasetRow)[part] : undefined;
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The columns of a dataset's first 2,000 rows, indexed once by columnKey, to find fields by candidate names. */
export class DatasetColumns {
  readonly sample: readonly DatasetRow[];
  private readonly byKey = new Map<string, string>();

  constructor(rows: readonly DatasetRow[]) {
    this.sample = rows.slice(0, 2000);
    for (const row of this.sample) for (const name of Object.keys(row)) if (!this.byKey.has(columnKey(name))) this.byKey.set(columnKey(name), name);
  }

  /** The first of `candidates` that some sampled row fills (by the rows' own spelling of the name), skipping columns already `taken`. */
  present(candidates: readonly string[], taken: ReadonlySet<string> = new Set()): string | undefined {
    return candidates
      .map((c) => (c.includes('.') ? c : (this.byKey.get(columnKey(c)) ?? c)))
      .find((c) => !taken.has(c) && this.sample.some((row) => readField(row, c) !== undefined));
  }
}

/** Which column feeds each field: overrides first, then the first candidate any row has (by its own spelling). */
export function resolveMapping(rows: readonly DatasetRow[], overrides: ColumnMapping = {}): ColumnMapping {
  const mapping: ColumnMapping = {};
  const taken = new Set(Object.values(overrides));
  const columns = new DatasetColumns(rows);
  for (const field of DATASET_FIELDS) {
    const chosen = overrides[field] ?? columns.present(DEFAULT_COLUMN_CANDIDATES[field], taken);
    if (chosen) {
      mapping[field] = chosen;
      taken.add(chosen);
    }
  }
  if (!mapping.text || !mapping.reply) {
    throw new Error(
      `dataset needs a customer-text and a reply column; found text=${mapping.text ?? 'none'}, reply=${mapping.reply ?? 'none'}. Pass --map text=<column> --map reply=<column>` +
        ' (a message-per-row export needs a sender column and a conversation id or in-reply-to column instead: --map sender=<column> --map conversation=<column>)',
    );
  }
  return mapping;
}

type Random = () => number;

function seededRandom(seed: number): Random {
  const rng = xoroshiro128plus(seed);
  return () => uniformFloat64(rng);
}

/** Index drawn from cumulative weights (binary search). */
function drawIndex(cumulative: readonly number[], random: Random): number {
  const target = random() * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const cumulate = (weights: readonly number[]): number[] => {
  let sum = 0;
  return weights.map((w) => (sum += w));
};

/**
 * Ticket intensity per hour: two daily peaks (10:00 and 15:00, Gaussian, σ = 2 h) over a night
 * floor, weekends at 40%. N tickets from a non-homogeneous Poisson process conditioned on N events
 * are N independent draws from the normalised intensity, which is how they are drawn here.
 */
export function hourlyIntensity(start: Date, days: number): number[] {
  const weights: number[] = [];
  for (let h = 0; h < days * 24; h += 1) {
    const time = new Date(start.getTime() + h * 3_600_000);
    const hour = time.getUTCHours() + 0.5;
    const daily = 0.1 + Math.exp(-((hour - 10) ** 2) / 8) + Math.exp(-((hour - 15) ** 2) / 8);
    const weekday = time.getUTCDay();
    weights.push(daily * (weekday === 0 || weekday === 6 ? 0.4 : 1));
  }
  return weights;
}

export function datasetTickets(rows: readonly DatasetRow[], mapping: ColumnMapping, options: SynthesisOptions): { tickets: DatasetTicket[]; synthesized: string[] } {
  const random = seededRandom(options.seed);
  const synthesized: string[] = [];
  const field = (row: DatasetRow, name: DatasetField): string | undefined => (mapping[name] ? readField(row, mapping[name]!) : undefined);
  // Helpdesk exports often keep the HTML of rich-text bodies; a row is usable once both are text.
  const usable = rows
    .map((row, index) => ({ row, index, text: plainTextIfHtml(field(row, 'text') ?? ''), reply: plainTextIfHtml(field(row, 'reply') ?? '') }))
    .filter(({ text, reply }) => text && reply);

  // Time: the dataset's own, else a seeded permutation (datasets are often sorted by label) with NHPP times.
  let times: number[];
  let order = usable;
  if (mapping.createdAt) {
    times = usable.map(({ row, index }) => {
      const value = field(row, 'createdAt');
      const ms = value === undefined ? undefined : exportTimeMs(value);
      if (ms === undefined) throw new Error(`row ${index + 1}: ${mapping.createdAt} ${value === undefined ? 'is empty' : JSON.stringify(value) + ' is not a time'} (every row needs one once the column is mapped; ${EXPORT_TIME_HINT})`);
      return ms;
    });
  } else {
    order = [...usable];
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const start = new Date(options.start ?? '2026-01-05T00:00:00Z');
    const cumulative = cumulate(hourlyIntensity(start, options.days ?? 120));
    times = order.map(() => start.getTime() + (drawIndex(cumulative, random) + random()) * 3_600_000).sort((a, b) => a - b);
    synthesized.push(`created_at (seeded NHPP over ${options.days ?? 120} days from ${start.toISOString()}, peaks 10:00/15:00 UTC, weekends 40%)`);
  }

  // Customers: the dataset's, else a Zipf(1) pool of about one customer per 3.76 tickets.
  const poolSize = Math.max(1, Math.round(order.length / 3.76));
  const zipf = cumulate(Array.from({ length: poolSize }, (_, k) => 1 / (k + 1)));
  if (!mapping.customerId) synthesized.push(`customer.id (seeded Zipf pool of ${poolSize})`);
  const observedPlans = order.map(({ row }) => field(row, 'plan')?.toLowerCase()).filter((p): p is string => p !== undefined);
  const planOf = new Map<string, string>();
  if (mapping.plan && observedPlans.length < order.length) synthesized.push('customer.plan (rows without one: drawn per customer from the observed plans)');

  const signupOf = (row: DatasetRow, index: number): string | undefined => {
    const value = field(row, 'signupAt');
    if (value === undefined) return undefined;
    const ms = exportTimeMs(value);
    if (ms === undefined) throw new Error(`row ${index + 1}: ${mapping.signupAt} ${JSON.stringify(value)} is not a time (${EXPORT_TIME_HINT})`);
    return new Date(ms).toISOString();
  };
  // One ticket per id: two rows with one id would be one ticket with the later row's text.
  const rowOfId = new Map<string, number>();
  for (const { row, index } of order) {
    const id = field(row, 'id');
    if (id === undefined) continue;
    const earlier = rowOfId.get(id);
    if (earlier !== undefined) throw new Error(`rows ${earlier + 1} and ${index + 1}: ticket id ${JSON.stringify(id)} (${mapping.id}) is on both; a dataset needs one row per ticket, or a message-per-row export (see the README)`);
    rowOfId.set(id, index);
  }

  const tickets: DatasetTicket[] = order.map(({ row, index, text, reply }, i) => {
    const customerId = field(row, 'customerId') ?? `customer-${drawIndex(zipf, random) + 1}`;
    let plan = field(row, 'plan')?.toLowerCase();
    if (!plan && observedPlans.length > 0) {
      plan = planOf.get(customerId) ?? observedPlans[Math.floor(random() * observedPlans.length)]!;
      planOf.set(customerId, plan);
    }
    return {
      id: field(row, 'id') ?? `${options.datasetName}-${index}`,
      at: new Date(times[i]!).toISOString(),
      text,
      topic: field(row, 'topic'),
      reply,
      channel: field(row, 'channel') ?? 'chat',
      customer: { customerId, plan, segment: field(row, 'segment'), role: field(row, 'role'), signupAt: signupOf(row, index) },
      priorContacts: 0,
      escalated: TRUE_VALUES.has(field(row, 'escalated')?.trim().toLowerCase() ?? ''),
      synthesized: { at: !mapping.createdAt, customerId: !field(row, 'customerId'), plan: plan !== undefined && !field(row, 'plan'), channel: !field(row, 'channel') },
    };
  });
  tickets.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));

  // Repeat contact: the customer's tickets in the 30 days before this one.
  const recent = new Map<string, number[]>();
  for (const ticket of tickets) {
    const now = Date.parse(ticket.at);
    const history = (recent.get(ticket.customer.customerId) ?? []).filter((t) => now - t < 30 * 86_400_000);
    ticket.priorContacts = history.length;
    history.push(now);
    recent.set(ticket.customer.customerId, history);
  }
  if (!mapping.channel) synthesized.push('channel (constant "chat")');
  return { tickets, synthesized };
}
