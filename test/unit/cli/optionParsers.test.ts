import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integer, isoDate, nonNegativeInteger, outputFolder, positiveInteger, positiveNumber, share, shareOrZero } from '../../../cli/optionParsers.js';

/** Parses argv with one option and returns its value, or the error commander would print. */
function parseOption(parser: (value: string) => unknown, argv: string[]): { value?: unknown; error?: string } {
  let error: string | undefined;
  const program = new Command('t')
    .option('--x <v>', 'the option', parser)
    .exitOverride()
    .configureOutput({ writeErr: (text) => (error = text.trim()), writeOut: () => undefined });
  try {
    program.parse(argv, { from: 'user' });
  } catch {
    return { error };
  }
  return { value: program.opts().x };
}

describe('command-line value parsers', () => {
  it.each([
    ['positiveInteger', positiveInteger, ['1', '5000'], ['0', '-3', '1.5', 'abc', '']],
    ['nonNegativeInteger', nonNegativeInteger, ['0', '12'], ['-1', '0.5', 'x']],
    ['integer', integer, ['-4', '0', '7'], ['1.2', 'seven']],
    ['positiveNumber', positiveNumber, ['0.25', '4'], ['0', '-1', 'Infinity', 'NaN']],
    ['share', share, ['0.5', '0.001'], ['0', '1', '1.5', '-0.2']],
    ['shareOrZero', shareOrZero, ['0', '0.6'], ['1', '-0.1', 'half']],
  ] as const)('%s accepts what it names and rejects the rest', (_name, parser, good, bad) => {
    for (const v of good) expect(parseOption(parser, ['--x', v]).value).toBe(Number(v));
    for (const v of bad) expect(parseOption(parser, ['--x', v]).error, v).toMatch(/^error: option '--x <v>' argument '.*' is invalid\. expected /);
  });

  it('isoDate keeps the text and rejects what is not a date', () => {
    expect(parseOption(isoDate, ['--x', '2025-03-03T00:00:00Z']).value).toBe('2025-03-03T00:00:00Z');
    expect(parseOption(isoDate, ['--x', 'yesterday']).error).toContain("argument 'yesterday' is invalid. expected an ISO date");
  });

  it('outputFolder creates a missing folder at once and refuses a file, before any run', () => {
    const root = mkdtempSync(join(tmpdir(), 'out-'));
    try {
      const nested = join(root, 'a', 'b');
      expect(parseOption(outputFolder, ['--x', nested]).value).toBe(nested);
      expect(statSync(nested).isDirectory()).toBe(true);
      const file = join(root, 'results.json');
      writeFileSync(file, '{}');
      expect(parseOption(outputFolder, ['--x', file]).error).toMatch(/expected a folder; .*results\.json is a file/);
      expect(parseOption(outputFolder, ['--x', join(file, 'sub')]).error).toMatch(/cannot write to /);
      expect(existsSync(join(file, 'sub'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
