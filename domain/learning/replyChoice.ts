// Which of a template's past replies a draft takes is learned per tenant from the replies agents
// send. How closely a reply follows the customer's wording differs between teams: where every request
// gets the topic's standard answer, the template's most typical recent reply is right; where agents
// answer each phrasing its own way, the typical reply to the most similar past questions is; where
// the same questions recur (forms, macros, repeat customers), the reply the nearest past question got
// is. Each sent reply is a free comparison: before it joins its template, every rule's choice from
// that template for this question is measured against it (word edit distance), and drafts follow the
// rule that has been clearly closest lately. A small follow-the-leader over three named rules, written here
// because it is the product's learning core and the rules are what the explanation names.
// Agents edit the draft they were shown, so sent replies lean toward the rule in use: the comparison
// favours staying, and a switch happens only when another rule wins despite that.

export const REPLY_CHOICE_RULES = ['similar', 'typical', 'nearest'] as const;
export type ReplyChoiceRule = (typeof REPLY_CHOICE_RULES)[number];

/** Before this many informative comparisons, drafts keep the default rule. */
const MIN_COMPARISONS = 20;
/**
 * Each comparison's weight halves after this many newer ones: the record follows a team whose
 * practice changes within a few hundred replies, and its means rest on ~290 comparisons' worth of
 * evidence (Kish's effective size of these weights).
 */
const HALF_LIFE_COMPARISONS = 100;
const DECAY = 0.5 ** (1 / HALF_LIFE_COMPARISONS);
/**
 * Drafts move to another rule only when its mean paired advantage over the current one is more than
 * this many standard errors: two rules that are about as good would otherwise take turns on noise,
 * and every switch changes the drafts agents see. The test is repeated after every reply, so the bar
 * is well above the usual 2. Simulated (two equally good rules, 200 seeds): at 3, 13% of runs of
 * 2,000 comparisons and 35% of runs of 5,000 switched at least once (the bitext replay did, from
 * "similar" to "typical" at equal means, costing 0.015 token F1); at 4, 0.5% and 1%. The price: a
 * rule better by 0.03 (noise 0.1) is adopted after 141 comparisons instead of 95, a change of
 * practice followed after 140 instead of 127.
 */
const SWITCH_STANDARD_ERRORS = 4;

export interface ReplyChoiceSummary {
  rule: ReplyChoiceRule;
  /** Informative comparisons so far (the rules chose replies that differ). */
  comparisons: number;
  /** Recency-weighted mean word edit distance from each rule's choice to the sent reply. */
  meanDistance: Record<ReplyChoiceRule, number> | null;
}

const zeroPerRule = (): Record<ReplyChoiceRule, number> => ({ similar: 0, typical: 0, nearest: 0 });

export interface ReplyChoiceState {
  current: ReplyChoiceRule;
  sums: Record<ReplyChoiceRule, number>;
  squaredDifferences: Map<string, number>;
  weight: number;
  squaredWeight: number;
  comparisons: number;
}

export class ReplyChoiceRecord {
  private current: ReplyChoiceRule = REPLY_CHOICE_RULES[0];
  private sums = zeroPerRule();
  /** Σ w·(d_a − d_b)² for every pair of rules a < b: the spread a switch's standard error needs. */
  private squaredDifferences = new Map<string, number>();
  private weight = 0;
  private squaredWeight = 0;
  private comparisons = 0;

  /**
   * One sent reply's distances from each rule's choice. Comparisons where every rule chose the same
   * reply say nothing about the rules and are skipped (decaying on them would only erase evidence).
   */
  observe(distances: Record<ReplyChoiceRule, number>): void {
    const values = REPLY_CHOICE_RULES.map((rule) => distances[rule]);
    if (values.every((v) => v === values[0])) return;
    for (const rule of REPLY_CHOICE_RULES) {
      this.sums[rule] = this.sums[rule] * DECAY + distances[rule];
      for (const other of REPLY_CHOICE_RULES) {
        if (other <= rule) continue;
        const key = `${rule}|${other}`;
        this.squaredDifferences.set(key, (this.squaredDifferences.get(key) ?? 0) * DECAY + (distances[rule] - distances[other]) ** 2);
      }
    }
    this.weight = this.weight * DECAY + 1;
    this.squaredWeight = this.squaredWeight * DECAY ** 2 + 1;
    this.comparisons += 1;
    if (this.comparisons >= MIN_COMPARISONS) this.current = this.leader();
  }

  /** The rule drafts follow (the default, 'similar', until another is clearly better). */
  get rule(): ReplyChoiceRule {
    return this.current;
  }

  summary(): ReplyChoiceSummary {
    const meanDistance = this.weight === 0 ? null : (Object.fromEntries(REPLY_CHOICE_RULES.map((rule) => [rule, Number((this.sums[rule] / this.weight).toFixed(4))])) as Record<ReplyChoiceRule, number>);
    return { rule: this.current, comparisons: this.comparisons, meanDistance };
  }

  exportState(): ReplyChoiceState {
    const { current, sums, squaredDifferences, weight, squaredWeight, comparisons } = this;
    return { current, sums, squaredDifferences, weight, squaredWeight, comparisons };
  }

  restoreState(state: ReplyChoiceState): void {
    ({ current: this.current, sums: this.sums, squaredDifferences: this.squaredDifferences, weight: this.weight, squaredWeight: this.squaredWeight, comparisons: this.comparisons } = state);
  }

  /** The rule with the lowest mean among those clearly better than the current one (paired, recency-weighted), else the current. */
  private leader(): ReplyChoiceRule {
    // Kish's effective sample size of the decayed weights.
    const effective = this.weight ** 2 / this.squaredWeight;
    let best = this.current;
    for (const rule of REPLY_CHOICE_RULES) {
      if (rule === this.current) continue;
      const mean = (this.sums[rule] - this.sums[this.current]) / this.weight;
      const key = rule < this.current ? `${rule}|${this.current}` : `${this.current}|${rule}`;
      const variance = Math.max(0, this.squaredDifferences.get(key)! / this.weight - mean ** 2);
      const clearlyBetter = mean + SWITCH_STANDARD_ERRORS * Math.sqrt(variance / effective) < 0;
      if (clearlyBetter && this.sums[rule] < this.sums[best]) best = rule;
    }
    return best;
  }
}
