// Migrations 008, 009 and 012 on an install that already holds customer messages: the per-minute
// rollups that detection reads gain the negative count for the messages stored before them (their
// volume counts unchanged) and for those after, overall and per tag; product areas (009's topic ×
// tag-set rollup) count the messages stored before it; and 012's rollup of every slice holds them.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../domain/events.js';
import { areaMatchers } from '../../domain/productAreas.js';
import { BatchingWriter } from '../../store/batchingWriter.js';
import { createClickHouse, type ClickHouse } from '../../store/clickhouse.js';
import { migrate, MIGRATIONS } from '../../store/migrate.js';
import { sliceWeekCounts } from '../../store/alertContributors.js';
import { seriesCounts } from '../../store/spikeSeries.js';
import { TABLES } from '../../store/tables.js';
import { writeTicketEvents } from '../../store/ticketEvents.js';
import { installBefore } from '../helpers/olderInstall.js';

let dataDir: string;
let ch: ClickHouse;
let writer: BatchingWriter;

const MINUTE = 60_000;
const T0 = Date.parse('2026-06-30T12:00:00Z');

/** A customer message at minute `m` after T0; `sentiment` as classification stored it. */
function record(eventId: string, m: number, sentiment: number, tags: string[] = []) {
  const event: TicketEvent = { eventId, tenantId: 'acme', ticketId: `T-${eventId}`, kind: 'message.customer', occurredAt: new Date(T0 + m * MINUTE + 1000).toISOString(), provider: 'generic', channel: 'email', tags, body: 'text' };
  return writeTicketEvents(writer, { inbound: [{ event, classification: { topic: 'billing', topicConfidence: 0.9, sentiment, frustration: 0, language: 'en' } }], derived: [], context: { channel: 'email', provider: 'generic', segment: '', plan: '', topic: '' } }, T0);
}

const countsOf = async (areas: Parameters<typeof areaMatchers>[0] = { areas: [] }) =>
  Object.fromEntries((await seriesCounts(ch, 'acme', T0 - MINUTE, T0 + 10 * MINUTE, areaMatchers(areas))).map((c) => [`${c.series}@${(c.minuteMs - T0) / MINUTE}`, [c.count, c.negative]]));

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-negative-share-'));
  ch = createClickHouse({ dataDir, database: 'negative_share_test' });
  writer = new BatchingWriter(ch, { maxRows: 1000, flushMs: 10 });
  // An install as migration 7 left it, with messages (two negative, one of them tagged) already stored.
  await installBefore(ch, 8);
  await Promise.all([record('e1', 0, -0.5, ['refund']), record('e2', 0, 0.3, ['refund']), record('e3', 0, -0.1), record('e4', 1, 0)]);
  await writer.flush();
});

afterAll(async () => {
  await writer?.close();
  await ch?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('migrations 008 (negative share), 009 (product areas) and 012 (slices) on stored messages', () => {
  it('counts the negative messages stored before it, leaving volume as it was, and the ones after it', async () => {
    const before = await ch.query<{ n: string }>(`SELECT count() AS n FROM ${ch.table(TABLES.eventsPerMinute)}`);
    expect(Number(before[0]!.n)).toBeGreaterThan(0);
    expect(await migrate(ch)).toEqual(MIGRATIONS.map((m) => m.version).filter((v) => v >= 8));
    expect(await countsOf()).toEqual({ 'all@0': [3, 2], 'topic=billing@0': [3, 2], 'channel=email@0': [3, 2], 'tag=refund@0': [2, 1], 'all@1': [1, 0], 'topic=billing@1': [1, 0], 'channel=email@1': [1, 0] });

    await Promise.all([record('e5', 1, -0.8, ['refund']), record('e1', 0, -0.5, ['refund'])]); // a new one, and one delivered again
    await writer.flush();
    const after = await countsOf();
    expect(after['all@0']).toEqual([3, 2]);
    expect(after['all@1']).toEqual([2, 1]);
    expect(after['tag=refund@1']).toEqual([1, 1]);
    expect(await migrate(ch)).toEqual([]);
  });

  it('counts product areas over the messages stored before migration 009 and after it', async () => {
    const counts = await countsOf({ areas: [{ name: 'Refunds', tags: ['REFUND'], topics: [] }, { name: 'Money', tags: ['refund'], topics: ['billing'] }] });
    expect(Object.fromEntries(Object.entries(counts).filter(([key]) => key.startsWith('area=')))).toEqual({
      'area=Refunds@0': [2, 1],
      'area=Refunds@1': [1, 1],
      // e1 and e2 are tagged and of topic billing: counted once.
      'area=Money@0': [3, 2],
      'area=Money@1': [2, 1],
    });
  });

  it('holds every slice of the messages stored before migration 012 and after it, for what drove an alert', async () => {
    const week0 = async (series: string) =>
      Object.fromEntries((await sliceWeekCounts(ch, 'acme', series, T0 + MINUTE, [])).filter((c) => c.week === 0).map((c) => [`${c.dimension}=${c.value}`, c.count]));
    // e1 and e2 (tagged refund, before), e5 (after); e1 delivered twice counts once.
    expect(await week0('tag=refund')).toEqual({ '=': 3, 'topic=billing': 3, 'channel=email': 3, 'tag=refund': 3 });
    expect(await week0('negative_share:tag=refund')).toEqual({ '=': 2, 'topic=billing': 2, 'channel=email': 2, 'tag=refund': 2 });
    expect(await week0('channel=email')).toEqual({ '=': 5, 'topic=billing': 5, 'channel=email': 5, 'tag=refund': 3 });
  });

  it('gives alerts a metric (old ones are volume) and subscriptions a metrics filter', async () => {
    const columns = await ch.query<{ table: string; name: string; default_expression: string }>(
      `SELECT table, name, default_expression FROM system.columns WHERE database = {db:String} AND name IN ('metric', 'metrics') AND table IN {tables:Array(String)}`,
      { db: ch.database, tables: [TABLES.alertSubscriptions, TABLES.alerts] },
    );
    expect(columns.map((c) => [c.table, c.name, c.default_expression]).sort()).toEqual([
      [TABLES.alertSubscriptions, 'metrics', ''],
      [TABLES.alerts, 'metric', "'volume'"],
    ]);
  });
});
