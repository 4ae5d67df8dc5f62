import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { ProductAreas, productAreasProblem } from '../../../domain/productAreas.js';
import { PRODUCT_AREAS, TOPICS } from '../../../simulator/topics.js';

describe("the simulator's product areas", () => {
  it('are areas the product accepts (its schema and its checks)', () => {
    expect(Value.Check(ProductAreas, { areas: PRODUCT_AREAS })).toBe(true);
    expect(productAreasProblem({ areas: [...PRODUCT_AREAS] })).toBeUndefined();
  });

  it("every area's tags are tags the catalogue's topics carry, and most topics fall in an area", () => {
    const tags = new Set(TOPICS.flatMap((t) => t.tags));
    for (const area of PRODUCT_AREAS) for (const tag of area.tags) expect(tags, `${area.name}: ${tag}`).toContain(tag);
    const covered = TOPICS.filter((t) => PRODUCT_AREAS.some((a) => a.tags.some((tag) => t.tags.includes(tag))));
    expect(covered.length).toBeGreaterThanOrEqual(TOPICS.length - 1);
  });
});
