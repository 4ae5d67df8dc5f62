// `supportloop store`: the ClickHouse HTTP interface served by embedded chDB, so separate api and
// worker processes on ONE host can share one real ClickHouse engine (chDB binds its data directory
// to a single process). It is the single-host split for tests and small installs, not a replacement
// for a ClickHouse server or cluster: no replication, no sessions, no compression of answers.
//
// It answers the subset of the HTTP protocol that @clickhouse/client speaks: GET /ping; POST / with
// the SQL in the body and/or the `query` URL parameter (INSERT data follows the statement, as the
// server concatenates them), `param_<name>` bound parameters, `query_id`, settings as URL
// parameters (`default_format` included), Basic or X-ClickHouse-User/Key auth; answers carry
// X-ClickHouse-Query-Id / -Format / -Summary, errors are `Code: N. DB::Exception: … (TYPE)` with
// X-ClickHouse-Exception-Code so the client raises a ClickHouseError. Execution, settings and
// parameter binding are chdb's own (`chdb/connection`, server-side `{name:Type}` binding).
// node:http rather than fastify: this is a byte-for-byte protocol adapter with bodies in any
// format, where a web framework's routing, parsing and validation would only stand in the way.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createGunzip, createInflate, createBrotliDecompress } from 'node:zlib';
import type { Readable } from 'node:stream';
import { createChdbConnection, type ChdbConnection } from 'chdb/connection';
import pino from 'pino';
import type { Config } from './config.js';

export interface ChdbHttpServerOptions {
  /** chDB's files go to `<dataDir>/clickhouse`, the same place `supportloop start` keeps them. */
  dataDir: string;
  host: string;
  port: number;
  /** Credentials clients must send (CLICKHOUSE_USER / CLICKHOUSE_PASSWORD); an empty password accepts any client, like a fresh server's `default` user. */
  user: string;
  password: string;
  log?: (line: string) => void;
}

export interface ChdbHttpServer {
  url: string;
  close(): Promise<void>;
}

/** URL parameters that are protocol, not engine settings. */
const PROTOCOL_PARAMS = new Set(['query', 'query_id', 'database', 'user', 'password', 'session_id', 'session_timeout', 'session_check', 'role', 'compress', 'decompress']);

class ProtocolError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * ClickHouse reads `param_*` values with TSV/Escaped rules. chdb's binder takes the unescaped value
 * and escapes it again, so undo the client's escaping first (the engine's escape set: \b \f \n \r
 * \t \0 \\ \' \xHH; any other escaped character stands for itself).
 */
function unescapeParam(raw: string): string {
  if (!raw.includes('\\')) return raw;
  const named: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0', a: '\x07', v: '\v', e: '\x1b' };
  return raw.replace(/\\(x[0-9A-Fa-f]{2}|[\s\S])/g, (_m, c: string) => (c.length === 3 ? String.fromCharCode(parseInt(c.slice(1), 16)) : (named[c] ?? c)));
}

/** Placeholder types declared in the SQL (`{name:Type}`), to know which parameters are composite. */
function placeholderTypes(sql: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of sql.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g)) types.set(m[1]!, m[2]!);
  return types;
}

