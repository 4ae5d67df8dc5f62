// What every adapter test needs: its provider's fixtures, the events of a mapping that must produce
// events, and the field an InvalidPayloadError names.
import { readFileSync } from 'node:fs';
import { InvalidPayloadError, type MapResult } from '../../../helpdesks/adapter.js';
import type { TicketEvent } from '../../../domain/events.js';

export function fixturesOf(provider: string) {
  const fixture = (name: string) => readFileSync(new URL(`../../fixtures/helpdesks/${provider}/${name}`, import.meta.url));
  return { fixture, load: (name: string) => JSON.parse(fixture(name).toString('utf8')) };
}

export function eventsOf(result: MapResult): TicketEvent[] {
  if (result.outcome !== 'events') throw new Error(`expected events, got ignored: ${result.reason}`);
  return result.events;
}

export function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidPayloadError) return err.field;
    throw err;
  }
  throw new Error('expected InvalidPayloadError');
}
