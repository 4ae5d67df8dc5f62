// Runs once before the suite: makes sure the Temporal CLI exists (building it with Go if needed).
// Test workers are forked after this and inherit TEMPORAL_CLI, so every integration test file
// starts its real dev server from the same binary through the normal config.
import { loadConfig } from '../runtime/config.js';
import { ensureTemporalCli } from '../runtime/temporalCli.js';

export default async function setup(): Promise<void> {
  const config = loadConfig();
  process.env.TEMPORAL_CLI = await ensureTemporalCli({ explicitPath: config.temporalCli, toolsDir: config.toolsDir, log: (l) => console.log(l) });
}
