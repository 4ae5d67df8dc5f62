// Reading a support dataset or helpdesk export (CSV with a header row, or JSON Lines) into rows,
// and `--map field=column` overrides: shared by `eval` and `import`.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { DATASET_FIELDS, type ColumnMapping, type DatasetField, type DatasetRow } from '../domain/learning/datasetTickets.js';

export async function readRows(file: string): Promise<DatasetRow[]> {
  const text = await readFile(file, 'utf8');
  if (['.jsonl', '.ndjson'].includes(extname(file).toLowerCase())) {
    return text
      .split(/\r?\n/)
      .filter((line) => line.trim())
      .map((line, i) => {
        try {
          return JSON.parse(line) as DatasetRow;
        } catch (error) {
          throw new Error(`${file}:${i + 1}: not JSON (${(error as Error).message})`);
        }
      });
  }
  return parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as DatasetRow[];
}

export function parseMappings(pairs: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const pair of pairs) {
    const [field, column] = pair.split('=', 2);
    if (!column || !DATASET_FIELDS.includes(field as DatasetField)) throw new Error(`--map ${pair}: expected field=column with field one of ${DATASET_FIELDS.join(', ')}`);
    mapping[field as DatasetField] = column;
  }
  return mapping;
}
