// What happens to a panel's SQL between the dashboard JSON and ClickHouse, ported so tests can run
// the exact statement Grafana would send. Three steps, in Grafana's order:
//
// 1. `$__conditionalAll(condition, $var)` — grafana-clickhouse-datasource's frontend
//    (src/data/CHDatasource.ts `applyConditionalAll` / `getMacroArgs`): the condition, or `1=1`
//    when the variable is set to All.
// 2. Template variables — Grafana's templateSrv.replace: `$var`, `${var}`, `${var:format}`,
//    `[[var]]`; All expands to every option; without an explicit format the datasource's own
//    format applies (arrays become `'a','b'`, a single value is inserted as is).
// 3. Time macros — the plugin's backend (pkg/macros/macros.go `ClickHouseMacros`, on top of
//    grafana/macropro's parser and defaults): `$__timeFilter(col)`, `$__timeFilter_ms(col)`,
//    `$__dateFilter(col)`, `$__dateTimeFilter(d, t)` / `$__dt`, `$__timeFrom(col)`, `$__timeTo(col)`,
//    `$__timeGroup(col, 5m)`, `$__timeInterval(col)`, `$__timeInterval_ms(col)`, `$__fromTime`,
//    `$__toTime`, `$__fromTime_ms`, `$__toTime_ms`, `$__interval_s`, `$__interval`, `$__interval_ms`.
//
// Anything the plugin would expand but this port does not (statement macros such as `$__columns`,
// `$__table`, ad-hoc filters) and any unknown variable is left in place and rejected at the end, so
// a dashboard cannot pass its test with SQL this module does not understand. The plugin strips SQL
// comments before expanding macros; dashboard SQL here carries none (panel descriptions hold the
// prose), and SQL containing `--` or `/*` is rejected rather than half-handled.

export interface TimeRange {
  from: Date;
  to: Date;
}

export interface QueryContext {
  range: TimeRange;
  /** The interval Grafana computed for the panel (range / max data points, rounded), in ms. */
  intervalMs: number;
}

/** A dashboard variable as Grafana holds it at query time. */
export interface VariableState {
  name: string;
  /** The selection: one value, several, or `$__all` (alone or first in the array) for All. */
  current: string | string[];
  /** Every value the variable offers (what All expands to), without the All entry itself. */
  options: string[];
}

export const ALL_VALUE = '$__all';

const isAll = (value: string | string[]) => value === ALL_VALUE || (Array.isArray(value) && value[0] === ALL_VALUE);

// ---------------------------------------------------------------------------------------------
// Step 1: $__conditionalAll (plugin frontend)

/** The plugin's getMacroArgs: split at commas one level inside the macro's parentheses; [] if unbalanced. */
function conditionalAllArgs(query: string, argsIndex: number): string[] {
  const args: string[] = [];
  const re = /\(|\)|,/g;
  let bracketCount = 0;
  let lastArgEndIndex = 1;
  const argsSubstr = query.substring(argsIndex, query.length);
  let found: RegExpExecArray | null;
  while ((found = re.exec(argsSubstr)) !== null) {
    const node = found[0];
    if (node === '(') bracketCount++;
    else if (node === ')') bracketCount--;
    if (node === ',' && bracketCount === 1) {
      args.push(argsSubstr.substring(lastArgEndIndex, re.lastIndex - 1));
      lastArgEndIndex = re.lastIndex;
    }
    if (bracketCount === 0) {
      args.push(argsSubstr.substring(lastArgEndIndex, re.lastIndex - 1));
      return args;
    }
  }
  return [];
}

export function applyConditionalAll(rawQuery: string, variables: readonly VariableState[]): string {
  const macro = '$__conditionalAll(';
  let macroIndex = rawQuery.lastIndexOf(macro);
  while (macroIndex !== -1) {
    const params = conditionalAllArgs(rawQuery, macroIndex + macro.length - 1);
    if (params.length !== 2) return rawQuery;
    const variableName = /(?<=\$\{)[\w\d]+(?=\})|(?<=\$)[\w\d]+/.exec(params[1].trim());
    let phrase = params[0];
    if (variableName) {
      const variable = variables.find((v) => v.name === variableName[0]);
      const value = variable ? String(variable.current) : undefined;
      if (value === '' || value === ALL_VALUE) phrase = '1=1';
    }
    rawQuery = rawQuery.replace(`${macro}${params[0]},${params[1]})`, phrase);
    macroIndex = rawQuery.lastIndexOf(macro);
  }
  return rawQuery;
}

// ---------------------------------------------------------------------------------------------
// Step 2: template variables (Grafana templateSrv.replace + the datasource's default format)

/** Grafana's variable reference syntax: $var | [[var:fmt]] | ${var.field:fmt}. */
const VARIABLE_REFERENCE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

