// npm run bench:nab — runs supportloop's streaming detector over every NAB data file, writes the
// per-row scores as NAB-style CSVs, scores them with our port of NAB's scorer (all three profiles,
// threshold swept over the corpus as NAB does for new detectors) and prints them next to the
// published detectors: their scoreboard numbers and their own outputs (results/) rescored by the
// same scorer on the same files, which is the fair comparison on a subset of NAB.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { nonNegativeInteger, outputFolder } from '../cli/optionParsers.js';
import { DEFAULT_DETECTOR_OPTIONS, type DetectorOptions } from '../domain/detection/detectorOptions.js';
import { createStreamingDetector } from '../domain/detection/streamingDetector.js';
import { parseScoreColumn, parseSeriesCsv, type NabSeries } from '../domain/nab/csv.js';
import { NAB_PROFILES, parseProfiles, PROFILE_NAMES, type CostMatrix, type ProfileName } from '../domain/nab/profiles.js';
import {
  normalizedScore, nullDetectorOutput, optimizeThreshold, perfectDetectorOutput, scoreFile, windowCount,
  type LabelledFile, type ScoredFile,
} from '../domain/nab/scorer.js';
import { probationaryLength, windowsToRows } from '../domain/nab/windows.js';
import { SeededRandom } from '../simulator/seededRandom.js';
import { halfWithoutWindows, repeatedSplitHalves, SPLIT_HALF_GRID, splitHalf, splitHalves, type SplitHalfReport } from './nabSplitHalf.js';

const DETECTOR_NAME = 'supportloop';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Published thresholds and dev-subset scores of the reference detectors, from SCORING.md. */
const PUBLISHED: Record<string, { thresholds: Record<ProfileName, number>; atPublished: Record<ProfileName, number>; reoptimised: Record<ProfileName, number> }> = {
  numenta: {
    thresholds: { standard: 0.5421876907348634, reward_low_FP_rate: 0.5751955032348636, reward_low_FN_rate: 0.5421876907348634 },
    atPublished: { standard: 63.76, reward_low_FP_rate: 57.58, reward_low_FN_rate: 68.94 },
    reoptimised: { standard: 65.78, reward_low_FP_rate: 58.15, reward_low_FN_rate: 70.29 },
  },
  ARTime: {
    thresholds: { standard: 0.317486, reward_low_FP_rate: 0.317585, reward_low_FN_rate: 0.317486 },
    atPublished: { standard: 74.67, reward_low_FP_rate: 63.04, reward_low_FN_rate: 80.82 },
    reoptimised: { standard: 76.24, reward_low_FP_rate: 66.43, reward_low_FN_rate: 81.86 },
  },
};
/** NAB's full-corpus (58 files) standard-profile scoreboard, for context only (SCORING.md). */
const FULL_CORPUS_STANDARD = 'ARTime 74.9, Numenta HTM 70.1–70.5, CAD OSE 69.9, Skyline (earthgecko) 58.2, KNN CAD 58.0, Relative Entropy 54.6, Random Cut Forest 51.7, Twitter ADVec 47.1, Windowed Gaussian 39.6, Etsy Skyline 35.7, Bayesian Changepoint 17.7, random ≈ 11–17, null 0';

interface CorpusFile extends LabelledFile {
  category: string;
  fileName: string;
  series: NabSeries;
}

/** SCORING.md's per-detector table (PUBLISHED) is for the corpus labelled by this file: only there can the rescoring be checked against it. */
const PUBLISHED_TABLE_LABELS = 'dev_windows_and_labels.json';

/** The series files of a corpus in NAB's layout (data/<category>/*.csv), in name order: `category/file.csv`. */
function corpusFileNames(dataDir: string): { name: string; category: string; fileName: string }[] {
  return readdirSync(join(dataDir, 'data')).sort().flatMap((category) =>
    readdirSync(join(dataDir, 'data', category)).filter((f) => f.endsWith('.csv')).sort().map((fileName) => ({ name: `${category}/${fileName}`, category, fileName })),
  );
}

