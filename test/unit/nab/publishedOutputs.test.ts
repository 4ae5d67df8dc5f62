// The scorer against NAB's own committed numbers: the published numenta/ARTime outputs for the
// development subset, rescored, must reproduce the per-file test vectors and the corpus scores in
// SCORING.md. Needs the NAB subset (NAB_DATA, default ../shared/data/nab beside the repo).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScoreColumn, parseSeriesCsv } from '../../../domain/nab/csv.js';
import { NAB_PROFILES } from '../../../domain/nab/profiles.js';
import { normalizedScore, optimizeThreshold, scoreFile, windowCount, type ScoredFile } from '../../../domain/nab/scorer.js';
import { windowsToRows } from '../../../domain/nab/windows.js';

const dataDir = process.env.NAB_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/nab');
const labelsPath = join(dataDir, 'labels/dev_windows_and_labels.json');

function published(detector: string): ScoredFile[] {
  const windows = JSON.parse(readFileSync(labelsPath, 'utf8')).windows as Record<string, [string, string][]>;
  return Object.keys(windows).sort().map((name) => {
    const series = parseSeriesCsv(readFileSync(join(dataDir, 'data', name), 'utf8'));
    const [category, file] = name.split('/');
    const scores = parseScoreColumn(readFileSync(join(dataDir, 'results', detector, category, `${detector}_${file}`), 'utf8'));
    return { name, rowCount: series.values.length, windows: windowsToRows(series.timestampsMs, windows[name]), scores };
  });
}

describe.skipIf(!existsSync(labelsPath))('scorer on NAB\'s published detector outputs', () => {
  const numentaStd = 0.542187690735;
  const numentaLowFP = 0.575195503235;

  it('reproduces NAB\'s per-file numenta scores (SCORING.md C.8) to 1e-9', () => {
    const files = published('numenta');
    const byName = (n: string) => files.find((f) => f.name === n)!;
    const vectors: [string, number][] = [
      ['realKnownCause/nyc_taxi.csv', 2.43572773247],
      ['realTweets/Twitter_volume_AAPL.csv', 1.26389791486],
      ['realKnownCause/machine_temperature_system_failure.csv', 1.36013273774],
      ['artificialWithAnomaly/art_daily_jumpsup.csv', 0.86067182427],
      ['artificialNoAnomaly/art_daily_small_noise.csv', -0.22],
    ];
    for (const [name, expected] of vectors) expect(scoreFile(byName(name), NAB_PROFILES.standard, numentaStd).score).toBeCloseTo(expected, 9);
    expect(scoreFile(byName('realKnownCause/nyc_taxi.csv'), NAB_PROFILES.reward_low_FN_rate, numentaStd).score).toBeCloseTo(1.43572773247, 9);
    expect(scoreFile(byName('realKnownCause/nyc_taxi.csv'), NAB_PROFILES.reward_low_FP_rate, numentaLowFP).score).toBeCloseTo(2.32572773247, 9);
  });

  it('reproduces the dev-subset corpus scores at published and swept thresholds', () => {
    const expectations: [string, Record<string, number>, Record<string, number>, Record<string, number>][] = [
      ['numenta', { standard: 0.5421876907348634, reward_low_FP_rate: 0.5751955032348636, reward_low_FN_rate: 0.5421876907348634 },
        { standard: 63.76, reward_low_FP_rate: 57.58, reward_low_FN_rate: 68.94 }, { standard: 65.78, reward_low_FP_rate: 58.15, reward_low_FN_rate: 70.29 }],
      ['ARTime', { standard: 0.317486, reward_low_FP_rate: 0.317585, reward_low_FN_rate: 0.317486 },
        { standard: 74.67, reward_low_FP_rate: 63.04, reward_low_FN_rate: 80.82 }, { standard: 76.24, reward_low_FP_rate: 66.43, reward_low_FN_rate: 81.86 }],
    ];
    for (const [detector, thresholds, atPublished, swept] of expectations) {
      const files = published(detector);
      const windows = windowCount(files);
      expect(windows).toBe(58);
      for (const [name, profile] of Object.entries(NAB_PROFILES)) {
        const raw = files.reduce((sum, f) => sum + scoreFile(f, profile, thresholds[name]).score, 0);
        expect(normalizedScore(raw, windows, profile)).toBeCloseTo(atPublished[name], 2);
        expect(normalizedScore(optimizeThreshold(files, profile).score, windows, profile)).toBeCloseTo(swept[name], 2);
      }
    }
  });
});
