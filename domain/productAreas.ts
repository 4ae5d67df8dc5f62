// A tenant's product areas (features), for spike detection and alert subscriptions
// (GET/PUT /v1/settings/product-areas): named groups of tags and topics — "Payments" = tags billing,
// invoice + topic refund. No helpdesk in ../shared/HELPDESKS.md sends a product-area field, but teams
// mark product areas with tags (a Zendesk drop-down field adds its option's tag to the ticket), and
// the learned topics are ours: an area is what a product team would otherwise list tag by tag.
// An event belongs to every area one of whose tags it carries or whose topic it has (case-insensitive;
// store/tables.ts areasOfRow); an event in two of an area's tags counts once. Areas are read over the
// topic × tag-set rollup at detection time, so a new or edited area covers the history already stored.
import { Type, type Static } from '@sinclair/typebox';

const Name = (description: string) => Type.String({ minLength: 1, maxLength: 200, description });

export const ProductArea = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', description: 'e.g. Payments; the series is "area=<name>"' }),
    tags: Type.Array(Name('a ticket tag, e.g. billing'), { uniqueItems: true, maxItems: 200, default: [] }),
    topics: Type.Array(Name('a learned topic, e.g. refund'), { uniqueItems: true, maxItems: 200, default: [] }),
  },
  { additionalProperties: false },
);
export type ProductArea = Static<typeof ProductArea>;

export const ProductAreas = Type.Object(
  { areas: Type.Array(ProductArea, { maxItems: 100, description: 'An event belongs to every area one of whose tags it carries or whose topic it has.' }) },
  { additionalProperties: false },
);
export type ProductAreas = Static<typeof ProductAreas>;
export const ProductAreasOverrides = Type.Partial(ProductAreas, { additionalProperties: false });
export type ProductAreasOverrides = Static<typeof ProductAreasOverrides>;

export const DEFAULT_PRODUCT_AREAS: ProductAreas = { areas: [] };

export const productAreasFor = (overrides: ProductAreasOverrides = {}): ProductAreas => ({ areas: overrides.areas ?? DEFAULT_PRODUCT_AREAS.areas });

/** What the schema cannot see: two areas of one name, an area that matches nothing. */
export function productAreasProblem(overrides: ProductAreasOverrides): { field: string; message: string } | undefined {
  const seen = new Map<string, number>();
  for (const [i, area] of (overrides.areas ?? []).entries()) {
    const key = area.name.trim().toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) return { field: `areas.${i}.name`, message: `areas.${i}.name: "${area.name}" is also the name of areas.${first} (names are compared without case)` };
    seen.set(key, i);
    if (area.tags.length === 0 && area.topics.length === 0) return { field: `areas.${i}`, message: `areas.${i}: needs at least one tag or topic` };
  }
  return undefined;
}

/** An area as matching reads it: its name, and its tags and topics lower-cased, sorted, without repeats. */
export interface AreaMatcher {
  name: string;
  tags: string[];
  topics: string[];
}

const normalized = (values: readonly string[]) => [...new Set(values.map((v) => v.trim().toLowerCase()))].filter(Boolean).sort();

export const areaMatchers = (areas: ProductAreas): AreaMatcher[] => areas.areas.map((a) => ({ name: a.name.trim(), tags: normalized(a.tags), topics: normalized(a.topics) }));

/**
 * What an area series counts, as text: a detector that learned an area must start over when the
 * area's tags or topics change (its history changes with them); '' = the area is no longer defined.
 */
export const areaDefinition = (area: AreaMatcher | undefined) => (area ? JSON.stringify({ tags: area.tags, topics: area.topics }) : '');