function loadCorpus(dataDir: string): { files: CorpusFile[]; labelPath: string } {
  const labelPath = [join(dataDir, 'labels/dev_windows_and_labels.json'), join(dataDir, 'labels/combined_windows.json')].find(existsSync);
  if (!labelPath) throw new Error(`no labels under ${dataDir}/labels (expected dev_windows_and_labels.json or combined_windows.json); pass --data <nab dir>`);
  const parsed = JSON.parse(readFileSync(labelPath, 'utf8')) as Record<string, unknown>;
  const windows = (parsed.windows ?? parsed) as Record<string, [string, string][]>;
  const files = corpusFileNames(dataDir).map(({ name, category, fileName }): CorpusFile => {
    if (!windows[name]) throw new Error(`${name} has no entry in ${labelPath}`);
    const series = parseSeriesCsv(readFileSync(join(dataDir, 'data', name), 'utf8'));
    return { name, category, fileName, series, rowCount: series.values.length, windows: windowsToRows(series.timestampsMs, windows[name]) };
  });
  return { files, labelPath };
}

function loadProfiles(dataDir: string): Record<ProfileName, CostMatrix> {
  // NAB's own repository keeps them in config/.
  const path = [join(dataDir, 'profiles.json'), join(dataDir, 'config/profiles.json')].find(existsSync);
  return path ? parseProfiles(JSON.parse(readFileSync(path, 'utf8'))) : { ...NAB_PROFILES };
}

/**
 * Published detectors' own outputs (results/<detector>/<category>/<detector>_<file>, NAB's layout),
 * for each detector with an output for every file of this corpus; the others are named and skipped.
 */
function loadPublishedOutputs(dataDir: string, files: readonly CorpusFile[]): Record<string, ScoredFile[]> {
  const dir = join(dataDir, 'results');
  const outputs: Record<string, ScoredFile[]> = {};
  for (const det of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const paths = files.map((f) => join(dir, det, f.category, `${det}_${f.fileName}`));
    const missing = paths.filter((p) => !existsSync(p));
    if (missing.length > 0) {
      console.log(`published ${det}: skipped, no output for ${missing.length} of ${files.length} files (first: ${missing[0]})`);
      continue;
    }
    outputs[det] = files.map((f, i) => ({ ...f, scores: parseScoreColumn(readFileSync(paths[i]!, 'utf8')) }));
  }
  return outputs;
}

