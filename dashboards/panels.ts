// Grafana JSON shared by the dashboard builders (supportOperations.ts, learning.ts, anomalies.ts):
// the provisioned datasource, query targets, stat / time series / table panels, annotation queries,
// query variables and the dashboard envelope. Options a dashboard does not set are left out of the JSON, so adding one here does not
// change the dashboards already committed.

export const DATASOURCE = { type: 'grafana-clickhouse-datasource', uid: 'supportloop-clickhouse' } as const;
/** Plugin version stamped on queries: v4+ query models are used as saved (no v3 migration). */
const PLUGIN_VERSION = '4.20.0';

/** Every panel's tenant filter: `${tenant:singlequote}` quotes and escapes the value as the plugin's docs recommend. */
export const TENANT = 'tenant_id = ${tenant:singlequote}';

/** sqlds formats: 0 = time series (long → wide, string columns become labels), 1 = table. */
export const FORMAT = { timeSeries: 0, table: 1 } as const;

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A field override: properties applied to the fields a matcher selects. */
export interface FieldOverride {
  matcher: { id: string; options: string };
  properties: { id: string; value: unknown }[];
}

/** Field `field` shown as `name`. */
export const displayNameOf = (field: string, name: string): FieldOverride => ({
  matcher: { id: 'byName', options: field },
  properties: [{ id: 'displayName', value: name }],
});

/** Field `field` always drawn in `color`. */
export const colorOf = (field: string, color: string): FieldOverride => ({
  matcher: { id: 'byName', options: field },
  properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }],
});

/** Fields whose display name matches `pattern` (a /regex/; long-format series are named "<column> <label value>"). */
export const matchingFields = (pattern: string, properties: FieldOverride['properties']): FieldOverride => ({
  matcher: { id: 'byRegexp', options: pattern },
  properties,
});

/** Table column `field` shown as `name`, with `unit`, `decimals` when given, and any further properties. */
export const columnOf = (field: string, name: string, unit: string, decimals?: number, more: FieldOverride['properties'] = []): FieldOverride => ({
  matcher: { id: 'byName', options: field },
  properties: [{ id: 'displayName', value: name }, { id: 'unit', value: unit }, ...(decimals === undefined ? [] : [{ id: 'decimals', value: decimals }]), ...more],
});

export interface PanelSpec {
  title: string;
  description: string;
  sql: string;
  unit: string;
  gridPos: GridPos;
  decimals?: number;
  overrides?: FieldOverride[];
}

export interface StatSpec extends PanelSpec {
  /** 'value_and_name' when the query returns several fields to show side by side (default 'value'). */
  textMode?: 'value' | 'value_and_name';
}

export interface SeriesSpec extends PanelSpec {
  drawStyle: 'line' | 'bars';
  /** Display name override, e.g. '${__field.labels.channel}' for one series per label value. */
  displayName?: string;
  /** Right-axis fields and their unit, e.g. a count beside an average. */
  rightAxis?: { field: string; unit: string };
  /** Stack the series (counts that add up to a total). */
  stacked?: boolean;
  /** The panel's minimum interval ("Min interval" in the query options), e.g. '1d': $__interval never goes below it. */
  minInterval?: string;
  /** Fixed y-axis bounds, e.g. 0..1 for a rate. */
  axis?: { min: number; max: number };
}

export interface TableSpec extends PanelSpec {
  /** Initial sort. */
  sortBy?: { displayName: string; desc: boolean };
}

export function target(sql: string, format: number) {
  return {
    refId: 'A',
    datasource: DATASOURCE,
    editorType: 'sql',
    format,
    queryType: format === FORMAT.timeSeries ? 'timeseries' : 'table',
    pluginVersion: PLUGIN_VERSION,
    rawSql: sql,
  };
}

export function statPanel(id: number, spec: StatSpec) {
  return {
    id,
    type: 'stat',
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos: spec.gridPos,
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.decimals === undefined ? {} : { decimals: spec.decimals }),
        color: { mode: 'thresholds' },
        thresholds: { mode: 'absolute', steps: [{ color: 'blue', value: null }] },
        mappings: [],
      },
      overrides: spec.overrides ?? [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: 'auto',
      textMode: spec.textMode ?? 'value',
      colorMode: 'value',
      graphMode: 'none',
      justifyMode: 'auto',
    },
    targets: [target(spec.sql, FORMAT.table)],
  };
}

