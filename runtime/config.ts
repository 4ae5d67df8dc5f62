// The one typed configuration: every setting has a key, an environment variable, a default and a
// line of doc. Nothing else in the project reads process.env. `supportloop config` prints it.
import path from 'node:path';
import { grafanaUrlProblem } from '../domain/dashboardLinks.js';

type Kind = 'string' | 'int' | 'bool' | 'optional';

interface Setting<K extends Kind> {
  env: string;
  kind: K;
  default: K extends 'int' ? number : K extends 'bool' ? boolean : K extends 'optional' ? undefined : string;
  doc: string;
  secret?: boolean;
  /** A problem with a given value, or null (for values the kind alone does not constrain). */
  problem?: (raw: string) => string | null;
}

const s = <K extends Kind>(setting: Setting<K>) => setting;

export const SETTINGS = {
  host: s({ env: 'SUPPORTLOOP_HOST', kind: 'string', default: '0.0.0.0', doc: 'address the API listens on' }),
  port: s({ env: 'SUPPORTLOOP_PORT', kind: 'int', default: 8080, doc: 'API port' }),
  dataDir: s({ env: 'SUPPORTLOOP_DATA_DIR', kind: 'string', default: './data', doc: 'embedded ClickHouse (chDB) data, Temporal dev-server SQLite file, tenants file' }),
  toolsDir: s({ env: 'SUPPORTLOOP_TOOLS_DIR', kind: 'string', default: './.tools', doc: 'where the project builds the Temporal CLI when it is not installed' }),
  logLevel: s({ env: 'SUPPORTLOOP_LOG_LEVEL', kind: 'string', default: 'info', doc: 'pino log level (trace … fatal, silent)' }),
  adminKey: s({ env: 'SUPPORTLOOP_ADMIN_KEY', kind: 'optional', default: undefined, doc: 'key for /v1/admin/* (tenant management); admin routes are refused when unset', secret: true }),
  tenantsFile: s({ env: 'SUPPORTLOOP_TENANTS_FILE', kind: 'optional', default: undefined, doc: 'JSON file of tenants seeded at start (default <dataDir>/tenants.json when present)' }),

  clickhouseUrl: s({ env: 'CLICKHOUSE_URL', kind: 'optional', default: undefined, doc: 'ClickHouse server URL; unset = embedded chDB under <dataDir>/clickhouse' }),
  clickhouseUser: s({ env: 'CLICKHOUSE_USER', kind: 'string', default: 'default', doc: 'ClickHouse user (server mode)' }),
  clickhousePassword: s({ env: 'CLICKHOUSE_PASSWORD', kind: 'string', default: '', doc: 'ClickHouse password (server mode)', secret: true }),
  clickhouseDatabase: s({ env: 'CLICKHOUSE_DATABASE', kind: 'string', default: 'supportloop', doc: 'database holding every supportloop table' }),
  storeHost: s({ env: 'SUPPORTLOOP_STORE_HOST', kind: 'string', default: '127.0.0.1', doc: '`supportloop store` (ClickHouse HTTP interface served by chDB, single host): listen address' }),
  storePort: s({ env: 'SUPPORTLOOP_STORE_PORT', kind: 'int', default: 8123, doc: '`supportloop store`: port; point api/worker processes at it with CLICKHOUSE_URL' }),
  clickhouseCluster: s({ env: 'CLICKHOUSE_CLUSTER', kind: 'optional', default: undefined, doc: 'cluster name: DDL becomes ON CLUSTER with Replicated + Distributed tables' }),

  temporalAddress: s({ env: 'TEMPORAL_ADDRESS', kind: 'optional', default: undefined, doc: 'Temporal frontend host:port; unset = start the dev server as a child process' }),
  temporalNamespace: s({ env: 'TEMPORAL_NAMESPACE', kind: 'string', default: 'default', doc: 'Temporal namespace' }),
  temporalApiKey: s({ env: 'TEMPORAL_API_KEY', kind: 'optional', default: undefined, doc: 'Temporal Cloud API key (implies TLS)', secret: true }),
  temporalTls: s({ env: 'TEMPORAL_TLS', kind: 'bool', default: false, doc: 'use TLS to reach TEMPORAL_ADDRESS' }),
  temporalTlsCert: s({ env: 'TEMPORAL_TLS_CERT', kind: 'optional', default: undefined, doc: 'client certificate file for mTLS (Temporal Cloud)' }),
  temporalTlsKey: s({ env: 'TEMPORAL_TLS_KEY', kind: 'optional', default: undefined, doc: 'client key file for mTLS' }),
  temporalCli: s({ env: 'TEMPORAL_CLI', kind: 'optional', default: undefined, doc: 'path of the temporal CLI used for the dev server (else toolsDir/bin/temporal, else PATH, else built into toolsDir)' }),
  temporalDevPort: s({ env: 'SUPPORTLOOP_TEMPORAL_DEV_PORT', kind: 'int', default: 7233, doc: 'frontend port of the embedded dev server' }),
  temporalDevUiPort: s({ env: 'SUPPORTLOOP_TEMPORAL_DEV_UI_PORT', kind: 'int', default: 8233, doc: 'web UI port of the embedded dev server (0 = headless)' }),
  taskQueue: s({ env: 'SUPPORTLOOP_TASK_QUEUE', kind: 'string', default: 'supportloop-tickets', doc: 'Temporal task queue of the ticket workflows' }),

  slaFirstResponseSeconds: s({ env: 'SUPPORTLOOP_SLA_FIRST_RESPONSE_SECONDS', kind: 'int', default: 3600, doc: 'first-response SLA; a breach is recorded as sla.breached' }),
  outcomeWindowSeconds: s({ env: 'SUPPORTLOOP_OUTCOME_WINDOW_SECONDS', kind: 'int', default: 7 * 24 * 3600, doc: 'after solve, how long reopen and CSAT still count before ticket.outcome is recorded' }),
  workflowHistoryLimit: s({ env: 'SUPPORTLOOP_WORKFLOW_HISTORY_LIMIT', kind: 'int', default: 2000, doc: 'a ticket lifecycle continues as new past this many history events (state carried over)' }),
  webhookMaxBodyBytes: s({ env: 'SUPPORTLOOP_WEBHOOK_MAX_BODY_BYTES', kind: 'int', default: 1024 * 1024, doc: 'larger webhook bodies get 413' }),
  webhookToleranceSeconds: s({ env: 'SUPPORTLOOP_WEBHOOK_TOLERANCE_SECONDS', kind: 'int', default: 300, doc: 'max clock skew for signed webhook timestamps (Zendesk, generic)' }),
  detectionEnabled: s({ env: 'SUPPORTLOOP_DETECTION', kind: 'bool', default: true, doc: 'run spike detection on a Temporal Schedule per tenant' }),
  detectionIntervalSeconds: s({ env: 'SUPPORTLOOP_DETECTION_INTERVAL_SECONDS', kind: 'int', default: 60, doc: 'how often each tenant is scanned for spikes' }),
  detectionSettleSeconds: s({ env: 'SUPPORTLOOP_DETECTION_SETTLE_SECONDS', kind: 'int', default: 60, doc: 'a minute is fed to the detectors only once it ended this long ago (ingest and write delay); events stored after their minute was fed are added to the count windows by later passes, up to 3 hours late' }),
  detectionBackfillMinutes: s({ env: 'SUPPORTLOOP_DETECTION_BACKFILL_MINUTES', kind: 'int', default: 35 * 24 * 60, doc: 'how much history a new series is replayed from (warms up its seasonal baseline; 35 days: the five weeks the volume detector remembers — with 14, imported spikes replayed offline were caught 10/30 times against 23/30)' }),
  detectionImportQuietSeconds: s({ env: 'SUPPORTLOOP_DETECTION_IMPORT_QUIET_SECONDS', kind: 'int', default: 60, doc: 'while an import has written history for a tenant this recently, the series it covers wait and new series do not start; once the import is this quiet they start over on all of it, once (instead of replaying weeks at every pass while the import is being stored); the install-time learner likewise takes in history from before the install only once its import is this quiet' }),
  detectionRetireAfterDays: s({ env: 'SUPPORTLOOP_DETECTION_RETIRE_AFTER_DAYS', kind: 'int', default: 35, doc: 'a series without an event for this long (and no firing alert) stops being watched until it has events again (35: the 5 weeks the volume detector remembers)' }),
  alertResolveAfterMinutes: s({ env: 'SUPPORTLOOP_ALERT_RESOLVE_AFTER_MINUTES', kind: 'int', default: 10, doc: 'in-band minutes that resolve a firing alert' }),
  alertCooldownMinutes: s({ env: 'SUPPORTLOOP_ALERT_COOLDOWN_MINUTES', kind: 'int', default: 30, doc: 'a new spike this soon after a resolve reopens the same alert without a new notice' }),
  alertNotifyWithinMinutes: s({ env: 'SUPPORTLOOP_ALERT_NOTIFY_WITHIN_MINUTES', kind: 'int', default: 60, doc: 'older anomalies (history backfills) are recorded but not notified' }),
  grafanaUrl: s({ env: 'SUPPORTLOOP_GRAFANA_URL', kind: 'optional', default: undefined, doc: "base URL of the Grafana serving the provisioned dashboards (e.g. https://grafana.example.com); alert notices and GET /v1/alerts then link to the Anomalies dashboard at the alert's series and time", problem: grafanaUrlProblem }),
  alertRetryInitialSeconds: s({ env: 'SUPPORTLOOP_ALERT_RETRY_INITIAL_SECONDS', kind: 'int', default: 5, doc: 'first retry delay of a failed alert delivery (doubles up to 10 minutes, for 24 hours)' }),
  rateLimitPerIpPerMinute: s({ env: 'SUPPORTLOOP_RATE_LIMIT_PER_IP_PER_MINUTE', kind: 'int', default: 60_000, doc: 'webhook requests per minute from one IP before 429' }),
  rateLimitPerTenantPerMinute: s({ env: 'SUPPORTLOOP_RATE_LIMIT_PER_TENANT_PER_MINUTE', kind: 'int', default: 120_000, doc: 'webhook requests per minute for one tenant before 429' }),
  learnerSnapshotEvery: s({ env: 'SUPPORTLOOP_LEARNER_SNAPSHOT_EVERY', kind: 'int', default: 1000, doc: "a tenant's live learner is saved after this many records learned since its last snapshot, and a starting worker continues from the snapshot instead of relearning the whole history (0 = never save or restore)" }),
  draftWaitSeconds: s({ env: 'SUPPORTLOOP_DRAFT_WAIT_SECONDS', kind: 'int', default: 5, doc: "a draft waits at most this long for the tenant's learner to finish learning new records (a large import takes minutes), then is drafted from what the learner has learned so far; a learner that has never finished learning the tenant is always waited for" }),
  writerMaxRows: s({ env: 'SUPPORTLOOP_WRITER_MAX_ROWS', kind: 'int', default: 5000, doc: 'batching writer: flush a table once this many rows wait' }),
  writerFlushMs: s({ env: 'SUPPORTLOOP_WRITER_FLUSH_MS', kind: 'int', default: 100, doc: 'batching writer: flush at least this often (ms)' }),
} as const;

