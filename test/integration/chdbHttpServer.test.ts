// `supportloop store` through the real @clickhouse/client over HTTP: the protocol subset the
// product's client uses (ping, DDL, JSONEachRow inserts, bound parameters, errors), then the
// product's own store (migrations, writer-sized inserts, FINAL reads) against it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChdbHttpServer, type ChdbHttpServer } from '../../runtime/chdbHttpServer.js';
import { createClickHouse } from '../../store/clickhouse.js';
import { migrate } from '../../store/migrate.js';
import { TABLES } from '../../store/tables.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-store-'));
let store: ChdbHttpServer;
let client: ClickHouseClient;

beforeAll(async () => {
  store = await startChdbHttpServer({ dataDir, host: '127.0.0.1', port: 0, user: 'default', password: '' });
  // Errors below are expected: keep the client's own error log quiet.
  client = createClient({ url: store.url, log: { level: ClickHouseLogLevel.OFF } });
});
afterAll(async () => {
  await client?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('supportloop store (ClickHouse HTTP interface on chDB)', () => {
  it('answers ping, runs DDL, takes JSONEachRow inserts and reads them back with bound parameters', async () => {
    expect((await client.ping()).success).toBe(true);
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS t' });
    await client.command({ query: "CREATE TABLE IF NOT EXISTS t.items (id UInt32, name String, at DateTime64(3, 'UTC'), tags Array(String)) ENGINE = MergeTree ORDER BY id" });
    const rows = [
      { id: 1, name: "tab\there 'quoted' back\\slash\nnewline", at: '2026-11-24 10:00:00.123', tags: ['a', 'b'] },
      { id: 2, name: 'plain', at: '2026-11-24 11:00:00.000', tags: [] },
    ];
    const inserted = await client.insert({ table: 't.items', values: rows, format: 'JSONEachRow' });
    expect(inserted.executed).toBe(true);

    const byName = await client.query({ query: 'SELECT id, tags FROM t.items WHERE name = {name:String}', query_params: { name: rows[0]!.name }, format: 'JSONEachRow' });
    expect(await byName.json()).toEqual([{ id: 1, tags: ['a', 'b'] }]);
    const byTime = await client.query({
      query: 'SELECT id FROM t.items WHERE at >= {from:DateTime64(3)} AND has({wanted:Array(String)}, name) ORDER BY id',
      query_params: { from: new Date('2026-11-24T10:30:00Z'), wanted: ['plain', 'other'] },
      format: 'JSONEachRow',
    });
    expect(await byTime.json()).toEqual([{ id: 2 }]);
    const count = await client.query({ query: 'SELECT count() AS n FROM t.items', format: 'JSON' });
    expect(((await count.json()) as { data: { n: string }[] }).data[0]!.n).toBe('2');
  });

  it('maps engine errors to ClickHouseError with code and type, and refuses what it cannot serve faithfully', async () => {
    const syntax = await client.query({ query: 'SELEC 1' }).catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(ClickHouseError);
    expect((syntax as ClickHouseError).code).toBe('62');
    expect((syntax as ClickHouseError).type).toBe('SYNTAX_ERROR');
    const missing = await client.command({ query: 'SELECT * FROM t.nope' }).catch((e: unknown) => e);
    expect((missing as ClickHouseError).type).toBe('UNKNOWN_TABLE');
    const badRow = await client.insert({ table: 't.items', values: [{ id: 'not a number' }], format: 'JSONEachRow' }).catch((e: unknown) => e);
    expect(badRow).toBeInstanceOf(ClickHouseError);
    const composite = await client.query({ query: 'SELECT {v:Array(String)} AS v', query_params: { v: ["it's"] } }).catch((e: unknown) => e);
    expect((composite as ClickHouseError).message).toMatch(/param_v: composite parameter/);
    const raw = await fetch(`${store.url}/?database=other`, { method: 'POST', body: 'SELECT 1' });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-clickhouse-exception-code')).toBe('36');
    expect(await raw.text()).toMatch(/database=other/);
  });

  it('asks for the configured password when one is set', async () => {
    const guarded = await startChdbHttpServer({ dataDir, host: '127.0.0.1', port: 0, user: 'default', password: 's3cret' });
    const wrong = createClient({ url: guarded.url, password: 'nope', log: { level: ClickHouseLogLevel.OFF } });
    const right = createClient({ url: guarded.url, password: 's3cret' });
    try {
      const refused = await wrong.query({ query: 'SELECT 1' }).catch((e: unknown) => e);
      expect((refused as ClickHouseError).type).toBe('AUTHENTICATION_FAILED');
      expect(await (await right.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json()).toEqual([{ one: 1 }]);
    } finally {
      await wrong.close();
      await right.close();
      await guarded.close();
    }
  });

  it("runs the product's store: migrations, inserts and FINAL reads through CLICKHOUSE_URL", async () => {
    const ch = createClickHouse({ url: store.url, database: 'supportloop_http', dataDir });
    try {
      const ran = await migrate(ch);
      expect(ran.length).toBeGreaterThan(0);
      expect(await migrate(ch)).toEqual([]);
      await ch.insert(TABLES.schemaMigrations, [{ version: 999, name: 'probe', applied_at: '2026-11-24 10:00:00.000' }]);
      await ch.insert(TABLES.schemaMigrations, [{ version: 999, name: 'probe', applied_at: '2026-11-24 10:00:01.000' }]);
      const rows = await ch.query<{ n: string }>(`SELECT count() AS n FROM ${ch.table(TABLES.schemaMigrations)} FINAL WHERE version = {v:UInt32}`, { v: 999 });
      expect(Number(rows[0]!.n)).toBe(1);
      expect(await ch.ping()).toBe(true);
    } finally {
      await ch.close();
    }
  });
});
