// Sentence splitting with offsets, so a draft can be edited (a sentence cut, a paragraph inserted)
// without losing its original formatting. Lines are split first because support replies carry
// numbered steps without final punctuation; inside a line the `sentence-splitter` package (textlint)
// finds boundaries and knows abbreviations ("e.g.", "Mr.") and decimals.
import { split } from 'sentence-splitter';
import { BoundedMemo } from './boundedMemo.js';

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
const memo = new BoundedMemo<string, readonly SentenceSpan[]>(4096);
const lineMemo = new BoundedMemo<string, ReadonlyArray<readonly [number, number]>>(16_384);

const sentenceRanges = (line: string): ReadonlyArray<readonly [number, number]> =>
  lineMemo.get(line, () => split(line).flatMap((node) => (node.type === 'Sentence' ? [node.range] : [])));

export function splitSentences(text: string): readonly SentenceSpan[] {
  return memo.get(text, () => Object.freeze(splitUncached(text).map((span) => Object.freeze(span))));
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
