// Who can write at a time: the cached lookup planning uses must give exactly what filtering every
// customer gives (same people, same order, same weights), also at the very instants an account signs
// up or a trial ends, and for times that go back and forth.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../simulator/seededRandom.js';
import { createWorld, eligibleCustomersLookup, writingWeight, type Customer, type World } from '../../../simulator/world.js';

const START = new Date('2025-03-03T00:00:00Z');
const END = new Date('2025-04-03T00:00:00Z');
const world: World = createWorld({ seed: 5, rng: new SeededRandom(5).derive('world'), tenantIds: ['acme', 'globex'], start: START, end: END, tickets: 4000 });

const filtered = (tenantId: string, t: number): Customer[] =>
  world.customersByTenant.get(tenantId)!.filter((c) => c.account.signupAt.getTime() <= t && (!c.account.activeUntil || t < c.account.activeUntil.getTime()));

describe('eligible customers lookup', () => {
  const boundaries = [...world.customersByTenant.get('acme')!].flatMap((c) => [c.account.signupAt.getTime(), c.account.activeUntil?.getTime()]).filter((t): t is number => t !== undefined);
  const around = boundaries.slice(0, 200).flatMap((b) => [b - 1, b, b + 1]);
  const spread = Array.from({ length: 300 }, (_, i) => START.getTime() + (i * (END.getTime() - START.getTime())) / 300);

  it('the world has trials ending inside the span, so eligibility changes while tickets arrive', () => {
    const ends = world.customersByTenant.get('acme')!.filter((c) => c.account.activeUntil && c.account.activeUntil > START && c.account.activeUntil < END);
    expect(ends.length).toBeGreaterThan(0);
  });

  it.each([
    ['in time order', [...spread].sort((a, b) => a - b)],
    ['at and around signup / end-of-trial instants', around.sort((a, b) => a - b)],
    ['back and forth, alternating tenants', [...spread].reverse().concat(spread)],
  ])('matches filtering every customer: %s', (_, times) => {
    const lookup = eligibleCustomersLookup(world);
    times.forEach((t, i) => {
      const tenantId = i % 2 === 0 ? 'acme' : 'globex';
      const { customers, weights } = lookup(tenantId, new Date(t));
      const expected = filtered(tenantId, t);
      expect(customers.map((c) => c.customerId)).toEqual(expected.map((c) => c.customerId));
      expect(weights).toEqual(expected.map(writingWeight));
    });
  });
});
