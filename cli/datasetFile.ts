// Reading a support dataset or helpdesk export (CSV with a header row, or JSON Lines) into rows,
// and `--map field=column` overrides: shared by `eval`, `import` and the load run.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { MESSAGE_FIELDS, ticketRowsOf, type ExportMapping } from '../domain/learning/conversationExports.js';
import { DATASET_FIELDS, DEFAULT_COLUMN_CANDIDATES, readField, resolveMapping, type ColumnMapping, type DatasetRow } from '../domain/learning/datasetTickets.js';

/** Fields `--map` takes: a ticket export's, and a message-per-row export's (see conversationExports.ts). */
export const MAPPABLE_FIELDS: readonly string[] = [...DATASET_FIELDS, ...MESSAGE_FIELDS];

/** A CSV (header row) or JSON Lines file as rows, unmapped (also `npm run load`'s message texts). */
async function readRows(file: string): Promise<DatasetRow[]> {
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

function parseMappings(pairs: readonly string[]): ExportMapping {
  const mapping: Record<string, string> = {};
  for (const pair of pairs) {
    const [field, column] = pair.split('=', 2);
    if (!column || !field || !MAPPABLE_FIELDS.includes(field)) throw new Error(`--map ${pair}: expected field=column with field one of ${MAPPABLE_FIELDS.join(', ')}`);
    mapping[field] = column;
  }
  return mapping as ExportMapping;
}

/**
 * A dataset or export as ticket rows with their column mapping: read, message-per-row exports folded
 * per conversation (saying how), columns found by name or `--map`. `fileRows` counts the file's rows.
 */
export async function readTicketRows(file: string, mapPairs: readonly string[]): Promise<{ fileRows: number; rows: DatasetRow[]; mapping: ColumnMapping }> {
  const fileRows = await readRows(file);
  const { rows, mapping: overrides, note } = ticketRowsOf(fileRows, parseMappings(mapPairs));
  if (note) console.log(note);
  return { fileRows: fileRows.length, rows, mapping: resolveMapping(rows, overrides) };
}

/** The customer messages of a dataset (its text column, found as import and eval find it), for the load generators. */
export async function readMessageBodies(file: string): Promise<string[]> {
  const { rows, mapping } = await readTicketRows(file, []);
  if (!mapping.text) throw new Error(`${file}: no customer-message column (${DEFAULT_COLUMN_CANDIDATES.text.join(', ')})`);
  return rows.map((row) => readField(row, mapping.text!) ?? '').filter(Boolean);
}