/** Runs a fresh detector over one file, point by point, and writes a NAB-style result CSV (when given a folder). */
function runDetector(file: CorpusFile, outDir: string | null, options: DetectorOptions = {}): number[] {
  const detector = createStreamingDetector(options);
  const lines = ['timestamp,value,anomaly_score,expected,lower,upper,is_anomaly'];
  const scores = file.series.values.map((value, i) => {
    const r = detector.update(file.series.timestampsMs[i], value);
    lines.push(`${file.series.timestamps[i]},${value},${r.score},${r.expected},${r.lower},${r.upper},${r.isAnomaly ? 1 : 0}`);
    return r.score;
  });
  if (outDir === null) return scores;
  const dir = join(outDir, DETECTOR_NAME, file.category);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${DETECTOR_NAME}_${file.fileName}`), `${lines.join('\n')}\n`);
  return scores;
}

interface Row {
  label: string;
  thresholds: number[];
  scores: number[];
  reference?: number[];
}

function swept(label: string, files: ScoredFile[], profiles: Record<ProfileName, CostMatrix>): Row {
  const windows = windowCount(files);
  const best = PROFILE_NAMES.map((p) => optimizeThreshold(files, profiles[p]));
  return { label, thresholds: best.map((b) => b.threshold), scores: best.map((b, k) => normalizedScore(b.score, windows, profiles[PROFILE_NAMES[k]])) };
}

function atThresholds(label: string, files: ScoredFile[], profiles: Record<ProfileName, CostMatrix>, thresholds: Record<ProfileName, number>): Row {
  const windows = windowCount(files);
  const scores = PROFILE_NAMES.map((p) => normalizedScore(files.reduce((sum, f) => sum + scoreFile(f, profiles[p], thresholds[p]).score, 0), windows, profiles[p]));
  return { label, thresholds: PROFILE_NAMES.map((p) => thresholds[p]), scores };
}

/**
 * Held out against another corpus: each detector's thresholds are chosen on this corpus's files that
 * the other corpus also has (the files its defaults may have been tuned on) and applied, frozen, to
 * the files it lacks — e.g. the full NAB corpus against the 28-file development subset.
 */
function heldOutRows(detectors: Record<string, ScoredFile[]>, seen: ReadonlySet<string>, profiles: Record<ProfileName, CostMatrix>): Row[] {
  return Object.entries(detectors).map(([label, files]) => {
    const train = files.filter((f) => seen.has(f.name));
    const test = files.filter((f) => !seen.has(f.name));
    const thresholds = Object.fromEntries(PROFILE_NAMES.map((p) => [p, optimizeThreshold(train, profiles[p]).threshold])) as Record<ProfileName, number>;
    return atThresholds(`${label}, thresholds from the ${train.length} seen files`, test, profiles, thresholds);
  });
}

function printTable(rows: Row[]): void {
  const head = ['detector (this corpus)', 'thresholds std / lowFP / lowFN', 'standard', 'low FP', 'low FN'];
  const cells = rows.map((r) => [
    r.label,
    r.thresholds.map((t) => (Number.isFinite(t) ? t.toFixed(4) : '∞')).join(' / '),
    ...r.scores.map((s, k) => (r.reference ? `${s.toFixed(2)} (pub ${r.reference[k].toFixed(2)})` : s.toFixed(2))),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells) console.log(line(row));
}

/** Where the standard-profile score comes from, file by file, at each detector's swept threshold. */
function printPerFile(ours: ScoredFile[], threshold: number, others: { det: string; scored: ScoredFile[]; threshold: number }[], profile: CostMatrix): void {
  const cell = (f: ScoredFile, t: number) => {
    const s = scoreFile(f, profile, t);
    const caught = f.windows.filter((w) => Array.from(f.scores).slice(w.start, w.end + 1).some((x) => x >= t)).length;
    return `${s.score.toFixed(2).padStart(6)} ${caught}/${f.windows.length} fp ${String(fpRows(f, t)).padStart(2)}`;
  };
  console.log(`\nper file, standard profile (raw score, windows caught, false-positive rows): ${[DETECTOR_NAME, ...others.map((o) => o.det)].join(' | ')}`);
  ours.forEach((f, i) => console.log(`  ${f.name.padEnd(56)} ${[cell(f, threshold), ...others.map((o) => cell(o.scored[i]!, o.threshold))].join(' | ')}`));
}

function fpRows(f: ScoredFile, threshold: number): number {
  let n = 0;
  for (let i = probationaryLength(f.rowCount); i < f.rowCount; i++) if (f.scores[i] >= threshold && !f.windows.some((w) => i >= w.start && i <= w.end)) n++;
  return n;
}

/** Seed of the random stratified splits (fixed, so a rerun draws the same halves). */
const RANDOM_SPLIT_SEED = 20261124;
/** Our defaults with only the threshold chosen per half (flatters: the defaults were chosen on all files). */
const DEFAULTS_ONLY = `${DETECTOR_NAME} defaults`;

function printRandomSplits(bySplit: Record<string, Record<ProfileName, number>[]>, splits: number): void {
  const mean = (runs: Record<ProfileName, number>[], p: ProfileName) => runs.reduce((sum, r) => sum + r[p], 0) / runs.length;
  console.log(`\n${splits} random stratified split-halves (same halves for every detector; ${DETECTOR_NAME} re-chooses its defaults and threshold per half, "${DEFAULTS_ONLY}" only the threshold and flatters): mean standard / low FP / low FN`);
  const ours = bySplit[DETECTOR_NAME]!;
  for (const [det, runs] of Object.entries(bySplit)) {
    const ahead = det === DETECTOR_NAME || det === DEFAULTS_ONLY ? '' : `; ${DETECTOR_NAME} ahead on standard in ${ours.filter((r, k) => r.standard > runs[k]!.standard).length}/${splits}`;
    console.log(`  ${det.padEnd(20)} ${PROFILE_NAMES.map((p) => mean(runs, p).toFixed(2)).join(' / ')}  (standard from ${Math.min(...runs.map((r) => r.standard)).toFixed(2)} to ${Math.max(...runs.map((r) => r.standard)).toFixed(2)})${ahead}`);
  }
}

function main(): void {
  const values = new Command('bench:nab')
    .description("Runs the product's streaming detector over a NAB corpus and scores it with NAB's rules next to the published detectors")
    .option('--data <dir>', 'NAB corpus (data/, labels/, results/ as in the NAB repository)', join(repoRoot, '../shared/data/nab'))
    .option('--out <dir>', 'output folder', outputFolder, join(repoRoot, 'out/nab'))
    .option('--split-half', 'also choose defaults and threshold on one half of the files and score the other')
    .option('--random-splits <n>', 'also score over n random category-stratified split-halves', nonNegativeInteger, 0)
    .option('--held-out-from <dir>', "a corpus whose files count as seen: the others are scored at the thresholds chosen on the shared ones")
    .parse()
    .opts<{ data: string; out: string; splitHalf?: boolean; randomSplits: number; heldOutFrom?: string }>();
  const randomSplits = values.randomSplits;
  const dataDir = resolve(values.data);
  const outDir = resolve(values.out);
  const started = Date.now();
  const { files, labelPath } = loadCorpus(dataDir);
  const checksPublishedTable = basename(labelPath) === PUBLISHED_TABLE_LABELS;
  const profiles = loadProfiles(dataDir);
  const windows = windowCount(files);
  const rowTotal = files.reduce((n, f) => n + f.rowCount, 0);
  console.log(`NAB corpus ${dataDir}: ${files.length} files, ${rowTotal} rows, ${windows} windows; results → ${outDir}`);

  const ours: ScoredFile[] = files.map((file, i) => {
    const t0 = Date.now();
    const scores = runDetector(file, outDir);
    console.log(`[${String(i + 1).padStart(2)}/${files.length}] ${file.name.padEnd(58)} ${String(file.rowCount).padStart(6)} rows ${String(Date.now() - t0).padStart(5)} ms`);
    return { ...file, scores };
  });

  const publishedFiles = loadPublishedOutputs(dataDir, files);
  let heldOut: Row[] | undefined;
  const rows: Row[] = [swept(`${DETECTOR_NAME} (threshold swept)`, ours, profiles)];
  const discrepancies: string[] = [];
  for (const [det, published] of Object.entries(publishedFiles)) {
    const ref = checksPublishedTable ? PUBLISHED[det] : undefined;
    const rescoredSweep = swept(`${det} output rescored, swept`, published, profiles);
    if (ref) {
      const atPub = atThresholds(`${det} output rescored at its published thresholds`, published, profiles, ref.thresholds);
      rows.push({ ...atPub, reference: PROFILE_NAMES.map((p) => ref.atPublished[p]) });
      rows.push({ ...rescoredSweep, reference: PROFILE_NAMES.map((p) => ref.reoptimised[p]) });
      for (const [row, expected] of [[atPub, ref.atPublished], [rescoredSweep, ref.reoptimised]] as const) {
        PROFILE_NAMES.forEach((p, k) => {
          if (Math.abs(row.scores[k] - expected[p]) > 0.006) discrepancies.push(`${row.label} ${p}: ${row.scores[k].toFixed(4)} vs published ${expected[p]}`);
        });
      }
    } else rows.push(rescoredSweep);
  }
  console.log('');
  printTable(rows);
  if (values.heldOutFrom) {
    // Only the other corpus's file names matter: its series are not read.
    const seen = new Set(corpusFileNames(resolve(values.heldOutFrom)).map((f) => f.name));
    const unseen = files.filter((f) => !seen.has(f.name));
    if (unseen.length === 0 || windowCount(unseen) === 0 || unseen.length === files.length) {
      console.log(`\nheld-out: skipped — ${resolve(values.heldOutFrom)} shares ${files.length - unseen.length} of ${files.length} files with this corpus; needs some shared and some new files with anomaly windows`);
    } else {
      console.log(`\nheld out: ${unseen.length} files (${windowCount(unseen)} windows) not in ${resolve(values.heldOutFrom)}, scored at the thresholds each detector gets on the ${files.length - unseen.length} shared ones`);
      heldOut = heldOutRows({ [DETECTOR_NAME]: ours, ...publishedFiles }, seen, profiles);
      printTable(heldOut);
    }
  }
  printPerFile(ours, rows[0]!.thresholds[0]!, Object.entries(publishedFiles).map(([det, scored]) => ({ det, scored, threshold: optimizeThreshold(scored, profiles.standard).threshold })), profiles.standard);

  let split: { supportloop: SplitHalfReport; defaultsOnly: SplitHalfReport; published: Record<string, SplitHalfReport>; randomSplits?: Record<string, Record<ProfileName, number>[]> } | undefined;
  const wantsSplitHalf = values.splitHalf || randomSplits > 0;
  const emptyHalf = wantsSplitHalf ? halfWithoutWindows(splitHalves(files)) : undefined;
  if (emptyHalf) console.log(`\nsplit-half skipped: half ${emptyHalf} of this corpus has no anomaly windows (needs labelled files in at least two per category)`);
  else if (wantsSplitHalf) {
    console.log(`\nsplit-half: ${SPLIT_HALF_GRID.length} candidate default sets (${Object.keys(SPLIT_HALF_GRID[0]!).join(' × ')}) over all files…`);
    const bar = new SingleBar({ format: 'candidate default sets [{bar}] {value}/{total} {options}' });
    bar.start(SPLIT_HALF_GRID.length, 0, { options: '' });
    const candidates = SPLIT_HALF_GRID.map((options) => {
      bar.increment(0, { options: JSON.stringify(options) });
      // The default set is in the grid: its scores are the main run's.
      const isDefault = Object.entries(options).every(([k, v]) => DEFAULT_DETECTOR_OPTIONS[k as keyof DetectorOptions] === v);
      const scored = { options, files: isDefault ? ours : files.map((f) => ({ ...f, scores: runDetector(f, null, options) })) };
      bar.increment();
      return scored;
    });
    bar.stop();
    const publishedCandidates = Object.fromEntries(Object.entries(publishedFiles).map(([det, scored]) => [det, [{ options: {}, files: scored }]]));
    const published = Object.fromEntries(Object.entries(publishedCandidates).map(([det, c]) => [det, splitHalf(c, profiles)]));
    split = { supportloop: splitHalf(candidates, profiles), defaultsOnly: splitHalf([{ options: {}, files: ours }], profiles), published };
    const fmt = (r: Record<ProfileName, number>) => PROFILE_NAMES.map((p) => r[p].toFixed(2).padStart(7)).join('  ');
    console.log(`\nsplit-half (halves alternate within each category; defaults and threshold chosen on one half, scored on the other)`);
    console.log(`${'detector'.padEnd(44)}  standard   low FP   low FN`);
    console.log(`${'supportloop in-sample (defaults, swept)'.padEnd(44)}  ${fmt(Object.fromEntries(PROFILE_NAMES.map((p, k) => [p, rows[0]!.scores[k]])) as Record<ProfileName, number>)}`);
    console.log(`${'supportloop out-of-sample (both halves)'.padEnd(44)}  ${fmt(split.supportloop.outOfSample)}`);
    for (const r of split.supportloop.results) console.log(`  trained on ${r.trainedOn}: ${JSON.stringify(r.options)}, std threshold ${r.thresholds.standard.toFixed(4)}; train ${r.trainNormalized.standard.toFixed(2)} → held-out ${r.testNormalized.standard.toFixed(2)} (standard)`);
    console.log(`${'supportloop defaults, threshold only'.padEnd(44)}  ${fmt(split.defaultsOnly.outOfSample)}  (flatters: the defaults were chosen on all files)`);
    for (const r of split.defaultsOnly.results) console.log(`  trained on ${r.trainedOn}: std threshold ${r.thresholds.standard.toFixed(4)}; held-out ${r.testNormalized.standard.toFixed(2)} (standard)`);
    for (const [det, report] of Object.entries(published)) {
      console.log(`${`${det} out-of-sample (threshold only)`.padEnd(44)}  ${fmt(report.outOfSample)}`);
      for (const r of report.results) console.log(`  trained on ${r.trainedOn}: std threshold ${r.thresholds.standard.toFixed(4)}; held-out ${r.testNormalized.standard.toFixed(2)} (standard)`);
    }
    if (randomSplits > 0) {
      // The same seed for every detector: each sees the same sequence of random halves.
      const draws = (c: typeof candidates) => {
        const rng = new SeededRandom(RANDOM_SPLIT_SEED);
        return repeatedSplitHalves(c, profiles, randomSplits, () => rng.float());
      };
      split.randomSplits = {
        [DETECTOR_NAME]: draws(candidates),
        [DEFAULTS_ONLY]: draws([{ options: {}, files: ours }]),
        ...Object.fromEntries(Object.entries(publishedCandidates).map(([det, c]) => [det, draws(c)])),
      };
      printRandomSplits(split.randomSplits, randomSplits);
    }
  }

  const perfect = swept('perfect', files.map((f) => ({ ...f, scores: perfectDetectorOutput(f) })), profiles).scores;
  const nothing = swept('null', files.map((f) => ({ ...f, scores: nullDetectorOutput(f) })), profiles).scores;
  console.log(`\nscorer sanity on this corpus: perfect detector = ${perfect.map((s) => s.toFixed(2)).join(' / ')}, null detector = ${nothing.map((s) => s.toFixed(2)).join(' / ')} (std / lowFP / lowFN)`);
  console.log(!checksPublishedTable
    ? `scorer validation against SCORING.md's table: not applicable (it covers the corpus labelled by ${PUBLISHED_TABLE_LABELS}; this one is labelled by ${basename(labelPath)})`
    : discrepancies.length === 0
      ? 'scorer validation: rescored published outputs match SCORING.md\'s dev-subset table (±0.006) for every profile'
      : `scorer validation: MISMATCH\n  ${discrepancies.join('\n  ')}`);
  console.log(`published full-corpus standard scoreboard (58 files, 116 windows; context only, not comparable to a subset): ${FULL_CORPUS_STANDARD}`);
  const seconds = (Date.now() - started) / 1000;
  console.log(`runtime ${seconds.toFixed(1)} s for ${rowTotal} rows (${((rowTotal / seconds) | 0).toLocaleString('en')} rows/s incl. I/O and scoring)`);
  writeFileSync(join(outDir, 'scores.json'), `${JSON.stringify({ corpus: dataDir, files: files.length, windows, detectorOptions: DEFAULT_DETECTOR_OPTIONS, rows, heldOut, splitHalf: split, perfect, null: nothing, discrepancies, seconds }, null, 2)}\n`);
}

main();
