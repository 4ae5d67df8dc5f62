// The series detection watches, and what would page each (domain/spikeDetection.ts
// seriesSensitivity): how a product team learns how big a spike on its topic must be, and why one
// did not page — read from the stored detector states, without running a pass.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { parseSeries, seriesMatches, type AlertMetric } from '../../domain/alerts.js';
import { isShareSnapshot } from '../../domain/detection/shareDetector.js';
import { MINUTE_MS, seriesSensitivity } from '../../domain/spikeDetection.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { loadDetectorStates } from '../../store/detectorState.js';
import { ErrorResponse } from '../errors.js';
import { Query } from '../querySchemas.js';
import { checkSeriesQuery, SERIES_QUERY_FIELDS } from './alerts.js';

const SeriesView = Type.Object({
  series: Type.String(),
  metric: Type.String(),
  dimension: Type.String(),
  value: Type.String(),
  learnedSince: Type.Union([Type.String(), Type.Null()], { description: 'the first minute its detector learned (its replayed history included); null for a negative-share series' }),
  lastMinute: Type.String({ description: 'the last minute a detection pass fed it' }),
  lastEvent: Type.String({ description: 'the last minute with an event in it' }),
  test: Type.String({ description: 'how its next minute is judged: count-windows (a sparse count series: the windows below), warming-up (its count test starts at countingFrom), per-minute (ten or more events a minute, each minute against its band), share (the negative-sentiment share detector)' }),
  countingFrom: Type.Union([Type.String(), Type.Null()]),
  expectedPerMinute: Type.Union([Type.Number(), Type.Null()], { description: 'events expected in its next minute (seasonal rate model)' }),
  inEpisode: Type.Boolean({ description: 'an alerted episode is on: until an hour passes without evidence near the alert level, the counts in windows raise no new alert (a window may already hold more), and a firing alert is re-notified only when its severity rises' }),
  windows: Type.Array(
    Type.Object({
      minutes: Type.Number(),
      expected: Type.Number({ description: 'events expected in the trailing window ending with the next minute' }),
      held: Type.Number({ description: 'events the window already holds from the minutes before' }),
      pagesAt: Type.Union([Type.Number(), Type.Null()], { description: 'the fewest events in the window, the next minute included, at which the series alerts' }),
    }),
  ),
});

export const alertSeriesRoutes: FastifyPluginAsync<{ ch: ClickHouse }> = async (app, { ch }) => {
  app.get<{ Querystring: { metric?: AlertMetric; dimension?: string; value?: string } }>(
    '/v1/alerts/series',
    {
      schema: {
        summary: 'Watched series and what would page each',
        description:
          'Per series the detection schedule watches (retired ones left out): how its next minute is judged and, for a sparse count series, per trailing window (5, 15, 60, 180 minutes) the events expected, those already held and the fewest that raise an alert at the current options — higher while a series is young, as its rate and spread are still uncertain. The alert these counts raise is low severity or more (severity also weighs the minute against its band).',
        tags: ['alerts'],
        security: [{ apiKey: [] }],
        querystring: Query(SERIES_QUERY_FIELDS),
        response: { 200: Type.Object({ series: Type.Array(SeriesView) }), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const q = request.query;
      checkSeriesQuery(q);
      const filter = { dimension: q.dimension ?? '', values: q.value === undefined ? [] : [q.value], metrics: q.metric ? [q.metric] : [] };
      const states = (await loadDetectorStates(ch, request.tenant.tenantId, { memories: false })).filter((s) => seriesMatches(filter, s.series));
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        series: states
          .sort((a, b) => a.series.localeCompare(b.series))
          .map((s) => {
            const next = s.lastMinuteMs + MINUTE_MS;
            const sensitivity = seriesSensitivity(s.snapshot, next);
            const { metric, dimension, value } = parseSeries(s.series);
            const first = isShareSnapshot(s.snapshot) ? null : s.snapshot.firstTimestampMs;
            return {
              series: s.series,
              metric,
              dimension,
              value,
              learnedSince: first === null ? null : iso(first),
              lastMinute: iso(s.lastMinuteMs),
              lastEvent: iso(s.lastEventMs),
              test: sensitivity.test,
              countingFrom: sensitivity.countingFromMs === null ? null : iso(sensitivity.countingFromMs),
              expectedPerMinute: sensitivity.expectedPerMinute === null ? null : Number(sensitivity.expectedPerMinute.toFixed(4)),
              inEpisode: sensitivity.inEpisode,
              windows: sensitivity.windows.map((w) => ({ ...w, expected: Number(w.expected.toFixed(2)) })),
            };
          }),
      };
    },
  );
};
