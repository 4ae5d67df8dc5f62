// Parsing of NAB's CSV text (data files and detector result files). Pure: the bench reads the files
// and hands the text in. Columns are found by header name because published result files order
// them differently (numenta: …,anomaly_score,raw_score,…; ARTime: …,anomaly_score,label,…).
import { parseNabTimestamp } from './windows.js';

/** A NAB data file: rows in file order (never sorted; duplicate timestamps are kept). */
export interface NabSeries {
  timestamps: string[];
  timestampsMs: number[];
  values: number[];
}

function splitRows(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) throw new Error('empty CSV');
  return { header: lines[0].split(',').map((h) => h.trim()), rows: lines.slice(1).map((l) => l.split(',')) };
}

function columnIndex(header: string[], name: string): number {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`CSV has no "${name}" column (header: ${header.join(',')})`);
  return i;
}

/** Parses a `timestamp,value` data file. Scores and values are read as IEEE doubles, exactly as written. */
export function parseSeriesCsv(text: string): NabSeries {
  const { header, rows } = splitRows(text);
  const ti = columnIndex(header, 'timestamp');
  const vi = columnIndex(header, 'value');
  const series: NabSeries = { timestamps: [], timestampsMs: [], values: [] };
  rows.forEach((cells, r) => {
    const value = Number(cells[vi]);
    if (!Number.isFinite(value)) throw new Error(`row ${r + 1}: value "${cells[vi]}" is not a number`);
    series.timestamps.push(cells[ti]);
    series.timestampsMs.push(parseNabTimestamp(cells[ti]));
    series.values.push(value);
  });
  return series;
}

/** Reads one numeric column (e.g. `anomaly_score`) of a detector's result file, by header name. */
export function parseScoreColumn(text: string, column = 'anomaly_score'): number[] {
  const { header, rows } = splitRows(text);
  const ci = columnIndex(header, column);
  return rows.map((cells, r) => {
    const v = Number(cells[ci]);
    if (Number.isNaN(v)) throw new Error(`row ${r + 1}: ${column} "${cells[ci]}" is not a number`);
    return v;
  });
}
