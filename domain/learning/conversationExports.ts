// Many exports come one row per *message*, not per ticket: helpdesk comment exports (ticket id +
// author role per comment), the Twitter customer-support corpus (tweets linked by
// in_response_to_tweet_id), or JSON Lines with a chat-style `messages` array per conversation.
// supportloop learns from (customer question → agent reply) pairs, so such exports are folded into
// one ticket row per conversation before the usual column mapping (datasetTickets.ts): the
// customer's messages up to the first agent message are the question, that agent message (with
// the agent messages sent right after it) is the reply. Later exchanges in the conversation answer
// follow-ups, not the question, so they are not replayed. Pure: rows in, rows out.
import { columnKey, DATASET_FIELDS, DatasetColumns, DEFAULT_COLUMN_CANDIDATES, readField, TRUE_VALUES, type ColumnMapping, type DatasetRow } from './datasetTickets.js';
import { EXPORT_TIME_HINT, exportTimeMs } from '../instants.js';

export const MESSAGE_FIELDS = ['messages', 'conversation', 'sender', 'inReplyTo', 'messageId'] as const;
export type MessageField = (typeof MESSAGE_FIELDS)[number];
/** Column overrides for both shapes: ticket fields and message fields (`--map sender=author_type`). */
export type ExportMapping = ColumnMapping & Partial<Record<MessageField, string>>;

const MESSAGE_COLUMN_CANDIDATES: Record<MessageField, string[]> = {
  messages: ['messages', 'conversation', 'conversations', 'dialogue', 'dialog', 'turns', 'comments', 'thread'],
  conversation: ['conversation_id', 'ticket_id', 'thread_id', 'case_id', 'dialogue_id', 'chat_id', 'session_id'],
  sender: ['sender', 'sender_type', 'sender_role', 'author_role', 'author_type', 'role', 'from', 'speaker', 'direction', 'inbound', 'is_customer', 'outbound', 'is_agent'],
  inReplyTo: ['in_response_to_tweet_id', 'in_reply_to', 'in_reply_to_id', 'parent_id', 'reply_to', 'reply_to_id'],
  messageId: ['tweet_id', 'message_id', 'comment_id', 'id'],
};
/** Keys inside one element of a `messages` array, by columnKey, most specific first. */
const ELEMENT_SENDER_KEYS = ['role', 'sender', 'sender_type', 'author_role', 'author_type', 'from', 'speaker', 'author'].map(columnKey);
const ELEMENT_TEXT_KEYS = ['content', 'text', 'body', 'message', 'value', 'utterance', 'plain_body'].map(columnKey);
const ELEMENT_TIME_KEYS = ['created_at', 'createdAt', 'timestamp', 'time', 'date'].map(columnKey);

/** Sender values (compared by columnKey) that are the customer's side, the support side, or neither (left out). */
const CUSTOMER_SIDE = new Set(['customer', 'user', 'client', 'requester', 'enduser', 'contact', 'visitor', 'consumer', 'human', 'caller', 'guest', 'lead', 'inbound', 'incoming', 'in']);
const AGENT_SIDE = new Set(['agent', 'support', 'staff', 'admin', 'administrator', 'operator', 'assistant', 'representative', 'rep', 'employee', 'advisor', 'specialist', 'teammate', 'gpt', 'bot', 'outbound', 'outgoing', 'out']);
const NEITHER_SIDE = new Set(['system', 'note', 'internal', 'privatenote', 'function', 'tool']);
/** Boolean sender columns: true means the customer wrote it (inbound) or the support side did (outbound). */
const TRUE_IS_CUSTOMER = new Set(['inbound', 'iscustomer', 'fromcustomer', 'isuser', 'incoming']);
const TRUE_IS_AGENT = new Set(['outbound', 'isagent', 'fromagent', 'isstaff', 'outgoing']);
const FALSES = new Set(['false', '0', 'no', 'n']);

/** Columns of the folded rows (and the mapping that reads them). */
const FOLDED = { id: 'conversation_id', text: 'conversation_question', reply: 'conversation_reply', createdAt: 'conversation_started_at' } as const;

type Side = 'customer' | 'agent' | 'neither';

interface Message {
  side: Side;
  text: string;
  atMs: number | undefined;
  /** File order, the tie-breaker (and the order when a conversation has no timestamps). */
  order: number;
  /** The row the message came from (flat exports) or its conversation's row (nested ones). */
  row: DatasetRow;
}