function boundParams(search: URLSearchParams, sql: string): Record<string, string> {
  const types = placeholderTypes(sql);
  const params: Record<string, string> = {};
  for (const [key, raw] of search) {
    if (!key.startsWith('param_')) continue;
    const name = key.slice('param_'.length);
    // A composite value (Array/Map/Tuple) keeps its nested strings quoted and escaped, which chdb's
    // binder would escape a second time: refuse rather than bind a different value.
    if (/^(Nullable\()?(Array|Map|Tuple|Nested)\b/.test(types.get(name) ?? '') && raw.includes('\\')) {
      throw new ProtocolError(457, 'BAD_QUERY_PARAMETER', `param_${name}: composite parameter values with escaped characters are not supported by supportloop store; use a ClickHouse server`);
    }
    params[name] = unescapeParam(raw);
  }
  return params;
}

function authorized(request: IncomingMessage, search: URLSearchParams, options: ChdbHttpServerOptions): boolean {
  if (options.password === '') return true;
  let user = (request.headers['x-clickhouse-user'] as string | undefined) ?? search.get('user') ?? undefined;
  let password = (request.headers['x-clickhouse-key'] as string | undefined) ?? search.get('password') ?? undefined;
  const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    user = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return (user ?? 'default') === options.user && password !== undefined && same(password, options.password);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const encoding = (request.headers['content-encoding'] ?? '').toLowerCase();
  let stream: Readable = request;
  if (encoding === 'gzip') stream = request.pipe(createGunzip());
  else if (encoding === 'deflate') stream = request.pipe(createInflate());
  else if (encoding === 'br') stream = request.pipe(createBrotliDecompress());
  else if (encoding !== '' && encoding !== 'identity') throw new ProtocolError(36, 'BAD_ARGUMENTS', `content-encoding: ${encoding} is not supported by supportloop store (gzip, deflate, br)`);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(response: ServerResponse, queryId: string | undefined, err: unknown): void {
  let status = 500;
  let code = 1000;
  let text: string;
  if (err instanceof ProtocolError) {
    status = err.status;
    code = err.code;
    text = `Code: ${err.code}. DB::Exception: ${err.message}. (${err.type})`;
  } else {
    // chdb raises the engine's own text (`Code: N. DB::Exception: … (TYPE)`) as the cause of a ClickHouseError.
    const e = err as { code?: string; type?: string; message?: string; cause?: { message?: string } };
    const engineText = e.cause?.message;
    code = Number(e.code) || code;
    text = engineText && /^Code: \d+\./.test(engineText) ? engineText : `Code: ${code}. DB::Exception: ${e.message ?? String(err)}. (${e.type ?? 'UNKNOWN_EXCEPTION'})`;
  }
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, {
    'content-type': 'text/plain; charset=UTF-8',
    'x-clickhouse-exception-code': String(code),
    ...(queryId ? { 'x-clickhouse-query-id': queryId } : {}),
  });
  response.end(`${text}\n`);
}

async function handle(connection: ChdbConnection, options: ChdbHttpServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://store');
  if ((request.method === 'GET' || request.method === 'HEAD') && (url.pathname === '/ping' || (url.pathname === '/' && !url.searchParams.has('query')))) {
    response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
    return void response.end('Ok.\n');
  }
  const queryId = url.searchParams.get('query_id') ?? randomUUID();
  try {
    if (url.pathname !== '/') throw new ProtocolError(36, 'BAD_ARGUMENTS', `${url.pathname}: supportloop store serves / and /ping only`, 404);
    if (request.method !== 'POST' && request.method !== 'GET') throw new ProtocolError(36, 'BAD_ARGUMENTS', `method ${request.method}: use GET or POST`, 405);
    if (!authorized(request, url.searchParams, options)) throw new ProtocolError(516, 'AUTHENTICATION_FAILED', `${options.user}: Authentication failed: password is incorrect, or there is no user with such name`, 403);
    if (/^multipart\//i.test(request.headers['content-type'] ?? '')) throw new ProtocolError(36, 'BAD_ARGUMENTS', 'content-type: multipart parameters are not supported by supportloop store', 415);
    for (const unsupported of ['session_id', 'role']) {
      if (url.searchParams.has(unsupported)) throw new ProtocolError(36, 'BAD_ARGUMENTS', `${unsupported}: not supported by supportloop store`);
    }
    const database = url.searchParams.get('database');
    if (database && database !== 'default') {
      throw new ProtocolError(36, 'BAD_ARGUMENTS', `database=${database}: supportloop store runs queries in the default database only; qualify table names (db.table)`);
    }
    const body = request.method === 'POST' ? await readBody(request) : '';
    // As the server does: the `query` parameter and the body together make the statement (INSERT … FORMAT X, then the data).
    const sql = [url.searchParams.get('query') ?? '', body].filter((part) => part !== '').join('\n');
    if (sql.trim() === '') throw new ProtocolError(62, 'SYNTAX_ERROR', 'Empty query');
    const settings: Record<string, string> = {};
    for (const [key, value] of url.searchParams) {
      if (!key.startsWith('param_') && !PROTOCOL_PARAMS.has(key)) settings[key] = value;
    }
    // Server defaults where clickhouse-local (chdb) differs: TabSeparated without FORMAT (chdb: CSV),
    // 64-bit integers quoted in JSON formats (chdb: bare numbers).
    settings.default_format ??= 'TabSeparated';
    settings.output_format_json_quote_64bit_integers ??= '1';
    const result = await connection.exec({ query: sql, query_params: boundParams(url.searchParams, sql), clickhouse_settings: settings, query_id: queryId });
    const chunks: Buffer[] = [];
    for await (const chunk of result.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    response.writeHead(200, {
      'content-type': /JSON/i.test(settings.default_format) ? 'application/json; charset=UTF-8' : 'text/plain; charset=UTF-8',
      'x-clickhouse-query-id': queryId,
      'x-clickhouse-format': settings.default_format,
      'x-clickhouse-timezone': 'UTC',
      'x-clickhouse-summary': JSON.stringify(result.summary ?? {}),
    });
    response.end(Buffer.concat(chunks));
  } catch (err) {
    sendError(response, queryId, err);
  }
}

export async function startChdbHttpServer(options: ChdbHttpServerOptions): Promise<ChdbHttpServer> {
  const chPath = path.join(options.dataDir, 'clickhouse');
  mkdirSync(chPath, { recursive: true });
  const connection = createChdbConnection({ path: chPath });
  const server: Server = createServer((request, response) => {
    handle(connection, options, request, response).catch((err: unknown) => sendError(response, undefined, err));
  });
  // Clients keep sockets alive between queries; idle ones must not hold a shutdown open.
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host}:${port}`;
  options.log?.(`supportloop store: ClickHouse HTTP interface on ${url} (chDB data in ${chPath})`);
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await connection.close();
    },
  };
}

/** The `supportloop store` role from the effective config. */
export async function startStore(config: Config): Promise<{ url: string; stop(): Promise<void> }> {
  const logger = pino({ level: config.logLevel, base: { service: 'supportloop', role: 'store' } });
  const server = await startChdbHttpServer({
    dataDir: config.dataDir,
    host: config.storeHost,
    port: config.storePort,
    user: config.clickhouseUser,
    password: config.clickhousePassword,
    log: (line) => logger.info(line),
  });
  return { url: server.url, stop: server.close };
}
