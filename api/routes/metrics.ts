// GET /v1/metrics/volume — the same per-minute rollup the Grafana panels read.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { areaMatchers, productAreasFor } from '../../domain/productAreas.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { productAreasOverrides } from '../../store/tenantSettings.js';
import { VOLUME_DIMENSIONS, volumeOverTime, type VolumeDimension } from '../../store/volume.js';
import { ApiError, ErrorResponse } from '../errors.js';
import { InstantQuery, isoInstant, Query } from '../querySchemas.js';

const INTERVALS = { minute: 60, hour: 3600, day: 86400 } as const;
/** Bound the answer: at most this many buckets per series. */
const MAX_BUCKETS = 10_000;

interface VolumeQuerystring {
  from: string;
  to: string;
  interval?: keyof typeof INTERVALS;
  groupBy?: VolumeDimension;
  kind?: string;
}

export const metricsRoutes: FastifyPluginAsync<{ ch: ClickHouse }> = async (app, { ch }) => {
  app.get<{ Querystring: VolumeQuerystring }>(
    '/v1/metrics/volume',
    {
      schema: {
        summary: 'Ticket event volume over a time range',
        tags: ['metrics'],
        security: [{ apiKey: [] }],
        querystring: Query({
          from: InstantQuery('start of the range (inclusive)'),
          to: InstantQuery('end of the range'),
          interval: Type.Optional(Type.Union(Object.keys(INTERVALS).map((k) => Type.Literal(k)))),
          groupBy: Type.Optional(Type.Union(VOLUME_DIMENSIONS.map((d) => Type.Literal(d)), { description: 'tag: an event counts under each of its tags; area: under each product area it belongs to (/v1/settings/product-areas, the areas saved now, applied to the whole range)' })),
          kind: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object({
            interval: Type.String(),
            points: Type.Array(Type.Object({ bucket: Type.String(), key: Type.String(), count: Type.Integer() })),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { groupBy, kind } = request.query;
      const [from, to] = [isoInstant(request.query.from), isoInstant(request.query.to)];
      const interval = request.query.interval ?? 'hour';
      const spanSeconds = (Date.parse(to) - Date.parse(from)) / 1000;
      if (!(spanSeconds > 0)) throw new ApiError(400, 'invalid_request', 'to: must be after from', 'to');
      if (spanSeconds / INTERVALS[interval] > MAX_BUCKETS) {
        throw new ApiError(400, 'invalid_request', `interval: ${interval} over this range gives more than ${MAX_BUCKETS} buckets; use a coarser interval`, 'interval');
      }
      const { tenantId } = request.tenant;
      const areas = groupBy === 'area' ? areaMatchers(productAreasFor(await productAreasOverrides(ch, tenantId))) : undefined;
      const points = await volumeOverTime(ch, tenantId, { from, to, stepSeconds: INTERVALS[interval], groupBy, kind, areas });
      return { interval, points };
    },
  );
};