/** The formats dashboards here may use, as Grafana's format registry implements them. */
const FORMATS: Record<string, (value: string | string[]) => string> = {
  // Single quote each value, escaping ' as \' (ClickHouse's string escape); values joined by commas.
  singlequote: (value) => (Array.isArray(value) ? value : [value]).map((v) => `'${v.replace(/'/g, "\\'")}'`).join(','),
  // SQL standard escaping ('' for ').
  sqlstring: (value) => (Array.isArray(value) ? value : [value]).map((v) => `'${v.replace(/'/g, "''")}'`).join(','),
  raw: (value) => (Array.isArray(value) ? value.join(',') : value),
  csv: (value) => (Array.isArray(value) ? value.join(',') : value),
};

/** grafana-clickhouse-datasource's `format` for references without an explicit one. */
function datasourceFormat(value: string | string[]): string {
  return Array.isArray(value) ? `'${value.join("','")}'` : value;
}

export function replaceTemplateVariables(sql: string, variables: readonly VariableState[]): string {
  return sql.replace(VARIABLE_REFERENCE, (match, plain?: string, bracketName?: string, bracketFormat?: string, braceName?: string, fieldPath?: string, braceFormat?: string) => {
    const name = plain ?? bracketName ?? braceName;
    const variable = variables.find((v) => v.name === name);
    if (!variable) return match;
    if (fieldPath) throw new Error(`\${${name}.${fieldPath}}: field paths are not supported in dashboard SQL`);
    const value = isAll(variable.current) ? variable.options : variable.current;
    const formatName = bracketFormat ?? braceFormat;
    if (formatName === undefined) return datasourceFormat(value);
    const format = FORMATS[formatName];
    if (!format) throw new Error(`\${${name}:${formatName}}: format "${formatName}" is not one of ${Object.keys(FORMATS).join(', ')}`);
    return format(value);
  });
}

// ---------------------------------------------------------------------------------------------
// Step 3: time macros (plugin backend, pkg/macros/macros.go over grafana/macropro)

type MacroFunction = (ctx: QueryContext, args: string[]) => string;

const unixSeconds = (t: Date) => Math.floor(t.getTime() / 1000);
const toDateTime = (t: Date) => `toDateTime(${unixSeconds(t)})`;
const toDateTime64 = (t: Date) => `fromUnixTimestamp64Milli(${t.getTime()})`;
const toDate = (t: Date) => `toDate('${t.toISOString().slice(0, 10)}')`;
/** Go's `int(math.Max(interval.Seconds(), 1))`. */
const intervalSeconds = (ctx: QueryContext) => Math.trunc(Math.max(ctx.intervalMs / 1000, 1));

function expectArgs(macro: string, args: string[], count: number): void {
  if (args.length !== count) throw new Error(`${macro} expected ${count} argument(s), received ${args.length}`);
}

