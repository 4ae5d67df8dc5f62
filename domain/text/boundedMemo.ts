// A memo of a pure computation that forgets its oldest entry once it holds `limit`: the text and
// learning caches (sentence splits, index terms, a draft sentence's terms) are read far more often
// than they change, and a bounded insertion-order map is all they need — ten lines, where a cache
// library would add a dependency (and its eviction bookkeeping) for nothing these callers use.
export class BoundedMemo<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** The value for `key`, computed once while it is remembered. */
  get(key: K, compute: (key: K) => V): V {
    if (this.entries.has(key)) return this.entries.get(key)!;
    const value = compute(key);
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return value;
  }
}
