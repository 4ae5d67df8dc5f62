// The production DDL (CLICKHOUSE_CLUSTER) is generated from the same migrations as chDB's; this
// golden file shows exactly what a cluster gets and fails when a migration changes it unnoticed.
// Regenerate after an intended change: UPDATE_GOLDEN=1 npx vitest run test/unit/clusterDdl.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrationStatements } from '../../store/migrate.js';

const golden = fileURLToPath(new URL('../fixtures/ddl/cluster.sql', import.meta.url));

describe('cluster DDL', () => {
  const statements = migrationStatements({ db: 'supportloop', cluster: 'support' });

  it('matches the golden file', () => {
    const text = `${statements.join(';\n\n')};\n`;
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it('puts every statement on the cluster, replicates every local table and fronts it with a Distributed table', () => {
    // Data copies between tables (INSERT … SELECT) run once, through the Distributed tables; all DDL runs on the cluster.
    const copies = statements.filter((s) => s.startsWith('INSERT INTO'));
    expect(statements.filter((s) => !copies.includes(s)).every((s) => s.includes('ON CLUSTER `support`'))).toBe(true);
    for (const copy of copies) expect(copy).not.toMatch(/_local`/);
    const locals = statements.filter((s) => /^CREATE TABLE IF NOT EXISTS `supportloop`\.`\w+_local`/.test(s));
    expect(locals.length).toBeGreaterThan(0);
    for (const local of locals) {
      expect(local).toMatch(/ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\//);
      const name = /`supportloop`\.`(\w+)_local`/.exec(local)![1];
      expect(statements.some((s) => s.includes(`\`supportloop\`.\`${name}\` ON CLUSTER`) && s.includes('ENGINE = Distributed('))).toBe(true);
    }
    const view = statements.find((s) => s.includes('MATERIALIZED VIEW'))!;
    expect(view).toMatch(/TO `supportloop`\.`events_per_minute_local`/);
    expect(view).toMatch(/FROM `supportloop`\.`ticket_events_local`/);
  });

  it('without a cluster, plain MergeTree-family tables and no Distributed layer', () => {
    const plain = migrationStatements({ db: 'supportloop' });
    expect(plain.some((s) => s.includes('ON CLUSTER') || s.includes('Distributed(') || s.includes('Replicated'))).toBe(false);
  });
});
