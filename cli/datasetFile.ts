// Reading a support dataset or helpdesk export (CSV with a header row, JSON Lines, or a JSON array) into rows,
// and `--map field=column` overrides: shared by `eval`, `import` and the load run.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { MESSAGE_FIELDS, ticketRowsOf, type ExportMapping } from '../domain/learning/conversationExports.js';
import { DATASET_FIELDS, DEFAULT_COLUMN_CANDIDATES, readField, resolveMapping, type ColumnMapping, type DatasetRow } from '../domain/learning/datasetTickets.js';

/** Fields `--map` takes: a ticket export's, and a message-per-row export's (see conversationExports.ts). */
export const MAPPABLE_FIELDS: readonly string[] = [...DATASET_FIELDS, ...MESSAGE_FIELDS];

/** A CSV (header row), JSON Lines or JSON-array file as rows, unmapped. */
async function readRows(file: string): Promise<DatasetRow[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${file}: cannot read it (${err.code === 'EISDIR' ? 'a directory, not a file' : err.message})`);
  });
  const extension = extname(file).toLowerCase();
  // A .json file may hold one array of rows; JSON Lines under any of the three names is read line by line.
  if (extension === '.json' && text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file}: not JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed) || parsed.some((row) => !row || typeof row !== 'object' || Array.isArray(row))) throw new Error(`${file}: a JSON file must be an array of objects, one per row`);
    return parsed as DatasetRow[];
  }
  if (['.jsonl', '.ndjson', '.json'].includes(extension)) {
    return text
      .split(/\r?\n/)
      .map((line, i) => ({ line, number: i + 1 }))
      .filter(({ line }) => line.trim())
      .map(({ line, number }) => {
        try {
          return JSON.parse(line) as DatasetRow;
        } catch (error) {
          throw new Error(`${file}:${number}: not JSON (${(error as Error).message})`);
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
  if (fileRows.length === 0) throw new Error(`${file}: no rows (an empty file, or a header without data)`);
  const headers = Object.keys(fileRows[0]!);
  if (headers.length === 1 && /[;\t|]/.test(headers[0]!)) throw new Error(`${file}: one column named ${JSON.stringify(headers[0]!.slice(0, 60))}: the file looks delimited by something other than commas; save it as comma-separated CSV`);
  const given = parseMappings(mapPairs);
  for (const [field, column] of Object.entries(given)) {
    if (!fileRows.some((row) => readField(row, column) !== undefined)) {
      const columns = [...new Set(fileRows.slice(0, 100).flatMap((row) => Object.keys(row)))];
      throw new Error(`--map ${field}=${column}: no row of ${file} has a value in column "${column}"; its columns are ${columns.join(', ')}`);
    }
  }
  const { rows, mapping: overrides, note } = ticketRowsOf(fileRows, given);
  if (note) console.log(note);
  return { fileRows: fileRows.length, rows, mapping: resolveMapping(rows, overrides) };
}

/** The customer messages of a dataset (its text column, found as import and eval find it), for the load generators. */
export async function readMessageBodies(file: string): Promise<string[]> {
  const { rows, mapping } = await readTicketRows(file, []);
  if (!mapping.text) throw new Error(`${file}: no customer-message column (${DEFAULT_COLUMN_CANDIDATES.text.join(', ')})`);
  return rows.map((row) => readField(row, mapping.text!) ?? '').filter(Boolean);
}
