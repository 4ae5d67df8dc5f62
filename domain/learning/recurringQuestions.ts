// A dataset in which every question comes back, for `eval --repeat`: real support text where each
// question is asked again later, the way repeat customers, forms and macro'd requests come back. Each
// row is copied n times; every copy gets one word of the dataset's own question vocabulary appended
// to its question and six to its reply (seeded), so no two tickets are identical, yet a question's
// earlier copies hold nearly its answer. The copies are spread over the replay like any other row
// (datasetTickets synthesises times for the whole set when the dataset has none).
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { readField, type ColumnMapping, type DatasetRow } from './datasetTickets.js';

/** Words appended to each copy's question and reply. */
export const REPEAT_WORDS = { question: 1, reply: 6 } as const;

export function repeatedRows(rows: readonly DatasetRow[], mapping: ColumnMapping, times: number, seed: number): DatasetRow[] {
  const { text, reply, id } = mapping;
  if (!text || !reply) throw new Error('repeatedRows needs the text and reply columns');
  for (const column of [text, reply, id]) if (column?.includes('.')) throw new Error(`--repeat varies top-level columns only (got ${column})`);
  const vocabulary = [...new Set(rows.flatMap((row) => (readField(row, text) ?? '').split(/\s+/).map((w) => w.replace(/^\W+|\W+$/g, '')).filter(Boolean)))];
  if (vocabulary.length === 0) throw new Error(`no words in column ${text} to vary the copies with`);
  const rng = xoroshiro128plus(seed);
  const words = (n: number) => Array.from({ length: n }, () => vocabulary[Math.floor(uniformFloat64(rng) * vocabulary.length)]!).join(' ');
  const copies: DatasetRow[] = [];
  for (const row of rows) {
    const [question, answer, rowId] = [readField(row, text), readField(row, reply), id ? readField(row, id) : undefined];
    for (let copy = 0; copy < times; copy++) {
      copies.push({
        ...row,
        ...(question !== undefined ? { [text]: `${question} ${words(REPEAT_WORDS.question)}` } : {}),
        ...(answer !== undefined ? { [reply]: `${answer} ${words(REPEAT_WORDS.reply)}` } : {}),
        ...(rowId !== undefined ? { [id!]: `${rowId}~${copy + 1}` } : {}),
      });
    }
  }
  return copies;
}
