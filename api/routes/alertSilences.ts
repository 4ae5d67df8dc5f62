// Silences of alert notices (domain/alertSilences.ts): create one for a series filter and a span,
// list them, end one early. Detection passes withhold the notices a silence covers and log them.
import { randomUUID } from 'node:crypto';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { SILENCE_MAX_MS, SILENCE_STATES, silenceState, type AlertSilence, type SilenceState } from '../../domain/alertSilences.js';
import { instantMs } from '../../domain/instants.js';
import { getSilence, listSilences, saveSilence } from '../../store/alertSilences.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { ApiError, ErrorResponse } from '../errors.js';
import { InstantQuery, Query } from '../querySchemas.js';
import { literals, SERIES_FILTER_FIELDS } from './alerts.js';

const MINUTE_MS = 60_000;
const MAX_DAYS = SILENCE_MAX_MS / (24 * 60 * MINUTE_MS);

const SilenceView = Type.Object({
  silenceId: Type.String(),
  dimension: Type.String(),
  values: Type.Array(Type.String()),
  metrics: Type.Array(Type.String()),
  startsAt: Type.String(),
  endsAt: Type.String(),
  comment: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  state: Type.String({ description: 'pending (starts later), active (notices withheld now) or expired' }),
});

const iso = (ms: number) => new Date(ms).toISOString();
const view = (s: AlertSilence, nowMs: number) => ({
  silenceId: s.silenceId,
  dimension: s.dimension,
  values: s.values,
  metrics: s.metrics,
  startsAt: iso(s.startsAtMs),
  endsAt: iso(s.endsAtMs),
  comment: s.comment,
  createdBy: s.createdBy,
  createdAt: iso(s.createdAtMs),
  state: silenceState(s, nowMs),
});

const SILENCE_FIELDS = {
  ...SERIES_FILTER_FIELDS,
  startsAt: Type.Optional(InstantQuery('when it starts withholding notices, default now')),
  endsAt: Type.Optional(InstantQuery('when it ends; give this or durationMinutes')),
  durationMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DAYS * 24 * 60, description: 'how long from startsAt; give this or endsAt' })),
  comment: Type.String({ minLength: 1, maxLength: 1000, description: 'why (an incident, a launch): shown in the delivery log of every notice it withholds' }),
  createdBy: Type.Optional(Type.String({ maxLength: 200 })),
};
type SilenceFields = Static<TObject<typeof SILENCE_FIELDS>>;

/** The span a body asks for, checked against the clock: one end, after the start and after now, at most SILENCE_MAX_MS long. */
function spanOf(b: SilenceFields, nowMs: number): { startsAtMs: number; endsAtMs: number } {
  const startsAtMs = b.startsAt === undefined ? nowMs : instantMs(b.startsAt, { dateOnly: true })!;
  if ((b.endsAt === undefined) === (b.durationMinutes === undefined)) throw new ApiError(400, 'invalid_request', 'endsAt: give either endsAt or durationMinutes', 'endsAt');
  const endsAtMs = b.endsAt === undefined ? startsAtMs + b.durationMinutes! * MINUTE_MS : instantMs(b.endsAt, { dateOnly: true })!;
  if (endsAtMs <= startsAtMs) throw new ApiError(400, 'invalid_request', 'endsAt: must be after startsAt', 'endsAt');
  if (endsAtMs <= nowMs) throw new ApiError(400, 'invalid_request', 'endsAt: must be in the future (a silence that has ended withholds nothing)', 'endsAt');
  if (endsAtMs - startsAtMs > SILENCE_MAX_MS) throw new ApiError(400, 'invalid_request', `endsAt: a silence lasts at most ${MAX_DAYS} days (to stop alerts for good, change the subscription's filters)`, 'endsAt');
  return { startsAtMs, endsAtMs };
}

export const alertSilenceRoutes: FastifyPluginAsync<{ ch: ClickHouse }> = async (app, { ch }) => {
  const security = [{ apiKey: [] }];
  const silenceId = Type.Object({ silenceId: Type.String({ minLength: 1, maxLength: 100 }) });
  const notFound = (id: string) => new ApiError(404, 'silence_not_found', `silenceId: no silence "${id}"`, 'silenceId');

  app.post<{ Body: SilenceFields }>(
    '/v1/alerts/silences',
    {
      schema: {
        summary: 'Silence alert notices for a while: the series a filter takes (as a subscription\'s), from startsAt (default now) to endsAt or for durationMinutes',
        description: `While it is active, notices of the alerts it covers are not sent; each is logged as \`silenced\` in the alert's delivery log, naming the silence and its comment. Alerts still fire and are listed and drawn. A resolve is not sent to a subscription whose firing notices of that alert were all withheld; an alert still firing when the silence ends is announced then (heldBack: silenced). At most ${MAX_DAYS} days.`,
        tags: ['alerts'],
        security,
        body: Type.Object(SILENCE_FIELDS, { additionalProperties: false }),
        response: { 201: SilenceView, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const nowMs = Date.now();
      const silence: AlertSilence = {
        silenceId: randomUUID(),
        dimension: b.dimension ?? '',
        values: b.values ?? [],
        metrics: b.metrics ?? [],
        ...spanOf(b, nowMs),
        comment: b.comment,
        createdBy: b.createdBy ?? '',
        createdAtMs: nowMs,
      };
      await saveSilence(ch, request.tenant.tenantId, silence, nowMs);
      return reply.status(201).send(view(silence, nowMs));
    },
  );

  app.get<{ Querystring: { state?: SilenceState } }>(
    '/v1/alerts/silences',
    {
      schema: {
        summary: 'List silences, newest first',
        tags: ['alerts'],
        security,
        querystring: Query({ state: Type.Optional(literals(SILENCE_STATES, { description: 'only silences in this state now' })) }),
        response: { 200: Type.Object({ silences: Type.Array(SilenceView) }), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const nowMs = Date.now();
      const silences = await listSilences(ch, request.tenant.tenantId);
      return { silences: silences.map((s) => view(s, nowMs)).filter((s) => request.query.state === undefined || s.state === request.query.state) };
    },
  );

  app.delete<{ Params: { silenceId: string } }>(
    '/v1/alerts/silences/:silenceId',
    {
      schema: {
        summary: 'End a silence now (it is kept, expired, so the delivery log still names it); ending one that has already ended changes nothing',
        tags: ['alerts'],
        security,
        params: silenceId,
        response: { 200: SilenceView, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { tenantId } = request.tenant;
      const silence = await getSilence(ch, tenantId, request.params.silenceId);
      if (!silence) throw notFound(request.params.silenceId);
      const nowMs = Date.now();
      if (silenceState(silence, nowMs) === 'expired') return view(silence, nowMs);
      // A pending one is ended before it began: a span of no length, now.
      const ended: AlertSilence = { ...silence, startsAtMs: Math.min(silence.startsAtMs, nowMs), endsAtMs: nowMs };
      await saveSilence(ch, tenantId, ended, nowMs);
      return view(ended, nowMs);
    },
  );
};
