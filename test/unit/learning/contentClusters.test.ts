import { describe, expect, it } from 'vitest';
import { ContentClusters } from '../../../domain/learning/contentClusters.js';

const WORDS = ['window', 'garden', 'rocket', 'violin', 'harbor', 'pepper', 'canyon', 'marble', 'falcon', 'lantern', 'meadow', 'copper', 'glacier', 'saddle', 'thunder', 'orchid', 'pillow', 'quartz', 'tunnel', 'walnut', 'basket', 'candle', 'dragon', 'forest'];
/** Sentence i shares no content word with sentence j ≠ i: each is its own cluster. */
const sentence = (i: number): string => `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + 3) % WORDS.length]}${i}x ${WORDS[(i * 5 + 11) % WORDS.length]}${i}y.`;

describe('content clusters past capacity', () => {
  it('forgets the oldest clusters seen once, never one seen twice, and reports them', () => {
    const forgotten: number[] = [];
    const clusters = new ContentClusters({ diceMin: 0.5, capacity: 10, onForget: (ids) => forgotten.push(...ids) });
    const twice = [0, 1, 2, 3, 4, 5].map((i) => {
      const id = clusters.assign(sentence(i), 0).id;
      clusters.assign(sentence(i), 0);
      return id;
    });
    const once = [6, 7, 8, 9, 10, 11, 12, 13].map((i) => clusters.assign(sentence(i), 0).id);
    // Each time 11 > 10 clusters, down to 9 by forgetting the oldest seen-once clusters.
    expect(forgotten).toEqual(once.slice(0, 4));
    expect(clusters.size).toBe(10);
    const more = [20, 21, 22, 23].map((i) => clusters.assign(sentence(i), 0).id);
    expect(forgotten).toEqual(once);
    expect(clusters.size).toBe(10);
    for (const id of [...twice, ...more]) expect(clusters.get(id)).toBeDefined();
    for (const id of twice) expect(clusters.get(id)!.count).toBe(2);
    expect(clusters.lookupExact(sentence(6))).toBeUndefined();
    expect(clusters.lookupExact(sentence(0))?.id).toBe(twice[0]);
  });
});