export function timeSeriesPanel(id: number, spec: SeriesSpec) {
  return {
    id,
    type: 'timeseries',
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos: spec.gridPos,
    ...(spec.minInterval ? { interval: spec.minInterval } : {}),
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.decimals === undefined ? {} : { decimals: spec.decimals }),
        ...(spec.axis ? { min: spec.axis.min, max: spec.axis.max } : {}),
        ...(spec.displayName ? { displayName: spec.displayName } : {}),
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: spec.drawStyle,
          lineWidth: 2,
          fillOpacity: spec.drawStyle === 'bars' ? 80 : 10,
          showPoints: 'auto',
          spanNulls: true,
          stacking: { mode: spec.stacked ? 'normal' : 'none', group: 'A' },
          axisPlacement: 'auto',
        },
        mappings: [],
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] },
      },
      overrides: [
        ...(spec.rightAxis
          ? [
              {
                matcher: { id: 'byName', options: spec.rightAxis.field },
                properties: [
                  { id: 'unit', value: spec.rightAxis.unit },
                  { id: 'custom.axisPlacement', value: 'right' },
                  { id: 'custom.drawStyle', value: 'bars' },
                  { id: 'custom.fillOpacity', value: 30 },
                ],
              },
            ]
          : []),
        ...(spec.overrides ?? []),
      ],
    },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] },
      tooltip: { mode: 'multi', sort: 'none' },
    },
    targets: [target(spec.sql, FORMAT.timeSeries)],
  };
}

export function tablePanel(id: number, spec: TableSpec) {
  return {
    id,
    type: 'table',
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos: spec.gridPos,
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.decimals === undefined ? {} : { decimals: spec.decimals }),
        color: { mode: 'thresholds' },
        custom: { align: 'auto', cellOptions: { type: 'auto' }, inspect: false },
        mappings: [],
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] },
      },
      overrides: spec.overrides ?? [],
    },
    options: {
      showHeader: true,
      cellHeight: 'sm',
      footer: { show: false, reducer: ['sum'], fields: '', countRows: false },
      sortBy: spec.sortBy ? [spec.sortBy] : [],
    },
    targets: [target(spec.sql, FORMAT.table)],
  };
}

/**
 * A dashboard annotation query on the ClickHouse datasource (Grafana's standard annotation mapping:
 * columns named `time`, `timeEnd` (a region when present), `text` and `tags`, comma-separated).
 */
export function annotationQuery(spec: { name: string; sql: string; iconColor: string }) {
  return {
    name: spec.name,
    enable: true,
    hide: false,
    iconColor: spec.iconColor,
    datasource: DATASOURCE,
    target: { ...target(spec.sql, FORMAT.table), refId: 'Anno' },
  };
}

export function queryVariable(spec: { name: string; label: string; description: string; sql: string; multi: boolean }) {
  return {
    type: 'query',
    name: spec.name,
    label: spec.label,
    description: spec.description,
    datasource: DATASOURCE,
    query: { refId: `variable-${spec.name}`, queryType: 'sql', rawSql: spec.sql },
    definition: spec.sql,
    // 1 = refresh on dashboard load; dependent variables refresh when the tenant changes.
    refresh: 1,
    sort: 1,
    regex: '',
    hide: 0,
    skipUrlSync: false,
    multi: spec.multi,
    includeAll: spec.multi,
    current: spec.multi ? { selected: true, text: ['All'], value: ['$__all'] } : {},
    options: [],
  };
}

/** The dashboard envelope every supportloop dashboard shares. */
export function dashboardJson(spec: { uid: string; title: string; description: string; time: { from: string; to: string }; variables: object[]; panels: object[]; annotations?: object[] }) {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['supportloop'],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '1m',
    time: spec.time,
    timepicker: {},
    timezone: 'browser',
    fiscalYearStartMonth: 0,
    liveNow: false,
    links: [],
    annotations: { list: spec.annotations ?? [] },
    templating: { list: spec.variables },
    panels: spec.panels,
  };
}