type Settings = typeof SETTINGS;
type ValueOf<S> = S extends Setting<'int'> ? number : S extends Setting<'bool'> ? boolean : S extends Setting<'optional'> ? string | undefined : string;
export type Config = { -readonly [K in keyof Settings]: ValueOf<Settings[K]> };

function parse(key: string, setting: Setting<Kind>, raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return setting.default;
  switch (setting.kind) {
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${setting.env}=${raw}: ${key} must be a non-negative integer`);
      return n;
    }
    case 'bool':
      if (!/^(1|0|true|false|yes|no)$/i.test(raw)) throw new Error(`${setting.env}=${raw}: ${key} must be true or false`);
      return /^(1|true|yes)$/i.test(raw);
    default: {
      const problem = setting.problem?.(raw);
      if (problem) throw new Error(`${setting.env}=${raw}: ${key} ${problem}`);
      return raw;
    }
  }
}

/** Effective config: overrides (tests, CLI flags) over the environment over defaults. */
export function loadConfig(overrides: Partial<Config> = {}, env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [string, Setting<Kind>][]) {
    out[key] = key in overrides ? (overrides as Record<string, unknown>)[key] : parse(key, setting, env[setting.env]);
  }
  const config = out as Config;
  config.dataDir = path.resolve(config.dataDir);
  config.toolsDir = path.resolve(config.toolsDir);
  return config;
}

/** Lines for `supportloop config`: env name, effective value (secrets masked) and doc. */
export function describeConfig(config: Config): string[] {
  return (Object.entries(SETTINGS) as [keyof Config, Setting<Kind>][]).map(([key, setting]) => {
    const value = config[key];
    const shown = value === undefined ? '(unset)' : setting.secret && value !== '' ? '***' : String(value);
    return `${setting.env.padEnd(42)} ${shown.padEnd(28)} ${setting.doc}`;
  });
}
