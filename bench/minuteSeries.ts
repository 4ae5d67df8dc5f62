// Per-minute counts of simulated tickets, as the per-minute rollups hold them (what the detection
// benches feed the scheduled passes), and where the benches put their injected events.
import { MINUTE_MS } from '../domain/spikeDetection.js';

/** Minute counts per series of the tickets opened before `endMs`: each ticket counts once in every series it names. */
export function minuteCounts(tickets: Iterable<{ atMs: number; series: readonly string[] }>, endMs: number): Map<string, Map<number, number>> {
  const counts = new Map<string, Map<number, number>>();
  for (const { atMs, series } of tickets) {
    const minute = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
    if (minute >= endMs) continue;
    for (const name of series) {
      const perMinute = counts.get(name) ?? new Map<number, number>();
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
      counts.set(name, perMinute);
    }
  }
  return counts;
}

/** Tickets in [fromMs, toMs) of one series' minute counts. */
export const ticketsIn = (counts: Map<number, number> | undefined, fromMs: number, toMs: number) => {
  let n = 0;
  for (const [m, c] of counts ?? []) if (m >= fromMs && m < toMs) n += c;
  return n;
};

export const WEEK_MS = 7 * 24 * 60 * MINUTE_MS;

/** The i-th injected spike's (or incident's) start: spread over the weeks after the warm-up week by a fixed stride, on a whole minute. */
export const injectedStartMs = (i: number, startMs: number, weeks: number) =>
  startMs + WEEK_MS + Math.floor(((i * 7919) % 1000) / 1000 * (weeks - 1.2) * WEEK_MS / MINUTE_MS) * MINUTE_MS;
