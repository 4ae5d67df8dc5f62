// Builds the Grafana dashboards from code and writes the committed JSON (`npx tsx dashboards/build.ts`):
// supportOperations.ts, learning.ts, outcomes.ts and anomalies.ts describe one dashboard each, panels.ts holds the
// Grafana JSON they share. Every panel queries the provisioned ClickHouse datasource
// (infra/grafana/provisioning/datasources/clickhouse.yaml) by its fixed uid and filters on the tenant
// variable. test/integration/dashboards.test.ts runs every panel's SQL on chDB and checks the
// committed JSON is exactly what this file builds.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { anomaliesDashboard } from './anomalies.js';
import { learningDashboard } from './learning.js';
import { outcomesDashboard } from './outcomes.js';
import { supportOperationsDashboard } from './supportOperations.js';

export { DATASOURCE } from './panels.js';
export { anomaliesDashboard, learningDashboard, outcomesDashboard, supportOperationsDashboard };

/** Every dashboard this folder holds: file name → builder. */
export const DASHBOARDS: Readonly<Record<string, () => object>> = {
  'support-operations.json': supportOperationsDashboard,
  'learning.json': learningDashboard,
  'anomalies.json': anomaliesDashboard,
  'outcomes.json': outcomesDashboard,
};

export const DASHBOARDS_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The exact text committed for a dashboard. */
export function renderDashboard(dashboard: object): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

export function writeDashboards(dir: string = DASHBOARDS_DIR): string[] {
  return Object.entries(DASHBOARDS).map(([file, build]) => {
    const target = path.join(dir, file);
    writeFileSync(target, renderDashboard(build()));
    return target;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const file of writeDashboards()) console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