export interface TicketRows {
  rows: DatasetRow[];
  /** Ticket-field overrides for resolveMapping: the folded columns, or the caller's own for ticket rows. */
  mapping: ColumnMapping;
  /** How the export was read, for the command's output (absent for ticket rows). */
  note?: string;
}

function sideOf(senderColumn: string, raw: string): Side | undefined {
  const column = columnKey(senderColumn.split('.').pop()!);
  const value = columnKey(raw.trim());
  if (TRUE_IS_CUSTOMER.has(column) || TRUE_IS_AGENT.has(column)) {
    const flag = TRUE_VALUES.has(value) ? true : FALSES.has(value) ? false : undefined;
    if (flag === undefined) return undefined;
    return flag === TRUE_IS_CUSTOMER.has(column) ? 'customer' : 'agent';
  }
  if (CUSTOMER_SIDE.has(value)) return 'customer';
  if (AGENT_SIDE.has(value)) return 'agent';
  if (NEITHER_SIDE.has(value)) return 'neither';
  return undefined;
}

/** A message's time; a value that is there but is not a time stops the run naming where (dropping it would drop every time). */
const timeOf = (value: string | undefined, where: string): number | undefined => {
  if (value === undefined) return undefined;
  const ms = exportTimeMs(value);
  if (ms === undefined) throw new Error(`${where}: ${JSON.stringify(value)} is not a time (${EXPORT_TIME_HINT})`);
  return ms;
};

/** The key and value of the first of `keys` (columnKeys) an object fills. */
function elementField(element: Record<string, unknown>, keys: readonly string[]): { key: string; value: string } | undefined {
  for (const want of keys) {
    const key = Object.keys(element).find((k) => columnKey(k) === want);
    if (key !== undefined) {
      const value = element[key];
      if (value !== undefined && value !== null && value !== '') return { key, value: typeof value === 'object' ? JSON.stringify(value) : String(value) };
    }
  }
  return undefined;
}

