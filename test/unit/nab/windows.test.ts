import { describe, expect, it } from 'vitest';
import { parseScoreColumn, parseSeriesCsv } from '../../../domain/nab/csv.js';
import { NAB_PROFILES, parseProfiles } from '../../../domain/nab/profiles.js';
import { parseNabTimestamp, probationaryLength, rowWeights, scaledSigmoid, windowsToRows } from '../../../domain/nab/windows.js';

describe('scaled sigmoid', () => {
  it('matches the values NAB documents', () => {
    const table: [number, number][] = [[-1, 0.986614], [-0.75, 0.954045], [-0.5, 0.848284], [-0.25, 0.5546], [-0.1, 0.244919], [0, 0], [0.1, -0.244919], [0.5, -0.848284], [1, -0.986614], [2, -0.999909]];
    for (const [x, y] of table) expect(scaledSigmoid(x)).toBeCloseTo(y, 6);
    expect(scaledSigmoid(3)).toBe(-1);
    expect(scaledSigmoid(10)).toBe(-1);
  });
});

describe('probationary period', () => {
  it('is ⌊0.15·n⌋ capped at 750 rows', () => {
    expect(probationaryLength(4032)).toBe(604);
    expect(probationaryLength(1882)).toBe(282);
    expect(probationaryLength(5000)).toBe(750);
    expect(probationaryLength(22695)).toBe(750);
  });
});

describe('windows as rows', () => {
  const timestamps = ['2014-04-01 00:00:00', '2014-04-01 00:05:00', '2014-04-01 00:05:00', '2014-04-01 00:10:00', '2014-04-01 00:15:00'].map(parseNabTimestamp);

  it('maps label timestamps (with NAB\'s .000000 suffix) to the first row carrying them', () => {
    expect(windowsToRows(timestamps, [['2014-04-01 00:05:00.000000', '2014-04-01 00:15:00.000000']])).toEqual([{ start: 1, end: 4 }]);
  });

  it('refuses a window edge that is not a row', () => {
    expect(() => windowsToRows(timestamps, [['2014-04-01 00:06:00.000000', '2014-04-01 00:15:00.000000']])).toThrow(/not a row/);
  });

  it('weights rows inside a window from A_TP at the start down to ~0 at the end, and FPs after it less', () => {
    const { weights, windowOf } = rowWeights(100, [{ start: 40, end: 59 }], NAB_PROFILES.standard);
    expect(weights[40]).toBeCloseTo(1, 12);
    expect(weights[50]).toBeGreaterThan(weights[55]);
    expect(weights[59]).toBeGreaterThan(0);
    expect(weights[59]).toBeLessThan(0.15);
    expect(windowOf[40]).toBe(0);
    expect(windowOf[60]).toBe(-1);
    expect(weights[39]).toBeCloseTo(-0.11, 12); // before any window: full penalty
    expect(weights[61]).toBeGreaterThan(-0.11 * 0.3); // just after: lenient
    expect(weights[99]).toBeLessThan(-0.11 * 0.99); // far after (x > 2): nearly full
  });
});

describe('CSV and profile parsing', () => {
  it('reads columns by header name, keeping file order and duplicates', () => {
    const s = parseSeriesCsv('timestamp,value\n2014-04-01 00:05:00,2\n2014-04-01 00:00:00,1.5\n2014-04-01 00:00:00,1\n');
    expect(s.values).toEqual([2, 1.5, 1]);
    expect(s.timestampsMs[1]).toBe(s.timestampsMs[2]);
    expect(parseScoreColumn('timestamp,value,label,anomaly_score\nx,1,0,0.25\ny,2,1,1.011\n')).toEqual([0.25, 1.011]);
    expect(() => parseScoreColumn('timestamp,value\nx,1\n')).toThrow(/no "anomaly_score" column/);
  });

  it('parses NAB profiles.json and names a missing field', () => {
    const json = { standard: { CostMatrix: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1, tnWeight: 1 } }, reward_low_FP_rate: { CostMatrix: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1, tnWeight: 1 } }, reward_low_FN_rate: { CostMatrix: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2, tnWeight: 1 } } };
    expect(parseProfiles(json)).toEqual(NAB_PROFILES);
    const broken = { ...json, reward_low_FN_rate: { CostMatrix: { tpWeight: 1, fpWeight: 0.11, tnWeight: 1 } } };
    expect(() => parseProfiles(broken)).toThrow(/reward_low_FN_rate\.CostMatrix\.fnWeight/);
  });
});
