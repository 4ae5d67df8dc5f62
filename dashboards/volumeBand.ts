// The Anomalies dashboard's volume-with-band panels: observed customer messages per slice (topic,
// product area) beside an SQL approximation of the detector's expected band, with the alerts' own
// figures as points. The detector's band per minute is not stored (detector_state keeps only each
// series' latest snapshot), so the band is rebuilt from the same interval in earlier weeks.
import { resolveOptions } from '../domain/detection/detectorOptions.js';
import { VOLUME_DETECTOR_OPTIONS } from '../domain/spikeDetection.js';
import { TABLES } from '../store/tables.js';
import { matchingFields, TENANT } from './panels.js';

/** The options the scheduled detection gives volume series. */
const VOLUME_DETECTOR = resolveOptions(VOLUME_DETECTOR_OPTIONS);
/** Weeks of history behind the expected level: the volume detector's weekly depth. */
export const BAND_WEEKS = VOLUME_DETECTOR.weeklyDepth;
/** Half-width of the band in residual scales: the volume detector's bandScales. */
export const BAND_SCALES = VOLUME_DETECTOR.bandScales;
export const BAND_TEXT = `Dashed: expected level and band, an SQL approximation of the detector's band, not the detector's own. Expected: the median of the same interval 1 to ${BAND_WEEKS} weeks earlier (missing weeks count as no messages), like the detector's weekly seasonal reference without its level adjustment. Band: expected ± ${BAND_SCALES}·√max(expected count, 1), the narrowest band the detector draws for a count series (its own widens when its recent errors are larger); lower edge at 0.`;

/** A slice of customer messages the band panels draw: its name, where its rows come from and which alerts are its own. */
export interface BandSlice {
  /** The column the series is labelled by ('topic', 'area'). */
  key: string;
  /** Optional WITH entries the rows need (before the CTEs). */
  with: string;
  /** The per-minute rollup read. */
  table: string;
  /** The key of a rollup row (may arrayJoin, one row per key). */
  keyOf: string;
  /** Rows of the slice (the tenant and topic filters applied). */
  rows: string;
  /** The alerts drawn as points: volume alerts of this dimension, within the alert scope. */
  alertDimension: string;
  alertScope: string;
}

/**
 * Observed volume per slice and interval beside the SQL band, plus the alerts' own figures. Every
 * minute is also counted 1..BAND_WEEKS weeks later (k), so one pass over the rollup yields each
 * interval's count this week (k = 0) and in the earlier weeks, over exactly the same minutes.
 * Values are messages per minute: an interval's count over the minutes of it inside the range (so a
 * partly elapsed last interval is not understated). Intervals are whole minutes (min interval 1m).
 */
export const volumeWithBand = (o: BandSlice) => `WITH ${o.with}shifted AS (
  SELECT ${o.keyOf === o.key ? o.key : `${o.keyOf} AS ${o.key}`}, minute + toIntervalWeek(k) AS at, k, events
  FROM ${o.table}
  ARRAY JOIN [${Array.from({ length: BAND_WEEKS + 1 }, (_, k) => k).join(', ')}] AS k
  WHERE ${o.rows.replace(/\n/g, '\n  ')}
    AND minute >= $__fromTime - INTERVAL ${BAND_WEEKS} WEEK
    AND minute <= $__toTime
),
weekly AS (
  SELECT $__timeInterval(at) AS time, ${o.key}, k, uniqExactMerge(events) AS messages
  FROM shifted
  WHERE $__timeFilter(at)
  GROUP BY time, ${o.key}, k
),
volume AS (
  SELECT time, ${o.key},
    sumIf(messages, k = 0) AS observed_count,
    arraySort(arrayResize(groupArrayIf(messages, k > 0), ${BAND_WEEKS}))[${Math.floor(BAND_WEEKS / 2) + 1}] AS expected_count,
    intDiv(least(toUnixTimestamp(time) + $__interval_s - 60, intDiv(toUnixTimestamp($__toTime), 60) * 60) - greatest(toUnixTimestamp(time), intDiv(toUnixTimestamp($__fromTime) + 59, 60) * 60), 60) + 1 AS minutes
  FROM weekly
  GROUP BY time, ${o.key}
),
alert_points AS (
  SELECT $__timeInterval(last_anomaly_at) AS time, value AS ${o.key},
    argMax(expected, last_anomaly_at) AS alert_expected,
    argMax(upper, last_anomaly_at) AS alert_upper
  FROM ${TABLES.alerts} FINAL
  WHERE ${TENANT}
    AND metric = 'volume'
    AND dimension = '${o.alertDimension}'
    AND ${o.alertScope}
    AND $__timeFilter(last_anomaly_at)
  GROUP BY time, ${o.key}
)
SELECT time, ${o.key}, max(observed) AS observed, max(expected) AS expected, max(lower) AS lower, max(upper) AS upper,
  max(alert_expected) AS alert_expected, max(alert_upper) AS alert_upper
FROM (
  SELECT time, ${o.key},
    toNullable(observed_count / minutes) AS observed,
    toNullable(expected_count / minutes) AS expected,
    toNullable(greatest(0, expected_count - ${BAND_SCALES} * sqrt(greatest(expected_count, 1))) / minutes) AS lower,
    toNullable((expected_count + ${BAND_SCALES} * sqrt(greatest(expected_count, 1))) / minutes) AS upper,
    CAST(NULL AS Nullable(Float64)) AS alert_expected,
    CAST(NULL AS Nullable(Float64)) AS alert_upper
  FROM volume
  UNION ALL
  SELECT time, ${o.key}, NULL, NULL, NULL, NULL, toNullable(alert_expected), toNullable(alert_upper)
  FROM alert_points
)
GROUP BY time, ${o.key}
ORDER BY time, ${o.key}`;

const DASHED = { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } };
const BAND_EDGE = [{ id: 'custom.lineStyle', value: { fill: 'dot', dash: [2, 6] } }, { id: 'custom.lineWidth', value: 1 }, { id: 'custom.fillOpacity', value: 0 }];
const ALERT_POINT = [
  { id: 'custom.drawStyle', value: 'points' },
  { id: 'custom.pointSize', value: 10 },
  { id: 'custom.showPoints', value: 'always' },
  { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
];

/** Display of a band panel's fields, labelled by its slice column. */
export const bandOverrides = (key: string) => {
  const label = `\${__field.labels.${key}}`;
  return [
    matchingFields('/^observed /', [{ id: 'displayName', value: label }]),
    matchingFields('/^expected /', [{ id: 'displayName', value: `${label} expected` }, DASHED, { id: 'custom.fillOpacity', value: 0 }]),
    matchingFields('/^lower /', [{ id: 'displayName', value: `${label} band low` }, ...BAND_EDGE]),
    matchingFields('/^upper /', [{ id: 'displayName', value: `${label} band high` }, ...BAND_EDGE]),
    matchingFields('/^alert_expected /', [{ id: 'displayName', value: `${label} alert expected` }, ...ALERT_POINT, { id: 'custom.pointSymbol', value: 'circle' }]),
    matchingFields('/^alert_upper /', [{ id: 'displayName', value: `${label} alert upper` }, ...ALERT_POINT]),
  ];
};