/** Go's time.ParseDuration, in milliseconds (the units Grafana intervals use). */
export function parseGoDuration(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (text === '0') return 0;
  const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!match) throw new Error(`invalid duration "${text}"`);
  let total = 0;
  for (const part of match[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * units[part[2]];
  return match[1] === '-' ? -total : total;
}

/** macropro.FormatDuration: the largest whole unit. */
function formatGoDuration(ms: number): string {
  const d = Math.abs(ms);
  if (d === 0) return '0s';
  if (d % 3_600_000 === 0) return `${d / 3_600_000}h`;
  if (d % 60_000 === 0) return `${d / 60_000}m`;
  if (d % 1000 === 0) return `${d / 1000}s`;
  return `${Math.trunc(d)}ms`;
}

function timeGroup(_ctx: QueryContext, args: string[]): string {
  expectArgs('$__timeGroup', args, 2);
  const column = args[0].trim();
  const period = args[1].trim().replace(/^['"]+|['"]+$/g, '');
  const seconds = Math.round(parseGoDuration(period) / 1000);
  if (seconds <= 0) throw new Error(`$__timeGroup: interval must be positive, got "${period}"`);
  return `toStartOfInterval(toDateTime(${column}), INTERVAL ${seconds} second)`;
}

function dateTimeFilter(ctx: QueryContext, args: string[]): string {
  expectArgs('$__dateTimeFilter', args, 2);
  const [dateColumn, timeColumn] = args;
  const { from, to } = ctx.range;
  return `(${dateColumn} >= ${toDate(from)} AND ${dateColumn} <= ${toDate(to)}) AND (${timeColumn} >= ${toDateTime(from)} AND ${timeColumn} <= ${toDateTime(to)})`;
}

/** The plugin's effective macro set (macropro defaults overridden by ClickHouse-specific ones). */
export const CLICKHOUSE_MACROS: Readonly<Record<string, MacroFunction>> = {
  interval: (ctx) => formatGoDuration(ctx.intervalMs),
  interval_ms: (ctx) => String(Math.trunc(ctx.intervalMs)),
  timeFilter: (ctx, args) => {
    expectArgs('$__timeFilter', args, 1);
    return `${args[0]} >= ${toDateTime(ctx.range.from)} AND ${args[0]} <= ${toDateTime(ctx.range.to)}`;
  },
  timeFilter_ms: (ctx, args) => {
    expectArgs('$__timeFilter_ms', args, 1);
    return `${args[0]} >= ${toDateTime64(ctx.range.from)} AND ${args[0]} <= ${toDateTime64(ctx.range.to)}`;
  },
  timeFrom: (ctx, args) => {
    expectArgs('$__timeFrom', args, 1);
    return `${args[0]} >= ${toDateTime(ctx.range.from)}`;
  },
  timeTo: (ctx, args) => {
    expectArgs('$__timeTo', args, 1);
    return `${args[0]} <= ${toDateTime(ctx.range.to)}`;
  },
  timeGroup,
  fromTime: (ctx) => toDateTime(ctx.range.from),
  toTime: (ctx) => toDateTime(ctx.range.to),
  fromTime_ms: (ctx) => toDateTime64(ctx.range.from),
  toTime_ms: (ctx) => toDateTime64(ctx.range.to),
  dateFilter: (ctx, args) => {
    expectArgs('$__dateFilter', args, 1);
    return `${args[0]} >= ${toDate(ctx.range.from)} AND ${args[0]} <= ${toDate(ctx.range.to)}`;
  },
  dateTimeFilter,
  dt: dateTimeFilter,
  timeInterval: (ctx, args) => {
    expectArgs('$__timeInterval', args, 1);
    return `toStartOfInterval(toDateTime(${args[0]}), INTERVAL ${intervalSeconds(ctx)} second)`;
  },
  timeInterval_ms: (ctx, args) => {
    expectArgs('$__timeInterval_ms', args, 1);
    return `toStartOfInterval(toDateTime64(${args[0]}, 3), INTERVAL ${Math.trunc(Math.max(ctx.intervalMs, 1))} millisecond)`;
  },
  interval_s: (ctx) => String(intervalSeconds(ctx)),
};

const isNameChar = (c: string | undefined) => c !== undefined && /[_a-zA-Z0-9]/.test(c);

/** macropro scanStringLiteral: index just past a '…' or "…" literal ('' / "" escapes). */
function scanStringLiteral(s: string, pos: number): number {
  const quote = s[pos];
  let j = pos + 1;
  while (j < s.length) {
    if (s[j] === quote) {
      if (s[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return j;
}

/** macropro findClosingParen: the ')' closing the '(' at `open`, skipping string literals; -1 if none. */
function findClosingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; ) {
    const c = s[i];
    if (c === "'" || c === '"') {
      i = scanStringLiteral(s, i);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
    i++;
  }
  return -1;
}

/** macropro parseArgs: split at top-level commas, trimmed. */
function parseArgs(raw: string): string[] {
  raw = raw.trim();
  if (raw === '') return [];
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < raw.length; ) {
    const c = raw[i];
    if (c === "'" || c === '"') {
      i = scanStringLiteral(raw, i);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) throw new Error(`unexpected ')' at position ${i}`);
      depth--;
    } else if (c === ',' && depth === 0) {
      args.push(raw.slice(start, i).trim());
      start = i + 1;
    }
    i++;
  }
  if (depth !== 0) throw new Error('unbalanced parentheses in arguments');
  args.push(raw.slice(start).trim());
  return args;
}

/** macropro replaceAllMacro: each `token` (not followed by a name character), with an optional (…) argument list. */
function replaceAllMacro(s: string, token: string, expand: (raw: string) => string): string {
  let out = '';
  for (;;) {
    const idx = s.indexOf(token);
    if (idx === -1) return out + s;
    const after = idx + token.length;
    if (isNameChar(s[after])) {
      out += s.slice(0, after);
      s = s.slice(after);
      continue;
    }
    out += s.slice(0, idx);
    s = s.slice(after);
    let raw = '';
    if (s[0] === '(') {
      const end = findClosingParen(s, 0);
      if (end !== -1) {
        raw = s.slice(1, end);
        s = s.slice(end + 1);
      }
    }
    out += expand(raw);
  }
}

export function expandMacros(sql: string, ctx: QueryContext, macros: Readonly<Record<string, MacroFunction>> = CLICKHOUSE_MACROS): string {
  if (sql.includes('--') || sql.includes('/*')) throw new Error('dashboard SQL must not contain comments (the plugin strips them before expanding macros)');
  // Longest names first, so $__timeFilter_ms is never read as $__timeFilter.
  const names = Object.keys(macros).sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  let result = sql;
  for (const name of names) {
    const token = `$__${name}`;
    result = replaceAllMacro(result, token, (raw) => {
      try {
        return macros[name](ctx, parseArgs(raw));
      } catch (err) {
        throw new Error(`macro ${token}(${raw}): ${(err as Error).message}`);
      }
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

/** The statement ClickHouse receives for a panel's `rawSql`; throws on anything left unexpanded. */
export function renderPanelSql(rawSql: string, variables: readonly VariableState[], ctx: QueryContext): string {
  const sql = expandMacros(replaceTemplateVariables(applyConditionalAll(rawSql, variables), variables), ctx);
  const leftovers = sql.match(/\$\{?\w+|\[\[\w+/g);
  if (leftovers) throw new Error(`unexpanded macros or variables: ${[...new Set(leftovers)].join(', ')}`);
  return sql;
}
