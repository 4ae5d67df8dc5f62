// One writer for every insert: concurrent callers (activities, the API) append rows and await the
// flush that carries them, so many small writes become one insert per table per interval and a
// caller's promise resolves only when its rows are durably in ClickHouse. A failed insert rejects
// every waiting caller (their activities retry; event ids make the retry harmless) — unless
// ClickHouse refused the rows themselves: then the batch is split until the callers whose rows it
// refuses are found, and only they fail (one bad row must not fail other tickets' and tenants' writes).
import type { ClickHouse } from './clickhouse.js';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  /** How many of the batch's rows are this caller's (they are contiguous). */
  rows: number;
}

/**
 * ClickHouse error codes that say a row's content is wrong (its text, a number, a date, a null),
 * which retrying the same rows cannot fix. Other failures (unreachable, overloaded, too many parts)
 * are the server's state and fail the whole batch for its callers to retry.
 */
const ROW_REFUSED_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
]);

/** Whether ClickHouse (server or chDB) answered that the rows themselves are bad: a code in the error's cause chain. */
export function rowsRefused(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const code = Number((e as { code?: unknown }).code);
    if (ROW_REFUSED_CODES.has(code)) return true;
  }
  return false;
}

interface TableQueue {
  rows: object[];
  waiters: Waiter[];
  /** The insert currently running for this table; the next batch waits for it (keeps part count low). */
  inFlight: Promise<void> | undefined;
}

export interface BatchingWriterOptions {
  maxRows: number;
  flushMs: number;
  onFlush?: (table: string, rows: number, ms: number, error?: unknown) => void;
}

export interface WriterStats {
  flushes: number;
  rowsWritten: number;
  failedFlushes: number;
  pendingRows: number;
}

export class BatchingWriter {
  private readonly queues = new Map<string, TableQueue>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly stats = { flushes: 0, rowsWritten: 0, failedFlushes: 0 };

  constructor(
    private readonly ch: ClickHouse,
    private readonly options: BatchingWriterOptions,
  ) {}

  /** Resolves once `rows` are inserted into `table`. */
  write(table: string, rows: readonly object[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('batching writer is closed'));
    if (rows.length === 0) return Promise.resolve();
    const queue = this.queue(table);
    const done = new Promise<void>((resolve, reject) => queue.waiters.push({ resolve, reject, rows: rows.length }));
    queue.rows.push(...rows);
    if (queue.rows.length >= this.options.maxRows) void this.flushTable(table);
    else this.schedule();
    return done;
  }

  /** Flush everything queued now and wait for it. */
  async flush(): Promise<void> {
    await Promise.all([...this.queues.keys()].map((t) => this.flushTable(t)));
  }

  /** Stop accepting rows, then drain what is queued (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  getStats(): WriterStats {
    const pendingRows = [...this.queues.values()].reduce((n, q) => n + q.rows.length, 0);
    return { ...this.stats, pendingRows };
  }

  private queue(table: string): TableQueue {
    let queue = this.queues.get(table);
    if (!queue) {
      queue = { rows: [], waiters: [], inFlight: undefined };
      this.queues.set(table, queue);
    }
    return queue;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.flushMs);
  }

  private async flushTable(table: string): Promise<void> {
    const queue = this.queue(table);
    // One insert per table at a time: rows arriving meanwhile form the next batch.
    while (queue.inFlight) await queue.inFlight.catch(() => {});
    if (queue.rows.length === 0) return;
    const rows = queue.rows.splice(0);
    const waiters = queue.waiters.splice(0);
    const started = Date.now();
    queue.inFlight = this.ch.insert(table, rows).then(
      () => {
        this.stats.flushes++;
        this.stats.rowsWritten += rows.length;
        this.options.onFlush?.(table, rows.length, Date.now() - started);
        for (const w of waiters) w.resolve();
      },
      async (err: unknown) => {
        this.stats.failedFlushes++;
        this.options.onFlush?.(table, rows.length, Date.now() - started, err);
        if (waiters.length > 1 && rowsRefused(err)) await this.insertHalves(table, rows, waiters);
        else for (const w of waiters) w.reject(err);
      },
    );
    try {
      await queue.inFlight;
    } finally {
      queue.inFlight = undefined;
    }
    if (queue.rows.length >= this.options.maxRows) await this.flushTable(table);
    else if (queue.rows.length > 0) this.schedule();
  }

  /** After ClickHouse refused a batch's rows: each half again, down to the callers whose rows it refuses. */
  private async insertHalves(table: string, rows: object[], waiters: Waiter[]): Promise<void> {
    const half = Math.ceil(waiters.length / 2);
    const split = waiters.slice(0, half).reduce((n, w) => n + w.rows, 0);
    for (const [part, partWaiters] of [[rows.slice(0, split), waiters.slice(0, half)], [rows.slice(split), waiters.slice(half)]] as const) {
      try {
        await this.ch.insert(table, part);
        this.stats.flushes++;
        this.stats.rowsWritten += part.length;
        for (const w of partWaiters) w.resolve();
      } catch (err) {
        this.stats.failedFlushes++;
        if (partWaiters.length > 1 && rowsRefused(err)) await this.insertHalves(table, part, partWaiters);
        else for (const w of partWaiters) w.reject(err);
      }
    }
  }
}
