import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';

/**
 * Commander value parsers shared by every command line (cli, simulate, benches, chaos): a bad value
 * stops the command with `error: option '--x <n>' argument 'abc' is invalid. expected …` before
 * anything runs, instead of turning into NaN somewhere in a long run.
 */

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n))) throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** A share strictly between 0 and 1. */
export function share(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('expected a number between 0 and 1 (both excluded)');
  return n;
}

/** A share where 0 means "off": 0 up to but not including 1. */
export function shareOrZero(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError('expected 0 (off) or a number up to but not including 1');
  return n;
}

export function isoDate(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('expected an ISO date, e.g. 2025-03-03T00:00:00Z');
  return value;
}

/**
 * An output folder, created now (with its parents) if missing: a path that is a file or cannot be
 * written stops the command before a long run, not when the run writes its results at the end.
 */
export function outputFolder(value: string): string {
  if (existsSync(value) && !statSync(value).isDirectory()) throw new InvalidArgumentError(`expected a folder; ${value} is a file`);
  try {
    mkdirSync(value, { recursive: true });
    accessSync(value, constants.W_OK);
  } catch (err) {
    throw new InvalidArgumentError(`cannot write to ${value}: ${(err as Error).message}`);
  }
  return value;
}
