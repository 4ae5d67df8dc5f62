// The batching writer on real chDB: when ClickHouse refuses one caller's rows (content it cannot
// parse), only that caller fails; the others' rows, batched with it, are written.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchingWriter, rowsRefused } from '../../store/batchingWriter.js';
import { createClickHouse, StoreError, type ClickHouse } from '../../store/clickhouse.js';

let dataDir: string;
let ch: ClickHouse;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-writer-'));
  ch = createClickHouse({ dataDir, database: 'writer_test' });
  await ch.command('CREATE DATABASE IF NOT EXISTS writer_test');
  await ch.command('CREATE TABLE writer_test.rows (caller String, at DateTime) ENGINE = MergeTree ORDER BY caller');
});

afterAll(async () => {
  await ch?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('batching writer', () => {
  it('fails only the callers whose rows ClickHouse refuses, and writes the rest of their batch', async () => {
    const writer = new BatchingWriter(ch, { maxRows: 10_000, flushMs: 200 });
    const good = (caller: string) => Array.from({ length: 3 }, () => ({ caller, at: '2026-01-01 00:00:00' }));
    const callers = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const writes = callers.map((caller) => writer.write('rows', caller === 'c' || caller === 'f' ? [...good(caller), { caller, at: 'not a time' }] : good(caller)));
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const refusal = (results[2] as PromiseRejectedResult).reason;
    expect(refusal).toBeInstanceOf(StoreError);
    expect(rowsRefused(refusal)).toBe(true);
    const stored = await ch.query<{ caller: string; n: string }>('SELECT caller, count() AS n FROM writer_test.rows GROUP BY caller ORDER BY caller');
    expect(stored.map((r) => [r.caller, Number(r.n)])).toEqual([['a', 3], ['b', 3], ['d', 3], ['e', 3], ['g', 3]]);
    expect(writer.getStats()).toMatchObject({ rowsWritten: 15, pendingRows: 0 });
    await writer.close();
  });

  it('fails every caller of a batch when the failure is not about the rows (an unknown table)', async () => {
    const writer = new BatchingWriter(ch, { maxRows: 10_000, flushMs: 200 });
    const results = await Promise.allSettled(['x', 'y'].map((caller) => writer.write('no_such_table', [{ caller, at: '2026-01-01 00:00:00' }])));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(rowsRefused((results[0] as PromiseRejectedResult).reason)).toBe(false);
    await writer.close();
  });
});