/** A `messages` cell as an array: JSON Lines gives one, a CSV cell may hold it as JSON text. */
function messageArray(cell: unknown): unknown[] | undefined {
  if (Array.isArray(cell)) return cell;
  if (typeof cell !== 'string' || !cell.trim().startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(cell);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Sender values no side was found for, counted, to report (or to fail on when nothing was understood). */
class UnknownSenders {
  readonly counts = new Map<string, number>();
  add(value: string): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }
  describe(): string {
    return [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([v, n]) => `"${v}" ×${n}`).join(', ');
  }
}

/**
 * One conversation's messages → its ticket row, or null when no customer message got an agent reply.
 * The row is the first customer message's row (other columns — customer, topic, channel — carry
 * over) without the message-level columns, plus the folded question, reply, id and start time.
 */
function foldConversation(id: string, messages: Message[], dropColumns: ReadonlySet<string>): DatasetRow | null {
  const timed = messages.every((m) => m.atMs !== undefined);
  const ordered = [...messages].sort((a, b) => (timed ? a.atMs! - b.atMs! : 0) || a.order - b.order).filter((m) => m.side !== 'neither');
  const first = ordered.findIndex((m) => m.side === 'customer');
  if (first < 0) return null;
  let i = first;
  const question: Message[] = [];
  while (i < ordered.length && ordered[i]!.side === 'customer') question.push(ordered[i++]!);
  const reply: Message[] = [];
  while (i < ordered.length && ordered[i]!.side === 'agent') reply.push(ordered[i++]!);
  if (reply.length === 0) return null;
  const carried = Object.fromEntries(Object.entries(question[0]!.row).filter(([column]) => !dropColumns.has(column)));
  const startedAt = question[0]!.atMs;
  return {
    ...carried,
    [FOLDED.id]: id,
    [FOLDED.text]: question.map((m) => m.text).join('\n\n'),
    [FOLDED.reply]: reply.map((m) => m.text).join('\n\n'),
    ...(startedAt !== undefined ? { [FOLDED.createdAt]: new Date(startedAt).toISOString() } : {}),
  };
}

function foldedResult(tickets: DatasetRow[], conversations: number, unknown: UnknownSenders, senderColumn: string, shape: string, mapping: ExportMapping): TicketRows {
  if (tickets.length === 0) {
    const hint = unknown.counts.size > 0 ? `; sender values not understood: ${unknown.describe()}` : '';
    throw new Error(`${shape}: no conversation has a customer message followed by an agent reply (sender column "${senderColumn}"${hint})`);
  }
  const carried = Object.fromEntries(DATASET_FIELDS.filter((f) => !(f in FOLDED) && mapping[f]).map((f) => [f, mapping[f]]));
  const timed = tickets.every((t) => t[FOLDED.createdAt] !== undefined);
  const skipped = unknown.counts.size > 0 ? `; messages left out, sender not understood: ${unknown.describe()}` : '';
  return {
    rows: tickets,
    mapping: { ...carried, id: FOLDED.id, text: FOLDED.text, reply: FOLDED.reply, ...(timed ? { createdAt: FOLDED.createdAt } : {}) },
    note: `${shape}: ${conversations} conversations → ${tickets.length} tickets (first customer message(s) → first agent reply; sender column "${senderColumn}")${skipped}`,
  };
}

/** Rows each holding a conversation as an array of messages (chat-style JSON Lines). */
function foldNested(rows: readonly DatasetRow[], columns: DatasetColumns, messagesColumn: string, mapping: ExportMapping): TicketRows {
  const unknown = new UnknownSenders();
  const idColumn = mapping.id ?? columns.present(DEFAULT_COLUMN_CANDIDATES.id);
  const outerTime = mapping.createdAt ?? columns.present(DEFAULT_COLUMN_CANDIDATES.createdAt);
  let senderKey = '';
  const tickets: DatasetRow[] = [];
  rows.forEach((row, index) => {
    const elements = messageArray(row[messagesColumn]) ?? [];
    const messages: Message[] = [];
    elements.forEach((element, order) => {
      if (!element || typeof element !== 'object') return;
      const e = element as Record<string, unknown>;
      const sender = elementField(e, ELEMENT_SENDER_KEYS);
      const text = elementField(e, ELEMENT_TEXT_KEYS);
      if (sender === undefined || text === undefined) return;
      senderKey ||= sender.key;
      const side = sideOf('role', sender.value);
      if (side === undefined) return unknown.add(sender.value);
      const time = elementField(e, ELEMENT_TIME_KEYS);
      messages.push({ side, text: text.value, atMs: timeOf(time?.value, `row ${index + 1}, ${messagesColumn}[${order}].${time?.key}`), order, row });
    });
    // A message without its own time is dated by the conversation's (messages then keep array order).
    const started = outerTime ? timeOf(readField(row, outerTime), `row ${index + 1}, ${outerTime}`) : undefined;
    if (started !== undefined) for (const m of messages) m.atMs ??= started;
    const id = (idColumn ? readField(row, idColumn) : undefined) ?? `conversation-${index + 1}`;
    const ticket = foldConversation(id, messages, new Set([messagesColumn, ...(idColumn ? [idColumn] : []), ...(outerTime ? [outerTime] : [])]));
    if (ticket) tickets.push(ticket);
  });
  return foldedResult(tickets, rows.length, unknown, `${messagesColumn}[].${senderKey || 'role'}`, `messages in "${messagesColumn}"`, mapping);
}

function appendTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** One row per message: grouped by a conversation column, or threaded by in-reply-to links. */
function foldFlat(rows: readonly DatasetRow[], dataset: DatasetColumns, mapping: ExportMapping, columns: { sender: string; conversation?: string; inReplyTo?: string; messageId?: string }): TicketRows {
  const unknown = new UnknownSenders();
  const taken = new Set(Object.values(columns).filter((c): c is string => c !== undefined));
  const textColumn = mapping.text ?? dataset.present(DEFAULT_COLUMN_CANDIDATES.text, taken);
  if (!textColumn) throw new Error(`message rows need a text column (${DEFAULT_COLUMN_CANDIDATES.text.join(', ')}); pass --map text=<column>`);
  const timeColumn = mapping.createdAt ?? dataset.present(DEFAULT_COLUMN_CANDIDATES.createdAt, taken);
  const messages: (Message & { id?: string; parent?: string; conversation?: string })[] = [];
  rows.forEach((row, order) => {
    const sender = readField(row, columns.sender);
    const text = readField(row, textColumn);
    if (sender === undefined || text === undefined) return;
    const side = sideOf(columns.sender, sender);
    if (side === undefined) return unknown.add(sender);
    messages.push({
      side, text, order, row,
      atMs: timeColumn ? timeOf(readField(row, timeColumn), `row ${order + 1}, ${timeColumn}`) : undefined,
      id: columns.messageId ? readField(row, columns.messageId) : undefined,
      parent: columns.inReplyTo ? readField(row, columns.inReplyTo) : undefined,
      conversation: columns.conversation ? readField(row, columns.conversation) : undefined,
    });
  });
  const drop = new Set([...taken, textColumn, ...(timeColumn ? [timeColumn] : [])]);
  const tickets: DatasetRow[] = [];
  let conversations = 0;
  if (columns.conversation) {
    const byConversation = new Map<string, Message[]>();
    for (const m of messages) if (m.conversation !== undefined) appendTo(byConversation, m.conversation, m);
    conversations = byConversation.size;
    for (const [id, thread] of byConversation) {
      const ticket = foldConversation(id, thread, drop);
      if (ticket) tickets.push(ticket);
    }
    return foldedResult(tickets, conversations, unknown, columns.sender, `message rows grouped by "${columns.conversation}"`, mapping);
  }
  // Threaded: a customer message that replies to nothing in the file opens a conversation; its
  // reply is the earliest agent message that replies to it (with any sent right after).
  const ids = new Set(messages.map((m) => m.id).filter((id): id is string => id !== undefined));
  const repliesTo = new Map<string, Message[]>();
  for (const m of messages) {
    if (m.side !== 'agent' || m.parent === undefined) continue;
    // Some exports list several parents ("12,15"); a reply belongs to each.
    for (const parent of m.parent.split(',').map((p) => p.trim())) appendTo(repliesTo, parent, m);
  }
  for (const root of messages) {
    if (root.side !== 'customer' || root.id === undefined || (root.parent !== undefined && ids.has(root.parent))) continue;
    conversations++;
    const ticket = foldConversation(root.id, [root, ...(repliesTo.get(root.id) ?? [])], drop);
    if (ticket) tickets.push(ticket);
  }
  return foldedResult(tickets, conversations, unknown, columns.sender, `message rows threaded by "${columns.inReplyTo}"`, mapping);
}

/**
 * The rows as tickets: rows that already are tickets (a reply column) pass through; message-level
 * exports are folded per conversation. `mapping` may name message fields (sender, conversation,
 * inReplyTo, messageId, messages) as well as ticket fields; the returned mapping is what
 * resolveMapping should be given for the returned rows.
 */
export function ticketRowsOf(rows: readonly DatasetRow[], mapping: ExportMapping = {}): TicketRows {
  const ticketFields: ColumnMapping = Object.fromEntries(DATASET_FIELDS.filter((f) => mapping[f]).map((f) => [f, mapping[f]]));
  const messageFieldGiven = MESSAGE_FIELDS.some((f) => mapping[f]);
  const columns = new DatasetColumns(rows);
  if (!messageFieldGiven && (mapping.reply || columns.present(DEFAULT_COLUMN_CANDIDATES.reply))) return { rows: [...rows], mapping: ticketFields };
  const messagesColumn = mapping.messages ?? columns.present(MESSAGE_COLUMN_CANDIDATES.messages);
  if (messagesColumn && columns.sample.some((row) => messageArray(row[messagesColumn]) !== undefined)) return foldNested(rows, columns, messagesColumn, mapping);
  const sender = mapping.sender ?? columns.present(MESSAGE_COLUMN_CANDIDATES.sender);
  const conversation = mapping.conversation ?? (mapping.inReplyTo ? undefined : columns.present(MESSAGE_COLUMN_CANDIDATES.conversation));
  const inReplyTo = mapping.inReplyTo ?? columns.present(MESSAGE_COLUMN_CANDIDATES.inReplyTo);
  const messageId = mapping.messageId ?? columns.present(MESSAGE_COLUMN_CANDIDATES.messageId, new Set([conversation, inReplyTo].filter((c): c is string => c !== undefined)));
  if (sender && conversation) return foldFlat(rows, columns, mapping, { sender, conversation });
  if (sender && inReplyTo && messageId) return foldFlat(rows, columns, mapping, { sender, inReplyTo, messageId });
  if (messageFieldGiven) {
    throw new Error(`message rows need a sender column (found ${sender ?? 'none'}) and a conversation column (found ${conversation ?? 'none'}) or in-reply-to and message id columns (found ${inReplyTo ?? 'none'}, ${messageId ?? 'none'})`);
  }
  // Neither shape: resolveMapping says what is missing.
  return { rows: [...rows], mapping: ticketFields };
}
