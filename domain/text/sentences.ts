// Sentence splitting with offsets, so a draft can be edited (a sentence cut, a paragraph inserted)
// without losing its original formatting. Lines are split first because support replies carry
// numbered steps without final punctuation; inside a line the `sentence-splitter` package (textlint)
// finds boundaries and knows abbreviations ("e.g.", "Mr.") and decimals.
import { split } from 'sentence-splitter';

export interface SentenceSpan {
  /** The sentence, trimmed. */
  text: string;
  /** Offset of its first character in the source text. */
  start: number;
  /** Offset just past its last character. */
  end: number;
}

// Drafts are split again and again (the same template reply for many tickets), so recent results
// are memoised; spans are frozen because callers share them. Sent replies are new texts made of
// known lines (a greeting, a step, a sign-off), so the splitter's sentence ranges are memoised per
// line too: the splitter was a tenth of learning time.
const MEMO_LIMIT = 4096;
const memo = new Map<string, readonly SentenceSpan[]>();
const LINE_MEMO_LIMIT = 16_384;
const lineMemo = new Map<string, ReadonlyArray<readonly [number, number]>>();

function sentenceRanges(line: string): ReadonlyArray<readonly [number, number]> {
  const cached = lineMemo.get(line);
  if (cached) return cached;
  const ranges = split(line).flatMap((node) => (node.type === 'Sentence' ? [node.range] : []));
  if (lineMemo.size >= LINE_MEMO_LIMIT) lineMemo.delete(lineMemo.keys().next().value!);
  lineMemo.set(line, ranges);
  return ranges;
}

export function splitSentences(text: string): readonly SentenceSpan[] {
  const cached = memo.get(text);
  if (cached) return cached;
  const spans = Object.freeze(splitUncached(text).map((span) => Object.freeze(span)));
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(text, spans);
  return spans;
}

function splitUncached(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  const lines = /[^\r\n]+/g;
  for (let line = lines.exec(text); line; line = lines.exec(text)) {
    const lineStart = line.index;
    for (const [from, to] of sentenceRanges(line[0])) {
      const raw = line[0].slice(from, to);
      const lead = raw.length - raw.trimStart().length;
      const trimmed = raw.trim();
      if (trimmed) spans.push({ text: trimmed, start: lineStart + from + lead, end: lineStart + from + lead + trimmed.length });
    }
  }
  return spans;
}

/** Just the sentences' texts. */
export function sentenceTexts(text: string): string[] {
  return splitSentences(text).map((span) => span.text);
}
